package ode_test

import (
	"context"
	"testing"

	"github.com/windrose/windrose/ode"
)

// TestNoAllocs: after NewSolver and a first solve, repeated solves on the
// same Solver allocate nothing, whatever the mode and output options.
func TestNoAllocs(t *testing.T) {
	saveAt := []float64{0.1, 0.25, 0.5, 0.77, 1}
	observer := func(float64, []float64) error { return nil }
	tests := []struct {
		name     string
		m        *ode.Tableau
		set      *ode.Settings
		observer bool
	}{
		{"rk4 fixed", ode.RK4, &ode.Settings{Steps: 50}, false},
		{"rk4 fixed SaveAt (Hermite, extra evaluations)", ode.RK4, &ode.Settings{Steps: 50, SaveAt: saveAt}, false},
		{"euler grid", ode.Euler, &ode.Settings{Grid: []float64{0, 0.3, 0.31, 1}}, true},
		{"dopri5 adaptive", ode.DOPRI5, &ode.Settings{RTol: 1e-8, ATol: 1e-10}, false},
		{"dopri5 adaptive SaveAt PI", ode.DOPRI5, &ode.Settings{RTol: 1e-8, ATol: 1e-10, SaveAt: saveAt, PI: true}, true},
		{"tsit5 adaptive ATolVec SaveAt", ode.Tsit5, &ode.Settings{RTol: 1e-8, ATolVec: []float64{1e-9, 1e-9, 1e-10}, SaveAt: saveAt}, false},
		{"bs3 adaptive SaveAt (Hermite)", ode.BS3, &ode.Settings{RTol: 1e-6, ATol: 1e-9, SaveAt: saveAt}, false},
		{"heun adaptive SaveAt (Hermite)", ode.Heun, &ode.Settings{RTol: 1e-4, ATol: 1e-6, SaveAt: saveAt}, true},
	}
	ctx := context.Background()
	for _, tc := range tests {
		s := ode.NewSolver[float64](tc.m, 3)
		if tc.observer {
			s.Observer = observer
		}
		p := decayProblem(0, 1, 3)
		if _, err := s.Solve(ctx, p, tc.set); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := s.Solve(ctx, p, tc.set); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per solve, want 0", tc.name, allocs)
		}
	}
	// float32 too.
	s := ode.NewSolver[float32](ode.DOPRI5, 64)
	p := ode.Problem[float32]{Field: decay[float32]{}, T0: 0, T1: 1, X0: ones[float32](64)}
	set := &ode.Settings{RTol: 1e-5, ATol: 1e-7, SaveAt: saveAt}
	s.Solve(ctx, p, set)
	if allocs := testing.AllocsPerRun(20, func() { s.Solve(ctx, p, set) }); allocs != 0 {
		t.Errorf("float32: %v allocations per solve, want 0", allocs)
	}
}

// TestFloat32Batch runs the neural client's shape: a float32 state of
// 256×784 values under a float32 field, fixed and adaptive, and checks the
// result against exp(−t) in float32 precision. The field sees the Solver's
// float32 buffers directly (the type system allows nothing else).
func TestFloat32Batch(t *testing.T) {
	const dim = 256 * 784
	p := ode.Problem[float32]{Field: decay[float32]{}, T0: 0, T1: 1, X0: ones[float32](dim)}
	for _, tc := range []struct {
		m   *ode.Tableau
		set *ode.Settings
		tol float64
	}{
		// RK4 with 10 steps: error ≈ h⁴/120·e^{-1} ≈ 3e-7, near float32's
		// ulp (6e-8 at 0.37): 2e-6 covers both.
		{ode.RK4, &ode.Settings{Steps: 10, SaveAt: []float64{0.55}}, 2e-6},
		// Adaptive at rtol 1e-5: error within 10·rtol.
		{ode.DOPRI5, &ode.Settings{RTol: 1e-5, ATol: 1e-6, SaveAt: []float64{0.55}}, 1e-4},
	} {
		res, err := ode.Solve(context.Background(), p, tc.set, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		want, wantMid := float32(0.36787944117144233), float32(0.5769498103804866) // exp(−1), exp(−0.55)
		for i := 0; i < dim; i += 7919 {
			if d := float64(res.X[i] - want); d > tc.tol || d < -tc.tol {
				t.Fatalf("%s: x[%d] = %v, want %v", tc.m.Name, i, res.X[i], want)
			}
			if d := float64(res.Saved[0][i] - wantMid); d > tc.tol || d < -tc.tol {
				t.Fatalf("%s: saved x[%d] = %v, want %v", tc.m.Name, i, res.Saved[0][i], wantMid)
			}
		}
	}
}
