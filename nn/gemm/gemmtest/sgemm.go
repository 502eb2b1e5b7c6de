// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest

import (
	"fmt"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// Sgemmer is a float32 matrix multiplication with the signature of
// gonum's blas.Float32 Sgemm: row-major matrices, C = alpha*op(A)*op(B) +
// beta*C.
type Sgemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// Options relaxes TestSgemmOptions for implementations with a documented
// departure from the reference BLAS. The zero value checks everything.
type Options struct {
	// AlphaZeroReadsAB skips the check that, when alpha is zero, NaNs and
	// Infs in A and B do not reach C. The reference BLAS does not read A
	// and B then (documented since Reference-LAPACK PR #1098, 2025: "If
	// ALPHA is zero the values in A and B do not affect the result").
	// gonum's native Sgemm (v0.17) multiplies them by zero, which turns
	// them into NaNs in C whenever beta is not one, and so does OpenBLAS
	// 0.3.21 (Debian 12), even when beta is one.
	AlphaZeroReadsAB bool
}

// alphas and betas are the scalars every small product is run with: zero
// and one take the special paths of the reference BLAS, −1 flips signs,
// 0.5 is exact and 2.5 is not a power of two.
var (
	alphas = []float32{0, 1, -1, 0.5, 2.5}
	betas  = []float32{0, 1, -1, 0.5, 2.5}
)

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans}

// TestSgemm checks impl against the float64 reference with every check of
// the kit. It is TestSgemmOptions with the zero Options.
func TestSgemm(t *testing.T, impl Sgemmer) {
	TestSgemmOptions(t, impl, Options{})
}

