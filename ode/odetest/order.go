package odetest

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// ObservedOrder integrates p with method m in fixed steps, once for each step
// count in steps, and returns the least-squares slope of log(error) against
// log(h), h = |T1-T0|/n, together with the errors. The error of a run is the
// largest absolute component of X(T1) - Exact(T1) (the max norm).
//
// For a method of order q the error behaves like C h^q once h is small enough
// (the asymptotic regime) and until it nears float64 round-off, so the slope
// estimates q only when every step count lies in that window; choosing the
// counts is the caller's job.
//
// ObservedOrder panics if p.Exact is nil, if steps has fewer than two entries
// or if an entry is not positive. It returns an error if a solve fails or if
// an error is zero, which leaves the logarithm undefined.
func ObservedOrder(m *ode.Tableau, p field.Problem, steps []int) (order float64, errs []float64, err error) {
	if p.Exact == nil {
		panic("odetest: ObservedOrder needs a problem with an exact solution: " + p.Name)
	}
	if len(steps) < 2 {
		panic("odetest: ObservedOrder needs at least two step counts")
	}
	exact := p.ExactAt(p.T1)
	hs := make([]float64, len(steps))
	errs = make([]float64, len(steps))
	for i, n := range steps {
		if n <= 0 {
			panic(fmt.Sprintf("odetest: step count %d is not positive", n))
		}
		res, serr := ode.Solve(context.Background(), p.ODE(), &ode.Settings{Steps: n}, m)
		if serr != nil {
			return math.NaN(), errs, fmt.Errorf("odetest: %s on %s with %d steps: %w", m.Name, p.Name, n, serr)
		}
		hs[i] = math.Abs(p.T1-p.T0) / float64(n)
		errs[i] = floats.Distance(res.X, exact, math.Inf(1))
		if errs[i] == 0 || math.IsNaN(errs[i]) {
			return math.NaN(), errs, fmt.Errorf("odetest: %s on %s with %d steps: error is %v, cannot take its logarithm", m.Name, p.Name, n, errs[i])
		}
	}
	return LogLogSlope(hs, errs), errs, nil
}

// LogLogSlope returns the least-squares slope of log(y) against log(x): the
// exponent k of the best power-law fit y ≈ C x^k. It panics if the lengths
// differ, if there are fewer than two points, if a value is not positive or if
// all x are equal.
func LogLogSlope(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("odetest: LogLogSlope length mismatch")
	}
	n := len(x)
	if n < 2 {
		panic("odetest: LogLogSlope needs at least two points")
	}
	var mx, my float64
	for i := range x {
		if !(x[i] > 0) || !(y[i] > 0) {
			panic(fmt.Sprintf("odetest: LogLogSlope needs positive values, have x=%v y=%v", x[i], y[i]))
		}
		mx += math.Log(x[i])
		my += math.Log(y[i])
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx float64
	for i := range x {
		dx := math.Log(x[i]) - mx
		sxy += dx * (math.Log(y[i]) - my)
		sxx += dx * dx
	}
	if sxx == 0 {
		panic("odetest: LogLogSlope needs at least two distinct x")
	}
	return sxy / sxx
}
