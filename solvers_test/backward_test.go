package solvers_test

import (
	"math"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// backwardRun is one way of stepping used by the backward drivers: fixed
// steps for every method, and adaptive stepping for the methods that can.
type backwardRun struct {
	name string
	set  *ode.Settings
}

func backwardRuns(m *ode.Tableau) []backwardRun {
	// Fixed step counts by order, so that every method's forward error on
	// every table problem lies between 1e-11 and 0.3: far above round-off
	// (about 1e-14) and small enough to be an error, not a different
	// solution (Euler on the 20-radian oscillator needs h = 0.005 for its
	// amplitude growth (1 + 4h²)^(N/2) to stay near 1). The tolerance 1e-6
	// is mid-range for the four adaptive pairs and keeps Heun on the
	// oscillator to 1.1e4 steps.
	steps := map[int]int{1: 2000, 2: 400, 3: 200, 4: 100, 5: 50}[m.Order]
	runs := []backwardRun{{"fixed", &ode.Settings{Steps: steps}}}
	if m.BErr != nil {
		runs = append(runs, backwardRun{"adaptive", &ode.Settings{RTol: 1e-6, ATol: 1e-6}})
	}
	return runs
}

// TestBackward integrates every reversible table problem backward, from the
// exact x(T1) at T1 to T0, with every method, fixed and adaptive, and
// requires the error at T0 to be at most 4 times the error of the forward
// solve from x(T0) to T1 with the same settings, plus 1e-13 for round-off.
//
// Why 4: integrating backward is the same method with negative steps, so
// its local errors have the size of the forward ones, and on these problems
// the flow carries them back without amplification. On the rotation and the
// oscillator the errors are then equal in the scaled (ω q, p) plane, but
// the max norm of (q, p) is not rotation-invariant: a rotated error vector
// can have a max norm √2 larger, and for ω = 2 the unscaled p component
// another factor ω, so the ratio may reach 2√2 ≈ 2.8. Measured ratios are
// at most 2.22 (Heun and midpoint on the oscillator). A stepper that got
// the direction wrong (stage times t − c·h instead of t + c·h, say) makes
// an O(1) error on the non-autonomous tutorial and fails by orders of
// magnitude.
func TestBackward(t *testing.T) {
	for _, tp := range problems(t) {
		if !tp.reversible {
			continue
		}
		for _, m := range ode.Methods() {
			for _, r := range backwardRuns(m) {
				fwd := solve(t, m, tp.ODE(), r.set)
				ef := maxAbsErr(fwd.X, tp.ExactAt(tp.T1))

				back := tp.ODE()
				back.T0, back.T1 = tp.T1, tp.T0
				back.X0 = tp.ExactAt(tp.T1)
				res := solve(t, m, back, r.set)
				if res.T != tp.T0 {
					t.Errorf("%s %s on %s: backward solve ended at %v, want %v", m.Name, r.name, tp.Name, res.T, tp.T0)
				}
				eb := maxAbsErr(res.X, tp.X0)
				t.Logf("%-8s %-8s %-10s forward %.2g backward %.2g ratio %.2f", m.Name, r.name, tp.Name, ef, eb, eb/ef)
				if eb > 4*ef+1e-13 {
					t.Errorf("%s %s on %s: backward error %.3g > 4 × forward error %.3g", m.Name, r.name, tp.Name, eb, ef)
				}
			}
		}
	}
}

// TestRoundTrip integrates every reversible table problem forward from X0
// to T1 and back to T0 from the result, and requires the distance to X0 to
// be at most 4 times the forward error, plus 1e-13 for round-off. The
// backward pass adds an error of the forward one's size (TestBackward) to
// the forward error carried back unamplified, so the sum is at most twice
// the forward error in the scaled Euclidean norm and 2√2 ≈ 2.8 times it in
// the max norm; measured ratios are at most 2.73 (BS3 on the rotation).
func TestRoundTrip(t *testing.T) {
	for _, tp := range problems(t) {
		if !tp.reversible {
			continue
		}
		for _, m := range ode.Methods() {
			for _, r := range backwardRuns(m) {
				fwd := solve(t, m, tp.ODE(), r.set)
				ef := maxAbsErr(fwd.X, tp.ExactAt(tp.T1))
				back := tp.ODE()
				back.T0, back.T1 = tp.T1, tp.T0
				back.X0 = append([]float64(nil), fwd.X...)
				res := solve(t, m, back, r.set)
				e := maxAbsErr(res.X, tp.X0)
				t.Logf("%-8s %-8s %-10s forward %.2g round trip %.2g ratio %.2f", m.Name, r.name, tp.Name, ef, e, e/ef)
				if e > 4*ef+1e-13 {
					t.Errorf("%s %s on %s: round-trip error %.3g > 4 × forward error %.3g", m.Name, r.name, tp.Name, e, ef)
				}
			}
		}
	}
}

// TestReverseAdapter: integrating field.Reverse{f} forward over
// [−T1, −T0] is integrating f backward over [T1, T0] (y(s) = x(−s)). The
// two solves make the same steps with negated times and stages, and
// negation is exact in floating point, so they must agree to round-off
// (1e-14 relative), for fixed and adaptive stepping alike, and do the same
// work.
func TestReverseAdapter(t *testing.T) {
	for _, tp := range problems(t) {
		x1 := tp.ExactAt(tp.T1)
		for _, m := range ode.Methods() {
			for _, r := range backwardRuns(m) {
				back := ode.Problem[float64]{Field: tp.Field, T0: tp.T1, T1: tp.T0, X0: x1}
				rev := ode.Problem[float64]{Field: field.Reverse[float64]{Field: tp.Field}, T0: -tp.T1, T1: -tp.T0, X0: x1}
				a := solve(t, m, back, r.set)
				b := solve(t, m, rev, r.set)
				scale := math.Max(1, maxAbsErr(a.X, make([]float64, len(a.X))))
				if d := maxAbsErr(a.X, b.X); d > 1e-14*scale {
					t.Errorf("%s %s on %s: backward %v, reversed forward %v (diff %.3g)", m.Name, r.name, tp.Name, a.X, b.X, d)
				}
				if a.Stats != b.Stats {
					t.Errorf("%s %s on %s: stats backward %+v, reversed %+v", m.Name, r.name, tp.Name, a.Stats, b.Stats)
				}
			}
		}
	}
}
