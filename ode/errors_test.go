package ode_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/windrose/windrose/ode"
)

// nanAfter is x' = −x except that component 1 of f is NaN once t > tBad.
type nanAfter struct{ tBad float64 }

func (f nanAfter) Eval(dst []float64, t float64, x []float64) {
	for i := range dst {
		dst[i] = -x[i]
	}
	if t > f.tBad {
		dst[1] = math.NaN()
	}
}

func TestNonFiniteField(t *testing.T) {
	for _, m := range ode.Methods() {
		sets := []*ode.Settings{{Steps: 10}}
		if m.BErr != nil {
			sets = append(sets, &ode.Settings{RTol: 1e-6, ATol: 1e-9})
		}
		for _, set := range sets {
			s := ode.NewSolver[float64](m, 3)
			var rec recorder
			s.Observer = rec.observe
			p := ode.Problem[float64]{Field: nanAfter{0.55}, T0: 0, T1: 1, X0: []float64{1, 1, 1}}
			res, err := s.Solve(context.Background(), p, set)
			var nf *ode.NonFiniteError
			if !errors.As(err, &nf) || !nf.InField || nf.Index != 1 || !(nf.T > 0.55) || nf.T > 1 {
				t.Errorf("%s %+v: err = %v, want a field NaN in component 1 after t = 0.55", m.Name, set, err)
				continue
			}
			// The Result is the last accepted state, at or before the time
			// of the NaN (at it when the NaN is the field at that state).
			last := len(rec.ts) - 1
			if res == nil || res.Status != ode.NonFinite || res.T != rec.ts[last] || res.T > nf.T || !slices.Equal(res.X, rec.xs[last]) {
				t.Errorf("%s %+v: result %+v, last observed t = %v", m.Name, set, res, rec.ts[last])
			}
		}
	}
}

func TestNonFiniteAtStart(t *testing.T) {
	// A non-finite X0 is reported as a state error at T0, before any step.
	for _, set := range []*ode.Settings{{Steps: 10}, {RTol: 1e-6}} {
		p := ode.Problem[float64]{Field: decay[float64]{}, T0: 0, T1: 1, X0: []float64{1, 2, math.Inf(-1)}}
		res, err := ode.Solve(context.Background(), p, set, ode.DOPRI5)
		var nf *ode.NonFiniteError
		if !errors.As(err, &nf) || nf.InField || nf.Index != 2 || nf.T != 0 || res.Status != ode.NonFinite || res.Stats.FieldEvals != 0 {
			t.Errorf("%+v: %v, %+v", set, err, res)
		}
	}
	// A field that is NaN at T0 stops an adaptive solve at once.
	p := ode.Problem[float64]{Field: nanAfter{-1}, T0: 0, T1: 1, X0: []float64{1, 1}}
	res, err := ode.Solve(context.Background(), p, &ode.Settings{RTol: 1e-6}, ode.Tsit5)
	var nf *ode.NonFiniteError
	if !errors.As(err, &nf) || !nf.InField || nf.Index != 1 || nf.T != 0 || res.Stats.Steps != 0 {
		t.Errorf("NaN field at T0: %v, %+v", err, res)
	}
}

// blowUp is x' = x², x(0) = 1, whose solution 1/(1−t) blows up at t = 1.
var blowUp = ode.Problem[float64]{
	Field: ode.Func[float64](func(dst []float64, _ float64, x []float64) { dst[0] = x[0] * x[0] }),
	T0:    0, T1: 2, X0: []float64{1},
}

func TestStepSizeTooSmall(t *testing.T) {
	// Adaptive stepping toward the singularity shrinks the step until it
	// underflows the 16-ulp guard, or overflows to a non-finite trial state
	// first; either way it stops near t = 1 with an error naming t.
	res, err := ode.Solve(context.Background(), blowUp, &ode.Settings{RTol: 1e-8, ATol: 1e-8}, ode.DOPRI5)
	if !errors.Is(err, ode.ErrStepSizeTooSmall) || math.Abs(res.T-1) > 1e-3 {
		t.Errorf("blow-up: err %v, T = %v, status %v", err, res.T, res.Status)
	}
	if res.Status != ode.StepSizeTooSmall && res.Status != ode.NonFinite {
		t.Errorf("blow-up: status %v", res.Status)
	}
	// With MinStep the same happens much earlier, with a clean status.
	res, err = ode.Solve(context.Background(), blowUp, &ode.Settings{RTol: 1e-8, ATol: 1e-8, MinStep: 1e-3}, ode.DOPRI5)
	if !errors.Is(err, ode.ErrStepSizeTooSmall) || res.Status != ode.StepSizeTooSmall || !(res.T < 1) || res.T < 0.9 {
		t.Errorf("MinStep: err %v, T = %v, status %v", err, res.T, res.Status)
	}
	if res.X[0] != res.X[0] || math.Abs(res.X[0]-1/(1-res.T)) > 1e-5*res.X[0] {
		t.Errorf("MinStep: partial state %v at %v, exact %v", res.X[0], res.T, 1/(1-res.T))
	}
}

