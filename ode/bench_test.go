package ode_test

import (
	"context"
	"testing"
	"time"

	"github.com/windrose/windrose/ode"
)

// decay is the linear field x' = −x, written as a plain loop: the cheapest
// possible field, so the benchmarks below measure the stepper, not f.
type decay[T ode.Float] struct{}

func (decay[T]) Eval(dst []T, _ float64, x []T) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = -x[i]
	}
}

const (
	linearDim   = 100_000
	linearSteps = 1000
)

func ones[T ode.Float](n int) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = 1
	}
	return x
}

// BenchmarkRK4Linear100k: 1000 classical RK4 steps on the 100,000-dim decay
// through a reused Solver. Compare with BenchmarkHandRK4Linear100k.
func BenchmarkRK4Linear100k(b *testing.B) {
	p := ode.Problem[float64]{Field: decay[float64]{}, T0: 0, T1: 1, X0: ones[float64](linearDim)}
	s := ode.NewSolver[float64](ode.RK4, linearDim)
	set := &ode.Settings{Steps: linearSteps}
	ctx := context.Background()
	solveOnce(b, s, p, set) // set-up: the first Solve sizes the SaveAt buffers
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Solve(ctx, p, set); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandRK4Linear100k is the practical limit for
// BenchmarkRK4Linear100k: the same 1000 RK4 steps over the same field as a
// hand-written loop with the coefficients inlined and four stage buffers.
func BenchmarkHandRK4Linear100k(b *testing.B) {
	f := decay[float64]{}
	x0 := ones[float64](linearDim)
	x := make([]float64, linearDim)
	k1 := make([]float64, linearDim)
	k2 := make([]float64, linearDim)
	k3 := make([]float64, linearDim)
	k4 := make([]float64, linearDim)
	tmp := make([]float64, linearDim)
	b.ReportAllocs()
	for b.Loop() {
		copy(x, x0)
		handRK4(f, x, k1, k2, k3, k4, tmp, 0, 1, linearSteps)
	}
}

// BenchmarkRK4VsHandLinear100k runs BenchmarkRK4Linear100k's solve and
// BenchmarkHandRK4Linear100k's loop alternately (200 steps each, to keep an
// iteration short) and reports the ratio of their fastest times, which is
// stable on a shared, noisy machine where the two separate benchmarks can
// run under different loads.
func BenchmarkRK4VsHandLinear100k(b *testing.B) {
	const steps = 200
	p := ode.Problem[float64]{Field: decay[float64]{}, T0: 0, T1: 1, X0: ones[float64](linearDim)}
	s := ode.NewSolver[float64](ode.RK4, linearDim)
	set := &ode.Settings{Steps: steps}
	f := decay[float64]{}
	x := make([]float64, linearDim)
	k1 := make([]float64, linearDim)
	k2 := make([]float64, linearDim)
	k3 := make([]float64, linearDim)
	k4 := make([]float64, linearDim)
	tmp := make([]float64, linearDim)
	ctx := context.Background()
	bestSolver, bestHand := time.Duration(1<<62), time.Duration(1<<62)
	for b.Loop() {
		start := time.Now()
		if _, err := s.Solve(ctx, p, set); err != nil {
			b.Fatal(err)
		}
		bestSolver = min(bestSolver, time.Since(start))
		start = time.Now()
		copy(x, p.X0)
		handRK4(f, x, k1, k2, k3, k4, tmp, 0, 1, steps)
		bestHand = min(bestHand, time.Since(start))
	}
	b.ReportMetric(float64(bestSolver)/float64(bestHand), "solver/hand")
}

func handRK4(f ode.VectorField[float64], x, k1, k2, k3, k4, tmp []float64, t0, t1 float64, n int) {
	h := (t1 - t0) / float64(n)
	h2, h6, h3 := h/2, h/6, h/3 // hoisted: Go does not move them out of the loops
	x, k1, k2, k3, k4 = x[:len(tmp)], k1[:len(tmp)], k2[:len(tmp)], k3[:len(tmp)], k4[:len(tmp)]
	for step := range n {
		t := t0 + (t1-t0)*float64(step)/float64(n)
		f.Eval(k1, t, x)
		for i := range tmp {
			tmp[i] = x[i] + h2*k1[i]
		}
		f.Eval(k2, t+h2, tmp)
		for i := range tmp {
			tmp[i] = x[i] + h2*k2[i]
		}
		f.Eval(k3, t+h2, tmp)
		for i := range tmp {
			tmp[i] = x[i] + h*k3[i]
		}
		f.Eval(k4, t+h, tmp)
		for i := range tmp {
			x[i] += h6*k1[i] + h3*k2[i] + h3*k3[i] + h6*k4[i]
		}
	}
}

// BenchmarkDOPRI5Tutorial: the tutorial's dx/dt = (x + t² − 2)/(t + 1),
// x(0) = 2 on [0, 5] at rtol 1e-10, atol 1e-12 (SciPy's RK45 takes 380
// evaluations, see docs/reference.md).
func BenchmarkDOPRI5Tutorial(b *testing.B) {
	p := tutorialProblem()
	s := ode.NewSolver[float64](ode.DOPRI5, 1)
	set := &ode.Settings{RTol: 1e-10, ATol: 1e-12}
	ctx := context.Background()
	solveOnce(b, s, p, set) // set-up: the first Solve sizes the SaveAt buffers
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Solve(ctx, p, set); err != nil {
			b.Fatal(err)
		}
	}
}

