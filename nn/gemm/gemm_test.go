// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/windrose/windrose/nn/gemm/gemmtest"
)

// pureGoImpl is Implementation forced onto the pure-Go micro-kernel and
// packing, so that one test run checks the assembly and the pure-Go code.
type pureGoImpl struct {
	threads int
}

func (pg pureGoImpl) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(Implementation{Threads: pg.threads}.threads(), true, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func TestSgemm(t *testing.T) {
	gemmtest.TestSgemm(t, Implementation{})
}

// TestSgemmSerial runs everything on the calling goroutine.
func TestSgemmSerial(t *testing.T) {
	gemmtest.TestSgemm(t, Implementation{Threads: 1})
}

// TestSgemmOversubscribed runs more goroutines than there are cores here,
// so that chunks are shared out unevenly.
func TestSgemmOversubscribed(t *testing.T) {
	gemmtest.TestSgemm(t, Implementation{Threads: 5})
}

// TestSgemmGeneric forces the pure-Go micro-kernel, the one of the noasm
// build and of other architectures.
func TestSgemmGeneric(t *testing.T) {
	gemmtest.TestSgemm(t, pureGoImpl{})
}

// TestSgemmSliced runs products deeper than the shared-buffer bound, which
// are computed as sums over slices of k, by lowering the bound to two
// packed blocks of six rows.
func TestSgemmSliced(t *testing.T) {
	saved := maxShared
	defer func() { maxShared = saved }()
	maxShared = 2 * mr * kc
	gemmtest.TestSgemm(t, Implementation{})
}

// TestSgemmNoGarbage checks that a stream of parallel products, once warm,
// allocates nothing: no job, no packing buffer. Garbage made per product
// (thousands per forward pass of a convolution network) is what the
// collector's headroom turns into resident memory.
func TestSgemmNoGarbage(t *testing.T) {
	// A convolution's product: 32 output channels, a 28×28 plane, 32·9
	// inputs; large enough to be split between goroutines.
	const m, n, k = 32, 784, 288
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	impl := Implementation{Threads: 2}
	pair := func() {
		impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
		impl.Sgemm(blas.NoTrans, blas.Trans, m, k, n, 1, c, n, b, n, 0, a, k)
	}
	// Counted by hand: testing.AllocsPerRun sets GOMAXPROCS to 1, where
	// the second goroutine is a plain one rather than a persistent
	// helper.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	// Warm up until the free lists hold what the stream needs at once: on
	// a loaded machine the helper may sit out the first products (the
	// caller takes every chunk), and the first pair where both work needs
	// a second chunk buffer.
	for range 20 {
		pair()
	}
	const runs = 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		pair()
	}
	runtime.ReadMemStats(&after)
	// A few stray allocations remain: the runtime's, for a goroutine
	// that blocks on the latch while its processor's cache of wait records
	// is empty (0 to 6 in a hundred pairs when this was written, the more
	// the busier the machine), against 203 with a job allocated per
	// product.
	if got := after.Mallocs - before.Mallocs; got > runs/10 {
		t.Errorf("%d allocations in %d pairs of products, want at most %d", got, runs, runs/10)
	}
}

// TestSgemmSameForAnyThreads holds products to the same bits whatever the
// number of goroutines that compute them, which package nn's promise of
// results independent of GOMAXPROCS rests on: each element is one dot
// product in kc blocks, whichever goroutine owns its chunk of C. The shapes
// are split by rows and by columns, and one is deeper than the shared-buffer
// bound (a sum over slices of k).
func TestSgemmSameForAnyThreads(t *testing.T) {
	saved := maxShared
	defer func() { maxShared = saved }()
	maxShared = 4 * mr * kc
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct {
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{blas.NoTrans, blas.NoTrans, 64, 784 * 4, 288},
		{blas.NoTrans, blas.Trans, 64, 288, 784 * 4},
		{blas.Trans, blas.NoTrans, 576, 784, 64},
		{blas.NoTrans, blas.NoTrans, 1000, 37, 700},
	} {
		ar, ac := s.m, s.k
		if s.tA == blas.Trans {
			ar, ac = ac, ar
		}
		br, bc := s.k, s.n
		if s.tB == blas.Trans {
			br, bc = bc, br
		}
		a, b := normals(rng, ar*ac), normals(rng, br*bc)
		var want []float32
		for _, threads := range []int{1, 2, 3, 5} {
			c := make([]float32, s.m*s.n)
			Implementation{Threads: threads}.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, ac, b, bc, 0, c, s.n)
			if want == nil {
				want = c
				continue
			}
			for i := range want {
				if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%d×%d×%d: %d threads give C[%d] = %g, one thread %g", s.m, s.n, s.k, threads, i, c[i], want[i])
				}
			}
		}
	}
}

// normals returns n standard normal values drawn from rng.
func normals(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}