func TestMaxSteps(t *testing.T) {
	// Adaptive: the partial Result comes back with the error.
	s := ode.NewSolver[float64](ode.DOPRI5, 1)
	var rec recorder
	s.Observer = rec.observe
	res, err := s.Solve(context.Background(), decayProblem(0, 10, 1), &ode.Settings{RTol: 1e-10, ATol: 1e-12, MaxSteps: 5})
	if !errors.Is(err, ode.ErrMaxSteps) || res == nil || res.Status != ode.MaxStepsReached || res.Stats.Steps != 5 {
		t.Fatalf("adaptive: err %v, result %+v", err, res)
	}
	last := len(rec.ts) - 1
	if res.T != rec.ts[last] || res.X[0] != rec.xs[last][0] || !(res.T > 0) || !(res.T < 10) {
		t.Errorf("adaptive: partial result at %v (%v), last observed %v (%v)", res.T, res.X, rec.ts[last], rec.xs[last])
	}
	// Fixed: MaxSteps applies only when set.
	res, err = ode.Solve(context.Background(), decayProblem(0, 1, 1), &ode.Settings{Steps: 100, MaxSteps: 10}, ode.RK4)
	if !errors.Is(err, ode.ErrMaxSteps) || res.Status != ode.MaxStepsReached || res.T != 0.1 || res.Stats.Accepted != 10 {
		t.Errorf("fixed: err %v, T = %v, stats %+v", err, res.T, res.Stats)
	}
	// RK4's error after 10 steps of 0.01 is about 10·h⁵/120 ≈ 1e-11.
	if math.Abs(res.X[0]-math.Exp(-0.1)) > 1e-10 {
		t.Errorf("fixed: partial state %v, want exp(-0.1)", res.X[0])
	}
	if _, err := ode.Solve(context.Background(), decayProblem(0, 1, 1), &ode.Settings{Steps: 200_000}, ode.Euler); err != nil {
		t.Errorf("fixed stepping beyond the adaptive default of 100000 steps: %v", err)
	}
	// The adaptive default is 100000 attempted steps.
	res, err = ode.Solve(context.Background(), decayProblem(0, 1, 1), &ode.Settings{RTol: 1e-6, MaxStep: 1e-6}, ode.Heun)
	if !errors.Is(err, ode.ErrMaxSteps) || res.Stats.Steps != 100000 {
		t.Errorf("default MaxSteps: err %v, stats %+v", err, res.Stats)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := ode.Solve(ctx, decayProblem(0, 1, 1), &ode.Settings{Steps: 10}, ode.RK4)
	if !errors.Is(err, context.Canceled) || res.Status != ode.Canceled || res.Stats.Steps != 0 || res.T != 0 {
		t.Errorf("canceled before: err %v, result %+v", err, res)
	}
	for _, set := range []*ode.Settings{{Steps: 100}, {RTol: 1e-10, ATol: 1e-12}} {
		ctx, cancel := context.WithCancel(context.Background())
		s := ode.NewSolver[float64](ode.Tsit5, 1)
		s.Observer = func(t float64, x []float64) error {
			if t > 0.3 {
				cancel()
			}
			return nil
		}
		res, err := s.Solve(ctx, decayProblem(0, 1, 1), set)
		if !errors.Is(err, context.Canceled) || res.Status != ode.Canceled || !(res.T > 0.3) || !(res.T < 1) {
			t.Errorf("%+v: canceled during: err %v, T = %v, status %v", set, err, res.T, res.Status)
		}
		if math.Abs(res.X[0]-math.Exp(-res.T)) > 1e-8 {
			t.Errorf("%+v: partial state %v at %v", set, res.X[0], res.T)
		}
		cancel()
	}
}

func TestStatusString(t *testing.T) {
	for st, want := range map[ode.Status]string{
		ode.NotTerminated: "NotTerminated", ode.Success: "Success", ode.MaxStepsReached: "MaxStepsReached",
		ode.StepSizeTooSmall: "StepSizeTooSmall", ode.NonFinite: "NonFinite", ode.Canceled: "Canceled",
		ode.Stopped: "Stopped", ode.Status(42): "Status(42)",
	} {
		if got := st.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(st), got, want)
		}
	}
	e := &ode.NonFiniteError{T: 0.5, Index: 3, InField: true}
	if got, want := e.Error(), "ode: non-finite value in field output at t=0.5, component 3"; got != want {
		t.Errorf("NonFiniteError = %q, want %q", got, want)
	}
}
