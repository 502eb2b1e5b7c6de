package ode_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/windrose/windrose/ode"
)

// timeRecorder is a field that records every time it is called at.
type timeRecorder struct {
	f  ode.Func[float64]
	ts []float64
}

func (r *timeRecorder) Eval(dst []float64, t float64, x []float64) {
	r.ts = append(r.ts, t)
	r.f(dst, t, x)
}

// checkTimes reports every recorded time that is not finite or leaves
// [t0, t1].
func checkTimes(t *testing.T, name string, ts []float64, t0, t1 float64) {
	t.Helper()
	for i, ti := range ts {
		if !(ti >= min(t0, t1) && ti <= max(t0, t1)) {
			t.Errorf("%s: field call %d at t = %v, outside [%v, %v]", name, i, ti, t0, t1)
			return
		}
	}
}

// TestFieldTimesFinite: hostile tolerances never make the solver call the
// field at a non-finite time. A tiny RTol with ATol = 0 used to overflow
// Hairer's initial step estimate to NaN, and the field was then called at
// t = NaN until MaxSteps (issue 11).
func TestFieldTimesFinite(t *testing.T) {
	decayF := func(dst []float64, _ float64, x []float64) {
		for i := range x {
			dst[i] = -x[i]
		}
	}
	steep := func(dst []float64, _ float64, x []float64) {
		for i := range x {
			dst[i] = 1e10 - x[i]
		}
	}
	for _, tc := range []struct {
		name    string
		f       ode.Func[float64]
		x0      []float64
		set     *ode.Settings
		invalid bool
	}{
		{"RTol 1e-300", decayF, []float64{1, 2}, &ode.Settings{RTol: 1e-300}, true},
		{"RTol MinRTol", decayF, []float64{1, 2}, &ode.Settings{RTol: ode.MinRTol, MaxSteps: 200}, false},
		// x0 = 0 with ATol = 0 makes the norms 0/0.
		{"zero state without ATol", decayF, []float64{0, 0}, &ode.Settings{RTol: 1e-6, MaxSteps: 200}, false},
		{"zero state without ATol, steep", steep, []float64{0, 1}, &ode.Settings{RTol: 1e-6, MaxSteps: 200}, false},
		// ‖f0‖ scaled by a tiny x0 overflows to +Inf.
		{"tiny state, huge slope", steep, []float64{1e-300, 1e-300}, &ode.Settings{RTol: ode.MinRTol, MaxSteps: 200}, false},
		{"pure absolute, tiny ATol", steep, []float64{0, 1}, &ode.Settings{ATol: 1e-300, MaxSteps: 200}, false},
	} {
		for _, m := range []*ode.Tableau{ode.DOPRI5, ode.BS3} {
			name := tc.name + " " + m.Name
			rec := &timeRecorder{f: tc.f}
			p := ode.Problem[float64]{Field: rec, T0: 0, T1: 1, X0: tc.x0}
			_, err := ode.Solve(context.Background(), p, tc.set, m)
			if tc.invalid {
				if !errors.Is(err, ode.ErrInvalidInput) || len(rec.ts) != 0 {
					t.Errorf("%s: err = %v after %d calls, want ErrInvalidInput before any call", name, err, len(rec.ts))
				}
				continue
			}
			if len(rec.ts) == 0 {
				t.Errorf("%s: the field was never called (err = %v)", name, err)
			}
			checkTimes(t, name, rec.ts, 0, 1)

			// The BatchSolver computes the initial step with the same code.
			var bts []float64
			bf := ode.BatchFunc[float64](func(dst []float64, ts []float64, x []float64) {
				bts = append(bts, ts...)
				d := len(x) / len(ts)
				for j, tj := range ts {
					tc.f(dst[j*d:(j+1)*d], tj, x[j*d:(j+1)*d])
				}
			})
			b := ode.NewBatchSolver[float64](m, len(tc.x0), 2)
			x0 := append(append([]float64(nil), tc.x0...), tc.x0...)
			if _, err := b.Solve(context.Background(), make([]float64, len(x0)), bf, 0, 1, x0, tc.set); errors.Is(err, ode.ErrInvalidInput) {
				t.Errorf("%s: BatchSolver: %v", name, err)
			}
			checkTimes(t, name+" batch", bts, 0, 1)
		}
	}
}

