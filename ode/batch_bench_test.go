package ode_test

import (
	"context"
	"math"
	"testing"

	"github.com/windrose/windrose/ode"
)

// spreadBatch returns n relax samples (batch_test.go) whose rates λ are
// spread log-uniformly over [0.1, 100]: a batch of problems from easy to
// stiff, like the noise samples of a flow-matching batch, of which some
// need many more steps than others.
func spreadBatch(n int) []float64 {
	x0 := make([]float64, 0, 3*n)
	for i := range n {
		l := 0.1 * math.Pow(1000, float64(i)/float64(n-1))
		x0 = append(x0, 1, float64(i%7)/7, l)
	}
	return x0
}

// BenchmarkBatchSolver integrates 256 relax samples with DOPRI5 at rtol
// 1e-6, atol 1e-9, as one state with a Solver (shared steps: the stiffest
// sample sets everyone's step) and with a BatchSolver of width 64
// (per-sample steps). evals/sample is the mean number of field evaluations
// per sample; calls/op the number of calls of the field.
func BenchmarkBatchSolver(b *testing.B) {
	const n, width = 256, 64
	x0 := spreadBatch(n)
	set := &ode.Settings{RTol: 1e-6, ATol: 1e-9}
	ctx := context.Background()
	b.Run("shared", func(b *testing.B) {
		s := ode.NewSolver[float64](ode.DOPRI5, len(x0))
		p := ode.Problem[float64]{Field: shared(relax[float64], 3), T0: 0, T1: 1, X0: x0}
		res, err := s.Solve(ctx, p, set)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if res, err = s.Solve(ctx, p, set); err != nil {
				b.Fatal(err)
			}
		}
		// Every evaluation of the whole state evaluates each sample once.
		b.ReportMetric(float64(res.Stats.FieldEvals), "evals/sample")
		b.ReportMetric(float64(res.Stats.FieldEvals), "calls/op")
	})
	b.Run("per-sample", func(b *testing.B) {
		s := ode.NewBatchSolver[float64](ode.DOPRI5, 3, width)
		f := &perSample[float64]{f: relax[float64], dim: 3}
		dst := make([]float64, len(x0))
		// The first solve sizes the per-sample results.
		res, err := s.Solve(ctx, dst, f, 0, 1, x0, set)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if res, err = s.Solve(ctx, dst, f, 0, 1, x0, set); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Stats.FieldEvals)/n, "evals/sample")
		b.ReportMetric(float64(res.Calls), "calls/op")
	})
}
