// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestGonum runs the kit on gonum's native Sgemm, a sanity check of the
// kit itself: a correct implementation written by others passes. gonum
// multiplies A and B by a zero alpha (see Options.AlphaZeroReadsAB);
// TestMutants checks that the kit notices.
func TestGonum(t *testing.T) {
	TestSgemmOptions(t, gonum.Implementation{}, Options{AlphaZeroReadsAB: true})
}

// mutant is a correct Sgemm with one deliberate fault. The kit must
// report an error that contains expect.
type mutant struct {
	name   string
	expect string
	fault  func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

func (mu mutant) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mu.fault(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// good is gonum's Sgemm made to follow the reference BLAS when alpha is
// zero, the base of the mutants.
var good = sgemmFunc(func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha != 0 {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// Argument checks only: gonum returns before touching anything when
	// alpha is zero and beta is one.
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 0, a, lda, b, ldb, 1, c, ldc)
	for i := range m {
		for j := range n {
			if beta == 0 {
				c[i*ldc+j] = 0
			} else {
				c[i*ldc+j] *= beta
			}
		}
	}
})

type sgemmFunc func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

func (f sgemmFunc) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	f(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// valid reports whether good accepts the arguments; the faults below only
// strike valid calls, so that the kit has to find them by their results.
func valid(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 0, a, lda, b, ldb, 1, c, ldc)
	return true
}

var mutants = []mutant{
	{"drops the last term of the sum", "within", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if k > 1 && valid(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
			k--
		}
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}},
	{"rounds badly", "within", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		for i := range m {
			for j := range n {
				// About 8 bits of the 24-bit significand lost.
				c[i*ldc+j] *= 1 + 1.0/256
			}
		}
	}},
	{"ignores the transpose of A", "within", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if tA != blas.NoTrans && m == k {
			tA = blas.NoTrans
		}
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}},
	{"writes the padding of C", "padding", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if m > 0 && n > 0 && ldc > n {
			c[n] = 0
		}
	}},
	{"writes past the last row of C", "padding", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if m > 0 && n > 0 && len(c) > (m-1)*ldc+n {
			c[(m-1)*ldc+n] = 0
		}
	}},
	{"reads the padding of A", "NaN", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		// Uses the first padding value after each row of A, with a zero
		// weight, as a vector load past the row followed by a mask would.
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if tA == blas.NoTrans && lda > k && n > 0 && valid(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
			for i := range m - 1 {
				c[i*ldc] += 0 * a[i*lda+k]
			}
		}
	}},
	{"changes A", "A[0] changed", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if len(a) > 0 {
			a[0]++
		}
	}},
	{"reads C when beta is zero", "NaN", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if beta == 0 && m > 0 && n > 0 && valid(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
			for i := range m {
				for j := range n {
					c[i*ldc+j] *= 0 // 0*NaN is NaN
				}
			}
			beta = 1
		}
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}},
	{"skips NaN", "want NaN", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		for i := range m {
			for j := range n {
				if v := c[i*ldc+j]; v != v {
					c[i*ldc+j] = 0
				}
			}
		}
	}},
	{"checks nothing", "no panic", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		defer func() { recover() }()
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}},
	{"says something else", "want one ending in", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		defer func() {
			if r := recover(); r != nil {
				panic(fmt.Sprintf("%v!", r))
			}
		}()
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}},
}

// alphaZeroReadsAB is gonum itself: the kit must flag it unless told not
// to.
var alphaZeroReadsAB = mutant{"reads A and B when alpha is zero", "NaN and Inf in A and B", gonum.Implementation{}.Sgemm}

// TestMutants checks that the kit can fail: each deliberately broken
// implementation must be caught by at least one case.
func TestMutants(t *testing.T) {
	for _, mu := range append(mutants, alphaZeroReadsAB) {
		err := firstFailure(mu)
		switch {
		case err == nil:
			t.Errorf("kit did not notice a Sgemm that %s", mu.name)
		case !strings.Contains(err.Error(), mu.expect):
			t.Errorf("kit noticed a Sgemm that %s for another reason: %v", mu.name, err)
		default:
			t.Logf("%s: %v", mu.name, err)
		}
	}
}

// firstFailure runs the kit's cases on impl (the small and NaN ones, which
// are enough to reach every fault above) and returns the first error.
func firstFailure(impl Sgemmer) error {
	for _, pc := range panicCases {
		if err := pc.check(impl); err != nil {
			return err
		}
	}
	for _, cases := range [][]Case{zeroSizeCases(), smallCases(), rectangularCases(true)} {
		for _, tc := range cases {
			if err := tc.Check(impl); err != nil {
				return err
			}
		}
	}
	for _, nc := range nanCases(Options{}) {
		if err := nc.check(impl); err != nil {
			return err
		}
	}
	return nil
}

// TestBoundIsTight checks that the error bound is not so loose that a
// float32 result rounded to fewer bits would pass: the kit must reject a
// result that keeps only 16 significant bits.
func TestBoundIsTight(t *testing.T) {
	truncate := mutant{"keeps 16 bits", "within", func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		good.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		for i := range m {
			for j := range n {
				v := c[i*ldc+j]
				c[i*ldc+j] = math.Float32frombits(math.Float32bits(v) &^ 0xff)
			}
		}
	}}
	tc := Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 17, N: 13, K: 7, Alpha: 1, Beta: 0, Seed: 3}
	err := tc.Check(truncate)
	if err == nil || !strings.Contains(err.Error(), "within") {
		t.Errorf("truncated result accepted: %v", err)
	}
	if err := tc.Check(good); err != nil {
		t.Errorf("gonum rejected: %v", err)
	}
}