// solveOnce runs one solve before the timed loop, so the benchmarks measure
// the steady state of a reused Solver.
func solveOnce[T ode.Float](b *testing.B, s *ode.Solver[T], p ode.Problem[T], set *ode.Settings) {
	b.Helper()
	if _, err := s.Solve(context.Background(), p, set); err != nil {
		b.Fatal(err)
	}
}

func tutorialProblem() ode.Problem[float64] {
	return ode.Problem[float64]{
		Field: ode.Func[float64](func(dst []float64, t float64, x []float64) {
			dst[0] = (x[0] + t*t - 2) / (t + 1)
		}),
		T0: 0, T1: 5, X0: []float64{2},
	}
}

// BenchmarkDOPRI5TutorialSaveAt is BenchmarkDOPRI5Tutorial with 51 dense
// output points: still no allocation per solve.
func BenchmarkDOPRI5TutorialSaveAt(b *testing.B) {
	p := tutorialProblem()
	s := ode.NewSolver[float64](ode.DOPRI5, 1)
	saveAt := make([]float64, 51)
	for i := range saveAt {
		saveAt[i] = float64(i) * 0.1
	}
	set := &ode.Settings{RTol: 1e-10, ATol: 1e-12, SaveAt: saveAt}
	ctx := context.Background()
	solveOnce(b, s, p, set) // set-up: the first Solve sizes the SaveAt buffers
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Solve(ctx, p, set); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDOPRI5Linear100k: adaptive DOPRI5 on the 100,000-dim decay
// x' = −x from x0 = 1 over [0, 1] at rtol 1e-10, atol 1e-12. SciPy 1.10.1's
// solve_ivp RK45 on the same problem takes 170 evaluations in 28 steps, as
// this does (the 140 evaluations of docs/reference.md are for a setting
// not recorded there).
func BenchmarkDOPRI5Linear100k(b *testing.B) {
	p := ode.Problem[float64]{Field: decay[float64]{}, T0: 0, T1: 1, X0: ones[float64](linearDim)}
	s := ode.NewSolver[float64](ode.DOPRI5, linearDim)
	set := &ode.Settings{RTol: 1e-10, ATol: 1e-12}
	ctx := context.Background()
	b.ReportAllocs()
	var evals int
	for b.Loop() {
		res, err := s.Solve(ctx, p, set)
		if err != nil {
			b.Fatal(err)
		}
		evals = res.Stats.FieldEvals
	}
	b.ReportMetric(float64(evals), "evals/op")
}

// BenchmarkRK4Float32Batch: the neural client's shape, a float32 state of
// 256×784 values, 20 RK4 steps of the decay field.
func BenchmarkRK4Float32Batch(b *testing.B) {
	const dim = 256 * 784
	p := ode.Problem[float32]{Field: decay[float32]{}, T0: 0, T1: 1, X0: ones[float32](dim)}
	s := ode.NewSolver[float32](ode.RK4, dim)
	set := &ode.Settings{Steps: 20}
	ctx := context.Background()
	solveOnce(b, s, p, set) // set-up: the first Solve sizes the SaveAt buffers
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Solve(ctx, p, set); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRK4SaveAt: fixed RK4 steps with Hermite dense output at 33 times
// inside the steps (which costs the early evaluation of the next first
// stage): still no allocation per solve.
func BenchmarkRK4SaveAt(b *testing.B) {
	const dim = 1000
	p := ode.Problem[float64]{Field: decay[float64]{}, T0: 0, T1: 1, X0: ones[float64](dim)}
	s := ode.NewSolver[float64](ode.RK4, dim)
	saveAt := make([]float64, 33)
	for i := range saveAt {
		saveAt[i] = (float64(i) + 0.5) / 33
	}
	set := &ode.Settings{Steps: 100, SaveAt: saveAt}
	ctx := context.Background()
	solveOnce(b, s, p, set) // set-up: the first Solve sizes the SaveAt buffers
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Solve(ctx, p, set); err != nil {
			b.Fatal(err)
		}
	}
}
