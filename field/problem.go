package field

import "github.com/windrose/windrose/ode"

// Problem is a float64 initial-value problem with a name and, when known, its
// exact solution: integrate Field from (T0, X0) to T1. Problems returns the
// catalogue's; package ode/odetest builds its own small ones and measures
// convergence orders on any of them.
type Problem struct {
	// Name is a short lower-case identifier, used in test names and by the CLI.
	Name string

	// Field is the right-hand side f of dx/dt = f(t, x).
	Field ode.VectorField[float64]

	// T0 and T1 are the canonical start and end of the integration; T1 < T0
	// is allowed and means backward integration.
	T0, T1 float64

	// X0 is the state at T0. It is shared, not copied: callers that let a
	// solver or anything else write to it must copy it first (ODE does).
	X0 []float64

	// Exact, when not nil, writes the exact solution at time t of the problem
	// x(T0) = X0 into dst, len(dst) == len(X0). It is nil when no closed form
	// or trusted reference is known (Lorenz, Van der Pol).
	Exact func(dst []float64, t float64)
}

// ODE returns the problem in the form ode.Solve takes, with a copy of X0 so
// that the solve cannot change p.
func (p Problem) ODE() ode.Problem[float64] {
	return ode.Problem[float64]{
		Field: p.Field,
		T0:    p.T0,
		T1:    p.T1,
		X0:    append([]float64(nil), p.X0...),
	}
}

// ExactAt returns the exact solution at t in a new slice.
// It panics if p.Exact is nil.
func (p Problem) ExactAt(t float64) []float64 {
	if p.Exact == nil {
		panic("field: problem " + p.Name + " has no exact solution")
	}
	dst := make([]float64, len(p.X0))
	p.Exact(dst, t)
	return dst
}