// TestPureAbsoluteTolerance: RTol = 0 with ATol > 0 steps adaptively with
// the absolute tolerance alone (SciPy and diffrax accept it), checked
// against closed forms: x' = cos t, x(0) = 0, whose solution sin t passes
// through zero, and x' = −x.
func TestPureAbsoluteTolerance(t *testing.T) {
	osc := ode.Func[float64](func(dst []float64, t float64, _ []float64) { dst[0] = math.Cos(t) })
	dec := ode.Func[float64](func(dst []float64, _ float64, x []float64) { dst[0] = -x[0] })
	for _, tc := range []struct {
		name string
		f    ode.Func[float64]
		x0   float64
		t1   float64
		want float64
		set  *ode.Settings
	}{
		{"sin", osc, 0, 10, math.Sin(10), &ode.Settings{ATol: 1e-9}},
		{"sin ATolVec", osc, 0, 10, math.Sin(10), &ode.Settings{ATolVec: []float64{1e-9}}},
		{"sin backward", osc, math.Sin(10), 0, 0, &ode.Settings{ATol: 1e-9, PI: true}},
		{"exp", dec, 1, 5, math.Exp(-5), &ode.Settings{ATol: 1e-10}},
	} {
		for _, m := range []*ode.Tableau{ode.DOPRI5, ode.Tsit5, ode.BS3} {
			t0 := 0.0
			if tc.t1 == 0 {
				t0 = 10
			}
			p := ode.Problem[float64]{Field: tc.f, T0: t0, T1: tc.t1, X0: []float64{tc.x0}}
			res, err := ode.Solve(context.Background(), p, tc.set, m)
			if err != nil {
				t.Errorf("%s %s: %v", tc.name, m.Name, err)
				continue
			}
			// The global error of a well-behaved problem stays within a
			// small multiple of the tolerance (TestTolerance in
			// solvers_test uses 10); a factor 100 leaves room for BS3.
			atol := tc.set.ATol
			if atol == 0 {
				atol = tc.set.ATolVec[0]
			}
			if e := math.Abs(res.X[0] - tc.want); e > 100*atol || res.Stats.Steps < 2 {
				t.Errorf("%s %s: x(%v) = %v, want %v (error %.3g, ATol %g) after %d steps", tc.name, m.Name, tc.t1, res.X[0], tc.want, e, atol, res.Stats.Steps)
			}
			// A tighter absolute tolerance takes more steps: the tolerance
			// is in charge.
			tight := *tc.set
			tight.ATol, tight.ATolVec = atol/1000, nil
			res2, err := ode.Solve(context.Background(), p, &tight, m)
			if err != nil || res2.Stats.Steps <= res.Stats.Steps {
				t.Errorf("%s %s: ATol %g took %v steps, ATol %g took %v (err %v)", tc.name, m.Name, atol, res.Stats.Steps, tight.ATol, res2.Stats.Steps, err)
			}
		}
	}
	// Tolerances are ignored in the fixed modes, as before: Steps with ATol
	// is fixed stepping, not two modes.
	p := ode.Problem[float64]{Field: dec, T0: 0, T1: 1, X0: []float64{1}}
	res, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 7, ATol: 1e-6}, ode.DOPRI5)
	if err != nil || res.Stats.Steps != 7 {
		t.Errorf("Steps 7 with ATol: %v, %+v", err, res)
	}
	// The BatchSolver accepts a pure absolute tolerance too.
	b := ode.NewBatchSolver[float64](ode.DOPRI5, 1, 2)
	bf := ode.BatchFunc[float64](func(dst []float64, _ []float64, x []float64) {
		for i := range x {
			dst[i] = -x[i]
		}
	})
	dst := make([]float64, 2)
	if _, err := b.Solve(context.Background(), dst, bf, 0, 5, []float64{1, 2}, &ode.Settings{ATol: 1e-10}); err != nil {
		t.Fatalf("BatchSolver: %v", err)
	}
	for i, x0 := range []float64{1, 2} {
		if e := math.Abs(dst[i] - x0*math.Exp(-5)); e > 1e-8 {
			t.Errorf("BatchSolver sample %d: %v, want %v", i, dst[i], x0*math.Exp(-5))
		}
	}
}
