package solvers_test

import (
	"math"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// saveFractions place the SaveAt points of the dense-output tests inside the
// span. With seven significant digits, f·N is never an integer for the step
// counts used here, so every point falls strictly inside a step, where the
// interpolant (not the step's end value) is what gets tested.
var saveFractions = []float64{0.1234567, 0.3141593, 0.5772157, 0.7071068, 0.8660254}

func saveTimes(p field.Problem) []float64 {
	ts := make([]float64, len(saveFractions))
	for i, f := range saveFractions {
		ts[i] = at(p, f)
	}
	return ts
}

// denseOrder is the order q of a method's dense output: the local error of
// the interpolant is O(h^(q+1)). Without its own Interpolant a method uses
// the cubic Hermite interpolant through the step's end values and
// derivatives, whose error with exact data is h⁴·max|x⁗|/384 (q = 3).
func denseOrder(m *ode.Tableau) int {
	if m.Dense != nil {
		return m.Dense.Order
	}
	return 3
}

// savedErr is the largest max-abs error of the saved states.
func savedErr(p field.Problem, ts []float64, saved [][]float64) float64 {
	var e float64
	for i, ts := range ts {
		e = math.Max(e, maxAbsErr(saved[i], p.ExactAt(ts)))
	}
	return e
}

// TestDenseOutputOrder checks the order of the SaveAt states with fixed
// steps, on the step counts of the order test. At a point inside a step the
// dense output carries the global error of the step's start, O(h^p), plus
// the interpolant's local error, O(h^(q+1)), so its observed order is
// min(p, q+1) (HNW I, II.6): 1, 2, 2 for Euler, Heun and midpoint, 3 for
// BS3, 4 for RK4 (Hermite: q+1 = 4), 5 for DOPRI5 and Tsit5 (their own
// 4th-order interpolants). An interpolant with a wrong coefficient drops to
// order 1 or 2 and is caught; ±0.15 as in TestObservedOrder, whose step
// windows keep the errors in the asymptotic regime here too: measured
// orders are within 0.06 of the expected ones (0.996 … 5.059).
func TestDenseOutputOrder(t *testing.T) {
	const band = 0.15
	for _, tp := range problems(t) {
		ts := saveTimes(tp.Problem)
		for _, m := range ode.Methods() {
			steps, ok := tp.orderSteps[m.Name]
			if !ok {
				continue
			}
			hs := make([]float64, len(steps))
			errs := make([]float64, len(steps))
			for i, n := range steps {
				res := solve(t, m, tp.ODE(), &ode.Settings{Steps: n, SaveAt: ts})
				if len(res.Saved) != len(ts) {
					t.Fatalf("%s on %s: %d saved states, want %d", m.Name, tp.Name, len(res.Saved), len(ts))
				}
				hs[i] = math.Abs(tp.T1-tp.T0) / float64(n)
				errs[i] = savedErr(tp.Problem, ts, res.Saved)
			}
			want := min(m.Order, denseOrder(m)+1)
			got := odetest.LogLogSlope(hs, errs)
			t.Logf("%-8s %-10s dense order %.3f (want %d) errors %.2g", m.Name, tp.Name, got, want, errs)
			if math.Abs(got-float64(want)) > band {
				t.Errorf("%s on %s: dense output order %.3f, want %d ± %v (errors %.3g)", m.Name, tp.Name, got, want, band, errs)
			}
		}
	}
}

// TestSaveAtAdaptive checks the SaveAt states of adaptive solves on the
// short table problems against the exact solution with the measure and
// bound of TestTolerance: max_i |x_i − x*_i| / (ATol + RTol·|x*_i|) ≤ 10 at
// every saved time. The interpolants' local errors are of the order of the
// step's own error estimate or smaller (q+1 ≥ the embedded order + 1 for
// every built-in pair), so the saved states should be as accurate as the
// step end points: the measured worst is 4.99 tolerances (BS3 on the
// rotation at 1e-5), against 5.34 at the end point in TestTolerance.
func TestSaveAtAdaptive(t *testing.T) {
	for _, tp := range problems(t) {
		if !tp.short {
			continue
		}
		ts := saveTimes(tp.Problem)
		for _, m := range adaptiveMethods() {
			for _, tol := range []float64{1e-5, 1e-8} {
				res := solve(t, m, tp.ODE(), &ode.Settings{RTol: tol, ATol: tol, SaveAt: ts})
				worst := 0.0
				for i, ts := range ts {
					worst = math.Max(worst, scaledErr(res.Saved[i], tp.ExactAt(ts), tol, tol))
				}
				t.Logf("%-7s %-9s tol %.0e: worst saved error %.2f tolerances", m.Name, tp.Name, tol, worst)
				if worst > 10 {
					t.Errorf("%s on %s at tol %g: a saved state is off by %.3g tolerances, want <= 10", m.Name, tp.Name, tol, worst)
				}
			}
		}
	}
}

// TestSaveAtNoInterference: SaveAt reads the dense output and never
// shortens a step, so a solve with SaveAt must make exactly the same steps
// and end at exactly the same state as one without; and a SaveAt point at
// T0 or T1 must give X0 or the final state exactly.
func TestSaveAtNoInterference(t *testing.T) {
	for _, tp := range problems(t) {
		ts := append(append([]float64{tp.T0}, saveTimes(tp.Problem)...), tp.T1)
		for _, m := range ode.Methods() {
			for _, r := range backwardRuns(m) {
				plain := solve(t, m, tp.ODE(), r.set)
				with := *r.set
				with.SaveAt = ts
				res := solve(t, m, tp.ODE(), &with)
				name := m.Name + " " + r.name + " on " + tp.Name
				if res.Stats.Steps != plain.Stats.Steps || res.Stats.Accepted != plain.Stats.Accepted || res.Stats.Rejected != plain.Stats.Rejected {
					t.Errorf("%s: steps with SaveAt %+v, without %+v", name, res.Stats, plain.Stats)
				}
				for i := range plain.X {
					if res.X[i] != plain.X[i] {
						t.Errorf("%s: final state with SaveAt %v, without %v", name, res.X, plain.X)
						break
					}
				}
				first, last := res.Saved[0], res.Saved[len(res.Saved)-1]
				for i := range tp.X0 {
					if first[i] != tp.X0[i] || last[i] != res.X[i] {
						t.Errorf("%s: Saved at T0 = %v (X0 %v), at T1 = %v (X %v)", name, first, tp.X0, last, res.X)
						break
					}
				}
			}
		}
	}
}
