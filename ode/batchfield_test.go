package ode_test

import (
	"context"
	"strings"
	"testing"

	"github.com/windrose/windrose/ode"
)

// tutorial is dx/dt = (x + t² − 2)/(t + 1) componentwise, a field that
// depends on t, so that a sample evaluated at the wrong time shows.
func tutorial(dst []float64, t float64, x []float64) {
	for i, v := range x {
		dst[i] = (v + t*t - 2) / (t + 1)
	}
}

// capped records whether every call saw slices of exactly one sample, and
// is tutorial otherwise.
type capped struct {
	dim int
	bad *bool
}

func (c capped) Eval(dst []float64, t float64, x []float64) {
	if len(x) != c.dim || cap(x) != c.dim || len(dst) != c.dim || cap(dst) != c.dim {
		*c.bad = true
	}
	tutorial(dst, t, x)
}

// TestBatchEval: Eval evaluates every sample at the same time, bit for bit
// what the per-sample field gives it alone, on slices capped at one sample.
func TestBatchEval(t *testing.T) {
	var bad bool
	b := ode.Batch[float64]{Field: capped{3, &bad}, Dim: 3}
	x := []float64{1, 2, 3, -4, 5, 6.5, 0, 0.1, 30}
	got := make([]float64, len(x))
	b.Eval(got, 0.5, x)
	want := make([]float64, 3)
	for j := range 3 {
		tutorial(want, 0.5, x[3*j:3*j+3])
		for k := range want {
			if got[3*j+k] != want[k] {
				t.Errorf("sample %d: %v, want %v", j, got[3*j:3*j+3], want)
				break
			}
		}
	}
	if bad {
		t.Error("a per-sample call saw more than its sample")
	}
	if a := testing.AllocsPerRun(100, func() { b.Eval(got, 0.5, x) }); a != 0 {
		t.Errorf("%v allocations per Eval, want 0", a)
	}
}

// TestBatchEvalBatch: EvalBatch evaluates sample j alone at its own time
// t[j], bit for bit what the per-sample field gives, on slices capped at
// one sample.
func TestBatchEvalBatch(t *testing.T) {
	var bad bool
	b := ode.Batch[float64]{Field: capped{2, &bad}, Dim: 2}
	x := []float64{1, 2, -0.5, 3, 4, -2}
	times := []float64{0, 0.75, 3}
	got := make([]float64, len(x))
	b.EvalBatch(got, times, x)
	want := make([]float64, 2)
	for j, tj := range times {
		tutorial(want, tj, x[2*j:2*j+2])
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

func TestBatchPanics(t *testing.T) {
	f := ode.Func[float64](tutorial)
	for _, c := range []struct {
		name        string
		dim, nt, nx int
		msg         string
	}{
		{"zero Dim", 0, 2, 4, "positive"},
		{"negative Dim", -1, 2, 4, "positive"},
		{"too few times", 2, 1, 4, "Dim·len(t)"},
		{"too many times", 2, 3, 4, "Dim·len(t)"},
		{"Eval, not a multiple", 2, -1, 3, "multiple"},
		{"Eval, zero Dim", 0, -1, 3, "positive"},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "ode: ") || !strings.Contains(s, c.msg) {
					t.Errorf("%s: panic %v, want an ode: panic about %q", c.name, r, c.msg)
				}
			}()
			b := ode.Batch[float64]{Field: f, Dim: c.dim}
			if c.nt < 0 {
				b.Eval(make([]float64, c.nx), 0, make([]float64, c.nx))
				return
			}
			b.EvalBatch(make([]float64, c.nx), make([]float64, c.nt), make([]float64, c.nx))
		}()
	}
}

// TestBatchBatchSolver steps van der Pol samples from different initial
// states each on its own through Batch: every sample ends bit for bit where
// a Solver on it alone ends, with the same work.
func TestBatchBatchSolver(t *testing.T) {
	f := ode.Func[float64](vanDerPol[float64]) // (y, z, μ), μ = 2
	x0 := []float64{2, 0, 2, 0.1, 0, 2, -1, 3, 2, 0.5, 0.5, 2}
	set := &ode.Settings{RTol: 1e-7, ATol: 1e-9}
	b := ode.NewBatchSolver[float64](ode.Tsit5, 3, 3)
	x := make([]float64, len(x0))
	res, err := b.Solve(context.Background(), x, ode.Batch[float64]{Field: f, Dim: 3}, 0, 3, x0, set)
	if err != nil {
		t.Fatal(err)
	}
	s := ode.NewSolver[float64](ode.Tsit5, 3)
	for i := range 4 {
		r, err := s.Solve(context.Background(), ode.Problem[float64]{Field: f, T0: 0, T1: 3, X0: x0[3*i : 3*i+3]}, set)
		if err != nil {
			t.Fatal(err)
		}
		if x[3*i] != r.X[0] || x[3*i+1] != r.X[1] || res.Samples[i] != r.Stats {
			t.Errorf("sample %d: %v after %+v, alone %v after %+v", i, x[3*i:3*i+3], res.Samples[i], r.X, r.Stats)
		}
	}
}
