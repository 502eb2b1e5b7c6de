package main

import (
	"context"
	"math"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// The runs of the study: the fixed-step methods at each step count, and
// Dormand–Prince at each relative tolerance with atol = rtol·atolFactor.
var (
	fixedMethods = []*ode.Tableau{ode.Euler, ode.Heun, ode.RK4}
	stepCounts   = []int{10, 20, 50, 100, 200, 500, 1000}
	rtols        = []float64{1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10}
)

// atolFactor sets atol = rtol·1e-3: the solution stays between 2 and 16 on
// [0, 5], so the relative tolerance governs and the absolute one is only a
// floor.
const atolFactor = 1e-3

// row is the outcome of one run.
type row struct {
	method string
	steps  int     // fixed steps; 0 for an adaptive run
	rtol   float64 // relative tolerance; 0 for a fixed-step run
	maxErr float64 // largest |x − exact| over every step's end point
	evals  int     // field evaluations
	// order is the observed order against the previous run of the same
	// method (see the package documentation); NaN for a method's first run.
	order float64
}

// study runs every solve of the table.
func study() ([]row, error) {
	p, err := field.ProblemByName("tutorial")
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, m := range fixedMethods {
		for i, n := range stepCounts {
			r := row{method: m.Name, steps: n, order: math.NaN()}
			if r.maxErr, r.evals, err = maxError(p.ODE(), p.Exact, m, &ode.Settings{Steps: n}); err != nil {
				return nil, err
			}
			if i > 0 {
				prev := rows[len(rows)-1]
				r.order = math.Log(prev.maxErr/r.maxErr) / math.Log(float64(n)/float64(prev.steps))
			}
			rows = append(rows, r)
		}
	}
	for i, rtol := range rtols {
		r := row{method: ode.DOPRI5.Name, rtol: rtol, order: math.NaN()}
		set := &ode.Settings{RTol: rtol, ATol: rtol * atolFactor}
		if r.maxErr, r.evals, err = maxError(p.ODE(), p.Exact, ode.DOPRI5, set); err != nil {
			return nil, err
		}
		if i > 0 {
			prev := rows[len(rows)-1]
			r.order = math.Log(prev.maxErr/r.maxErr) / math.Log(float64(r.evals)/float64(prev.evals))
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// maxError solves prob with m and set and returns the largest |x − exact|
// over the start and every step's end point, and the field evaluations.
func maxError(prob ode.Problem[float64], exact func(dst []float64, t float64), m *ode.Tableau, set *ode.Settings) (maxErr float64, evals int, err error) {
	s := ode.NewSolver[float64](m, len(prob.X0))
	ex := make([]float64, len(prob.X0))
	s.Observer = func(t float64, x []float64) error {
		exact(ex, t)
		for i := range x {
			maxErr = max(maxErr, math.Abs(x[i]-ex[i]))
		}
		return nil
	}
	res, err := s.Solve(context.Background(), prob, set)
	if err != nil {
		return 0, 0, err
	}
	return maxErr, res.Stats.FieldEvals, nil
}
