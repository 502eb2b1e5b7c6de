package field_test

import (
	"context"
	"strings"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// capped records whether every call saw slices of exactly one sample, and
// is Tutorial otherwise.
type capped struct {
	dim int
	bad *bool
}

func (c capped) Eval(dst []float64, t float64, x []float64) {
	if len(x) != c.dim || cap(x) != c.dim || len(dst) != c.dim || cap(dst) != c.dim {
		*c.bad = true
	}
	field.Tutorial{}.Eval(dst, t, x)
}

// TestBatchEvalBatch: EvalBatch evaluates sample j alone at its own time
// t[j], bit for bit what the per-sample field gives, on slices capped at
// one sample.
func TestBatchEvalBatch(t *testing.T) {
	var bad bool
	b := field.Batch[float64]{Field: capped{2, &bad}, Dim: 2}
	x := []float64{1, 2, -0.5, 3, 4, -2}
	times := []float64{0, 0.75, 3}
	got := make([]float64, len(x))
	b.EvalBatch(got, times, x)
	want := make([]float64, 2)
	for j, tj := range times {
		field.Tutorial{}.Eval(want, tj, x[2*j:2*j+2])
		for k := range want {
			if got[2*j+k] != want[k] {
				t.Errorf("sample %d at t = %v: %v, want %v", j, tj, got[2*j:2*j+2], want)
			}
		}
	}
	if bad {
		t.Error("a per-sample call saw more than its sample")
	}
	// The same times everywhere: EvalBatch is Eval.
	same := make([]float64, len(x))
	b.EvalBatch(got, []float64{0.75, 0.75, 0.75}, x)
	b.Eval(same, 0.75, x)
	for i := range got {
		if got[i] != same[i] {
			t.Errorf("EvalBatch at one time: %v, Eval %v", got, same)
			break
		}
	}
	if a := testing.AllocsPerRun(100, func() { b.EvalBatch(got, times, x) }); a != 0 {
		t.Errorf("%v allocations per EvalBatch, want 0", a)
	}
}

func TestBatchEvalBatchPanics(t *testing.T) {
	for _, c := range []struct {
		name        string
		dim, nt, nx int
		msg         string
	}{
		{"zero Dim", 0, 2, 4, "positive"},
		{"too few times", 2, 1, 4, "Dim·len(t)"},
		{"too many times", 2, 3, 4, "Dim·len(t)"},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "field: ") || !strings.Contains(s, c.msg) {
					t.Errorf("%s: panic %v, want a field: panic about %q", c.name, r, c.msg)
				}
			}()
			field.Batch[float64]{Field: field.Decay{}, Dim: c.dim}.EvalBatch(make([]float64, c.nx), make([]float64, c.nt), make([]float64, c.nx))
		}()
	}
}

// TestBatchBatchSolver steps van der Pol samples from different initial
// states each on its own through Batch: every sample ends bit for bit where
// a Solver on it alone ends, with the same work.
func TestBatchBatchSolver(t *testing.T) {
	f := field.VanDerPol{Mu: 2}
	x0 := []float64{2, 0, 0.1, 0, -1, 3, 0.5, 0.5}
	set := &ode.Settings{RTol: 1e-7, ATol: 1e-9}
	b := ode.NewBatchSolver[float64](ode.Tsit5, 2, 3)
	x := make([]float64, len(x0))
	res, err := b.Solve(context.Background(), x, field.Batch[float64]{Field: f, Dim: 2}, 0, 3, x0, set)
	if err != nil {
		t.Fatal(err)
	}
	s := ode.NewSolver[float64](ode.Tsit5, 2)
	for i := range 4 {
		r, err := s.Solve(context.Background(), ode.Problem[float64]{Field: f, T0: 0, T1: 3, X0: x0[2*i : 2*i+2]}, set)
		if err != nil {
			t.Fatal(err)
		}
		if x[2*i] != r.X[0] || x[2*i+1] != r.X[1] || res.Samples[i] != r.Stats {
			t.Errorf("sample %d: %v after %+v, alone %v after %+v", i, x[2*i:2*i+2], res.Samples[i], r.X, r.Stats)
		}
	}
}
