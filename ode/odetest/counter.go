package odetest

import "github.com/windrose/windrose/ode"

// Counter wraps a vector field and counts its evaluations, so a test can
// check a solver's Stats.FieldEvals against an independent count.
// It is not safe for concurrent use; use it through a pointer.
type Counter[T ode.Float] struct {
	// Field is the wrapped field; it must not be nil.
	Field ode.VectorField[T]

	// Evals is the number of calls to Eval so far. Set it to 0 to restart.
	Evals int
}

// Eval counts the call and evaluates c.Field.
func (c *Counter[T]) Eval(dst []T, t float64, x []T) {
	c.Evals++
	c.Field.Eval(dst, t, x)
}
