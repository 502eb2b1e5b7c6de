package solvers_test

import (
	"context"
	"math"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// TestFieldContract wraps the field in odetest.Contract for every method and
// stepping mode, forward and backward, and requires that the solver keeps
// the promises of ode.VectorField: equal lengths, dst and x never sharing
// memory, and no evaluation at a time outside [T0, T1].
func TestFieldContract(t *testing.T) {
	arenstorf, _ := field.ProblemByName("arenstorf")
	tutorial, _ := field.ProblemByName("tutorial")
	rot := odetest.Rotation()
	backRot := rot
	backRot.Name, backRot.T0, backRot.T1, backRot.X0 = "rotation-backward", rot.T1, rot.T0, rot.ExactAt(rot.T1)
	for _, p := range []field.Problem{tutorial, rot, backRot, arenstorf} {
		for _, m := range ode.Methods() {
			for _, mode := range evalModes {
				if mode.adaptive && m.BErr == nil {
					continue
				}
				c := &odetest.Contract[float64]{Field: p.Field, Dim: len(p.X0), T0: p.T0, T1: p.T1}
				q := p.ODE()
				q.Field = c
				if _, err := ode.Solve(context.Background(), q, mode.settings(p), m); err != nil {
					t.Errorf("%s %s on %s: %v", m.Name, mode.name, p.Name, err)
				}
				if c.Err != nil {
					t.Errorf("%s %s on %s: %d contract violations, first: %v", m.Name, mode.name, p.Name, c.Violations, c.Err)
				}
			}
		}
	}
}

// TestInitialStepStaysInSpan: on a span shorter than the step Hairer's
// algorithm proposes, the solver must not evaluate the field beyond T1. A
// field need not be defined there (the tutorial's has a pole at t = −1; a
// flow-matching net was trained on t ∈ [0, 1] only).
//
// For x' = −x, x(0) = 1 with rtol 1e-6, atol 1e-9, the algorithm's trial
// step is h0 = 0.01·‖x0‖/‖f0‖ = 0.01 (HNW I, II.4), and ode evaluates
// f(T0 + h0, x0 + h0·f0) before clipping the step to the span, so on
// [0, 1e-4] it evaluates the field at t = 0.01. SciPy 1.10 does the same
// (scipy/scipy issue #17341); SciPy fixed it by clipping h0 to the
// interval length in select_initial_step (scipy/scipy pull #17348). This
// test fails until ode does the equivalent.
func TestInitialStepStaysInSpan(t *testing.T) {
	decay := odetest.Decay()
	for _, span := range [][2]float64{{0, 1e-4}, {1e-4, 0}} {
		for _, m := range adaptiveMethods() {
			c := &odetest.Contract[float64]{Field: decay.Field, T0: span[0], T1: span[1]}
			p := ode.Problem[float64]{Field: c, T0: span[0], T1: span[1], X0: []float64{1}}
			if _, err := ode.Solve(context.Background(), p, &ode.Settings{RTol: 1e-6, ATol: 1e-9}, m); err != nil {
				t.Errorf("%s on [%v, %v]: %v", m.Name, span[0], span[1], err)
			}
			if c.Err != nil {
				t.Errorf("%s on [%v, %v]: %v", m.Name, span[0], span[1], c.Err)
			}
		}
	}
}

// textbookRK integrates p with the explicit Runge–Kutta method m on the
// given grid (grid[0] == T0, last == T1), written straight from the
// definition: stage by stage, term by term, every stage evaluated, no FSAL
// reuse. It is the reference against which the optimised stepper is
// compared.
func textbookRK(m *ode.Tableau, p field.Problem, grid []float64) []float64 {
	s, d := len(m.C), len(p.X0)
	x := append([]float64(nil), p.X0...)
	k := make([][]float64, s)
	for i := range k {
		k[i] = make([]float64, d)
	}
	y := make([]float64, d)
	for j := 0; j+1 < len(grid); j++ {
		t0, t1 := grid[j], grid[j+1]
		h := t1 - t0
		for i := 0; i < s; i++ {
			copy(y, x)
			for l := 0; l < i; l++ {
				for c := range y {
					y[c] += h * m.A[i][l] * k[l][c]
				}
			}
			p.Field.Eval(k[i], t0+m.C[i]*h, y)
		}
		for i := 0; i < s; i++ {
			for c := range x {
				x[c] += h * m.B[i] * k[i][c]
			}
		}
	}
	return x
}

// TestTextbookRK compares every method's fixed-step solve with textbookRK on
// every table problem, on the uniform grid of Settings.Steps (whose points
// t_k = T0 + (T1−T0)·k/N it builds the same way) and on a graded
// non-uniform Settings.Grid, t_k = T0 + (T1−T0)·(k/N)², forward and
// backward. The two differ only in the order of floating-point operations
// (and FSAL reuse, which is exact), so they must agree to round-off: 100
// steps of a few operations each, 1e-12 relative to max(1, |x|), about 50
// ulps per step at most.
func TestTextbookRK(t *testing.T) {
	const n = 100
	for _, tp := range problems(t) {
		for _, back := range []bool{false, true} {
			p := tp.Problem
			if back {
				p.T0, p.T1, p.X0 = tp.T1, tp.T0, tp.ExactAt(tp.T1)
			}
			uniform := make([]float64, n+1)
			graded := make([]float64, n+1)
			for k := range uniform {
				f := float64(k) / n
				uniform[k] = p.T0 + (p.T1-p.T0)*float64(k)/n
				graded[k] = p.T0 + (p.T1-p.T0)*f*f
			}
			uniform[n], graded[n] = p.T1, p.T1
			for _, m := range ode.Methods() {
				for _, c := range []struct {
					name string
					grid []float64
					set  *ode.Settings
				}{
					{"steps", uniform, &ode.Settings{Steps: n}},
					{"graded grid", graded, &ode.Settings{Grid: graded}},
				} {
					want := textbookRK(m, p, c.grid)
					got := solve(t, m, p.ODE(), c.set).X
					scale := math.Max(1, maxAbsErr(want, make([]float64, len(want))))
					if d := maxAbsErr(got, want); d > 1e-12*scale {
						t.Errorf("%s %s on %s (backward %v): solver %v, textbook %v (diff %.3g)", m.Name, c.name, tp.Name, back, got, want, d)
					}
				}
			}
		}
	}
}

// TestFloat32State runs every method on float32 states through the
// field.Float32 adapter (the state path a neural field takes), with 100
// fixed steps and, for the adaptive methods, at rtol = atol = 1e-5, and
// compares with the same solve in float64. They differ by float32 round-off
// (unit 6e-8) in the state and the stage combinations, each step adding a
// few units times the sum of the tableau's coefficient magnitudes (about
// 60 for Tsit5, whose coefficients reach ±13 and cancel), and for adaptive
// solves possibly by a different step choice, which stays within the
// tolerance. The bound, 1e-4 relative to max(1, |x|), covers the worst
// case of 100 such steps; measured differences are at most 3.0e-6 with
// fixed steps and 5.8e-6 adaptive, both Tsit5.
func TestFloat32State(t *testing.T) {
	const n = 100
	for _, tp := range problems(t) {
		x0 := make([]float32, len(tp.X0))
		for i, v := range tp.X0 {
			x0[i] = float32(v)
		}
		for _, m := range ode.Methods() {
			runs := []*ode.Settings{{Steps: n}}
			if m.BErr != nil {
				// 1e-5 is well above float32 resolution, so the adaptive
				// solve is not limited by round-off.
				runs = append(runs, &ode.Settings{RTol: 1e-5, ATol: 1e-5})
			}
			for _, set := range runs {
				p32 := ode.Problem[float32]{Field: &field.Float32{Field: tp.Field}, T0: tp.T0, T1: tp.T1, X0: x0}
				res32, err := ode.Solve(context.Background(), p32, set, m)
				if err != nil {
					t.Errorf("%s float32 on %s: %v", m.Name, tp.Name, err)
					continue
				}
				res64 := solve(t, m, tp.ODE(), set)
				got := make([]float64, len(res32.X))
				for i, v := range res32.X {
					got[i] = float64(v)
				}
				scale := math.Max(1, maxAbsErr(res64.X, make([]float64, len(res64.X))))
				d := maxAbsErr(got, res64.X) / scale
				t.Logf("%-8s %-10s steps %d rtol %g: float32 vs float64 %.2g relative", m.Name, tp.Name, set.Steps, set.RTol, d)
				if d > 1e-4 {
					t.Errorf("%s on %s (steps %d, rtol %g): float32 %v, float64 %v", m.Name, tp.Name, set.Steps, set.RTol, got, res64.X)
				}
			}
		}
	}
}
