package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// forEachBackend runs body once per backend built into this binary: the one
// test body every backend must pass. A CPU backend with sample-parallel
// convolutions also runs as a copy without them ("/intra-op"), so that both
// ways of running a convolution are tested whatever the batch size.
func forEachBackend(t *testing.T, body func(t *testing.T, b Backend)) {
	t.Helper()
	for _, name := range Backends() {
		b, err := GetBackend(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { body(t, b) })
		if c, ok := b.(*cpuBackend); ok && c.serial != nil {
			intra := &cpuBackend{name: c.name + "/intra-op", gemm: c.gemm}
			t.Run(intra.name, func(t *testing.T) { body(t, intra) })
		}
	}
}

// withColsBudget runs f with the chunk budgets at their defaults and at 1
// float (one sample per GEMM chunk), so the chunking of convolutions is
// exercised on tiny inputs too.
func withColsBudget(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved, savedW := colsBudget, workerColsBudget
	defer func() { colsBudget, workerColsBudget = saved, savedW }()
	for _, small := range []bool{false, true} {
		if small {
			colsBudget, workerColsBudget = 1, 1
		}
		t.Run(fmt.Sprintf("one-sample-chunks=%v", small), f)
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func randTensor(rng *rand.Rand, scale float64, shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64() * scale)
	}
	return t
}

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

func dot(a []float64, b []float32) float64 {
	var s float64
	for i, v := range a {
		s += v * float64(b[i])
	}
	return s
}

// Tolerances of the comparisons against the float64 references.
//
// fwdTol: float32 has unit roundoff 6e-8; each output of these layers sums at
// most a few thousand products, whose rounding errors grow like √n·u to
// ≲ 1e-5 relative to the largest term in practice. 1e-4 relative to the
// largest output leaves a margin, while an indexing or padding mistake moves
// outputs by O(1) of that scale.
//
// gradTol: the analytic gradients are float32 sums as above; the numerical
// ones are float64 central differences with step fdStep, whose truncation
// error (h²/6·f”' ≈ 2e-9 for O(1) derivatives) and rounding error
// (ε64·|L|/h ≈ 1e-11) are far below it. A wrong gradient term shows up as
// an O(1) relative error in the affected entries.
const (
	fwdTol  = 1e-4
	gradTol = 1e-4
	fdStep  = 1e-4
)

// checkClose fails unless |got_i − want_i| ≤ tol·max_j |want_j| for every i.
func checkClose(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	var scale float64
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	if scale == 0 {
		scale = 1
	}
	worst, at := 0.0, -1
	for i, w := range want {
		if e := math.Abs(float64(got[i]) - w); e > worst || math.IsNaN(e) {
			worst, at = e, i
		}
	}
	if worst > tol*scale || at >= 0 && math.IsNaN(float64(got[at])) {
		t.Errorf("%s: max error %.3g at %d (got %g, want %g), allowed %.3g (tol %g × scale %.3g)",
			what, worst, at, got[at], want[at], tol*scale, tol, scale)
	}
}

// numGrad returns the central-difference gradient of loss with respect to
// every entry of x (which loss reads; it is perturbed and restored).
func numGrad(x []float64, loss func() float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		v := x[i]
		h := fdStep * math.Max(1, math.Abs(v))
		x[i] = v + h
		lp := loss()
		x[i] = v - h
		lm := loss()
		x[i] = v
		g[i] = (lp - lm) / (2 * h)
	}
	return g
}

// checkGradSample compares got with central differences of loss at a random
// sample of at most k entries of x (all entries when len(x) ≤ k), with
// checkClose's criterion relative to the largest sampled numerical value.
func checkGradSample(t *testing.T, what string, got []float32, x []float64, loss func() float64, k int, rng *rand.Rand) {
	t.Helper()
	idx := rng.Perm(len(x))
	if len(idx) > k {
		idx = idx[:k]
	}
	g := make([]float32, len(idx))
	num := make([]float64, len(idx))
	for j, i := range idx {
		v := x[i]
		h := fdStep * math.Max(1, math.Abs(v))
		x[i] = v + h
		lp := loss()
		x[i] = v - h
		lm := loss()
		x[i] = v
		num[j] = (lp - lm) / (2 * h)
		g[j] = got[i]
	}
	checkClose(t, what, g, num, gradTol)
}

// sameAcrossProcs checks a run at GOMAXPROCS procs (got, and again, a second
// run at procs) against the first run (want), bit for bit, as an exact
// resume on another number of cores needs.
func sameAcrossProcs(t *testing.T, procs int, want, got, again []float32) {
	t.Helper()
	sameBits(t, fmt.Sprintf("GOMAXPROCS %d, second run against the first", procs), again, got)
	sameBits(t, fmt.Sprintf("GOMAXPROCS %d against the first run", procs), got, want)
}

// sameBits fails t at the first element of got whose bits differ from want's.
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: value %d is %g, want %g", what, i, got[i], want[i])
		}
	}
}