// TestSgemmOptions checks impl against the float64 reference, in subtests:
//
//   - Panics: the argument checks of gonum's Sgemm, in gonum's order.
//   - ZeroSizes: m, n or k zero, with every alpha and beta.
//   - Small: every m, n, k in {1, 2, 3, 7, 13, 17, 31}, every pair of
//     transposes, alpha and beta cycling through {0, 1, −1, 0.5, 2.5}².
//   - Square: m = n = k in {1, 2, 3, 7, 13, 17, 31, 64, 97, 128, 257}.
//   - Rectangular: long thin products (1×1000×1, 1000×1×1000, …) and the
//     convolution shapes of the flow-matching network.
//   - NaN: NaNs in A or B reach exactly the entries of C they touch
//     when alpha is not zero and no entry when it is; NaNs in C vanish
//     when beta is zero.
//   - Concurrent: several goroutines call impl at once.
//
// Every case also pads the leading dimensions with values that must not
// be read (NaNs in A and B) or written (a sentinel in C), and checks that
// A and B are unchanged. The error bound is in reference.
//
// Short mode (testing.Short) drops m = n = k = 257 and the largest
// rectangular shapes; the smaller ones cover the same code paths.
func TestSgemmOptions(t *testing.T, impl Sgemmer, opt Options) {
	t.Run("Panics", func(t *testing.T) {
		for _, pc := range panicCases {
			if err := pc.check(impl); err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("ZeroSizes", func(t *testing.T) {
		runCases(t, impl, zeroSizeCases())
	})
	t.Run("Small", func(t *testing.T) {
		runCases(t, impl, smallCases())
	})
	t.Run("Square", func(t *testing.T) {
		runCases(t, impl, squareCases(testing.Short()))
	})
	t.Run("Rectangular", func(t *testing.T) {
		runCases(t, impl, rectangularCases(testing.Short()))
	})
	t.Run("NaN", func(t *testing.T) {
		errs := 0
		for _, nc := range nanCases(opt) {
			if err := nc.check(impl); err != nil {
				t.Error(err)
				if errs++; errs == maxErrors {
					t.Fatal("too many errors")
				}
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		var cases []Case
		for _, tc := range rectangularCases(true) {
			if tc.TA == tc.TB {
				cases = append(cases, tc)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for g := range errs {
			wg.Go(func() {
				for i, tc := range cases {
					tc.Seed += uint64(100 * g)
					if err := tc.Check(impl); err != nil {
						errs[g] = fmt.Errorf("goroutine %d, case %d: %w", g, i, err)
						return
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

// maxErrors bounds the failures reported by one subtest.
const maxErrors = 10

func runCases(t *testing.T, impl Sgemmer, cases []Case) {
	t.Helper()
	errs := 0
	for _, tc := range cases {
		if err := tc.Check(impl); err != nil {
			t.Error(err)
			if errs++; errs == maxErrors {
				t.Fatal("too many errors")
			}
		}
	}
}

// pads cycles the leading-dimension padding through tight and loose.
var pads = [][3]int{{0, 0, 0}, {1, 3, 2}, {5, 0, 1}, {0, 2, 7}}

// withTransposes returns tc once for each pair of transposes, with the
// paddings and seeds varied from one copy to the next. Large products skip
// blas.ConjTrans, which the small ones check means blas.Trans.
func withTransposes(tc Case, seq *int) []Case {
	ts := transposes
	if tc.M*tc.N*tc.K > 31*31*31 {
		ts = ts[:2]
	}
	var out []Case
	for _, tA := range ts {
		for _, tB := range ts {
			c := tc
			c.TA, c.TB = tA, tB
			p := pads[*seq%len(pads)]
			c.PadA, c.PadB, c.PadC = p[0], p[1], p[2]
			c.Seed = uint64(*seq) + 1
			*seq++
			out = append(out, c)
		}
	}
	return out
}

func zeroSizeCases() []Case {
	var out []Case
	seq := 0
	for _, d := range [][3]int{{0, 5, 7}, {6, 0, 7}, {6, 5, 0}, {0, 0, 0}, {1, 1, 0}} {
		for _, alpha := range alphas {
			for _, beta := range betas {
				out = append(out, withTransposes(Case{M: d[0], N: d[1], K: d[2], Alpha: alpha, Beta: beta}, &seq)...)
			}
		}
	}
	return out
}

func smallCases() []Case {
	dims := []int{1, 2, 3, 7, 13, 17, 31}
	var out []Case
	seq := 0
	for _, m := range dims {
		for _, n := range dims {
			for _, k := range dims {
				ab := seq / 9
				tc := Case{M: m, N: n, K: k, Alpha: alphas[ab%5], Beta: betas[ab/5%5]}
				out = append(out, withTransposes(tc, &seq)...)
			}
		}
	}
	return out
}

func squareCases(short bool) []Case {
	var out []Case
	seq := 0
	for _, s := range []int{1, 2, 3, 7, 13, 17, 31, 64, 97, 128, 257} {
		if short && s > 128 {
			continue
		}
		scalars := [][2]float32{{1, 0}, {2.5, -1}}
		if s <= 31 {
			scalars = nil
			for _, alpha := range alphas {
				for _, beta := range betas {
					scalars = append(scalars, [2]float32{alpha, beta})
				}
			}
		}
		for _, ab := range scalars {
			out = append(out, withTransposes(Case{M: s, N: s, K: s, Alpha: ab[0], Beta: ab[1]}, &seq)...)
		}
	}
	return out
}

// rectangularCases are long thin products, products deeper than one cache
// block, and the per-image convolution shapes of the flow-matching
// network (M = output channels, N = pixels, K = input channels × kernel
// area).
func rectangularCases(short bool) []Case {
	dims := [][3]int{
		{1, 1000, 1}, {1000, 1, 1000}, {1, 1, 1000}, {1000, 1, 1},
		{3, 1000, 300}, {300, 17, 600}, {129, 70, 513},
		{64, 784, 9}, {1, 784, 576}, {576, 784, 1},
	}
	if !short {
		dims = append(dims, [3]int{64, 784, 576}, [3]int{128, 196, 1152}, [3]int{1024, 196, 128})
	}
	var out []Case
	seq := 0
	for i, d := range dims {
		ab := [][2]float32{{1, 0}, {-1, 1}, {0.5, 2.5}}[i%3]
		out = append(out, withTransposes(Case{M: d[0], N: d[1], K: d[2], Alpha: ab[0], Beta: ab[1]}, &seq)...)
	}
	return out
}

func nanCases(opt Options) []nanCase {
	var out []nanCase
	seq := 0
	for _, d := range [][3]int{{7, 13, 5}, {13, 33, 300}, {97, 31, 17}, {130, 70, 260}, {1, 100, 1}} {
		var cases []nanCase
		for _, alpha := range alphas[1:] {
			cases = append(cases, nanCase{Case{M: d[0], N: d[1], K: d[2], Alpha: alpha, Beta: 1}, nanInA})
			cases = append(cases, nanCase{Case{M: d[0], N: d[1], K: d[2], Alpha: alpha, Beta: 0.5}, nanInB})
			cases = append(cases, nanCase{Case{M: d[0], N: d[1], K: d[2], Alpha: alpha, Beta: 0}, nanInC})
		}
		cases = append(cases, nanCase{Case{M: d[0], N: d[1], K: d[2], Alpha: 0, Beta: 0}, nanInC})
		if !opt.AlphaZeroReadsAB {
			for _, beta := range betas {
				cases = append(cases, nanCase{Case{M: d[0], N: d[1], K: d[2], Alpha: 0, Beta: beta}, nanInAB})
			}
		}
		for _, nc := range cases {
			for _, c := range withTransposes(nc.Case, &seq) {
				out = append(out, nanCase{c, nc.where})
			}
		}
	}
	return out
}
