package main

import (
	"context"
	"fmt"
	"math"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// benchCase is one windrose case. Names match scipy_side.py's, which is how
// the table pairs them.
type benchCase struct {
	name, method string
	// prepare allocates the case's buffers once. call runs one solve;
	// result returns the counts and the final state of the last call.
	prepare func() (call func() error, result func() (ode.Stats, []float64))
	// exact is the exact x(t1), nil when unknown.
	exact []float64
}

// tolerances are the (rtol, atol) pairs of the small problems: the two of
// the SciPy measurements in docs/reference.md.
var tolerances = [][2]float64{{1e-6, 1e-9}, {1e-10, 1e-12}}

// decayDim and rk4Steps set the large cases: x' = −x in 100,000 components,
// RK4 with 1000 steps (docs/reference.md: NumPy's hand-written RK4 took
// 0.56 s).
const (
	decayDim = 100_000
	rk4Steps = 1000
)

func cases() ([]benchCase, error) {
	var cs []benchCase
	for _, tol := range tolerances {
		for _, name := range []string{"tutorial", "arenstorf", "lorenz"} {
			p, err := field.ProblemByName(name)
			if err != nil {
				return nil, err
			}
			var exact []float64
			if p.Exact != nil {
				exact = p.ExactAt(p.T1)
			}
			cs = append(cs, solverCase(fmt.Sprintf("%s rtol=%g atol=%g", name, tol[0], tol[1]),
				p.ODE(), ode.DOPRI5, &ode.Settings{RTol: tol[0], ATol: tol[1]}, exact))
		}
	}
	decay := decayProblem()
	exact := make([]float64, decayDim)
	field.Decay{Rate: 1}.Exact(exact, decay.T1, decay.T0, decay.X0)
	cs = append(cs,
		solverCase("decay100k rtol=1e-10 atol=1e-10", decay, ode.DOPRI5, &ode.Settings{RTol: 1e-10, ATol: 1e-10}, exact),
		solverCase("decay100k rk4 1000 steps", decay, ode.RK4, &ode.Settings{Steps: rk4Steps}, exact),
		handCase("decay100k rk4 1000 steps", decay, exact),
	)
	return cs, nil
}

func decayProblem() ode.Problem[float64] {
	x0 := make([]float64, decayDim)
	for i := range x0 {
		x0[i] = 1
	}
	return ode.Problem[float64]{Field: field.Decay{Rate: 1}, T0: 0, T1: 1, X0: x0}
}

// solverCase solves p with m and set through one reused ode.Solver.
func solverCase(name string, p ode.Problem[float64], m *ode.Tableau, set *ode.Settings, exact []float64) benchCase {
	return benchCase{
		name:   name,
		method: "windrose " + m.Name,
		exact:  exact,
		prepare: func() (func() error, func() (ode.Stats, []float64)) {
			s := ode.NewSolver[float64](m, len(p.X0))
			ctx := context.Background()
			var res *ode.Result[float64]
			call := func() (err error) {
				res, err = s.Solve(ctx, p, set)
				return err
			}
			return call, func() (ode.Stats, []float64) { return res.Stats, res.X }
		},
	}
}

// handCase runs handRK4 with rk4Steps steps on p.
func handCase(name string, p ode.Problem[float64], exact []float64) benchCase {
	return benchCase{
		name:   name,
		method: "go hand-written RK4",
		exact:  exact,
		prepare: func() (func() error, func() (ode.Stats, []float64)) {
			n := len(p.X0)
			x, k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n),
				make([]float64, n), make([]float64, n), make([]float64, n)
			call := func() error {
				copy(x, p.X0)
				handRK4(p.Field, x, k1, k2, k3, k4, tmp, p.T0, p.T1, rk4Steps)
				return nil
			}
			stats := ode.Stats{FieldEvals: 4 * rk4Steps, Steps: rk4Steps, Accepted: rk4Steps}
			return call, func() (ode.Stats, []float64) { return stats, x }
		},
	}
}

// maxAbsDiff returns the largest |a[i] − b[i]|.
func maxAbsDiff(a, b []float64) float64 {
	var d float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
