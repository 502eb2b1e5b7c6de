package solvers_test

import (
	"math"
	"testing"

	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// TestObservedOrder checks, for every built-in method with fixed steps, that
// the least-squares slope of log(error) against log(h) is within ±0.15 of the
// method's order on every table problem that lists step counts for it, and
// that each method is checked on at least two problems.
//
// The ±0.15 band: in the chosen windows the pairwise slopes are within 0.1
// of the order (see the table); the band is wider than that residual
// pre-asymptotic drift and narrower than half the distance to the
// neighbouring orders, so a method of the wrong order (a mistyped
// coefficient usually costs at least one order) cannot pass.
func TestObservedOrder(t *testing.T) {
	const band = 0.15
	covered := map[string]int{}
	for _, tp := range problems(t) {
		for _, m := range ode.Methods() {
			steps, ok := tp.orderSteps[m.Name]
			if !ok {
				continue
			}
			covered[m.Name]++
			order, errs, err := odetest.ObservedOrder(m, tp.Problem, steps)
			if err != nil {
				t.Errorf("%s on %s: %v", m.Name, tp.Name, err)
				continue
			}
			t.Logf("%-8s %-10s order %.3f errors %.2g", m.Name, tp.Name, order, errs)
			if math.Abs(order-float64(m.Order)) > band {
				t.Errorf("%s on %s: observed order %.3f, want %d ± %v (steps %v, errors %.3g)",
					m.Name, tp.Name, order, m.Order, band, steps, errs)
			}
		}
	}
	for _, m := range ode.Methods() {
		if covered[m.Name] < 2 {
			t.Errorf("%s is order-tested on %d problems, want at least 2", m.Name, covered[m.Name])
		}
	}
}
