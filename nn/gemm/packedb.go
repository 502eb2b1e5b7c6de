// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import "gonum.org/v1/gonum/blas"

// MaxPackedDepth is the largest k SgemmPackedB takes: one packed block
// deep (kc).
const MaxPackedDepth = kc

// PackedBLen returns the length of the packed form of a k×n matrix B that
// SgemmPackedB reads: n rounded up to whole panels of 16 columns, times k.
func PackedBLen(k, n int) int { return (n + nr - 1) / nr * nr * k }

// PackedBIndex returns the index of B(p, j) in the packed form of a k×n
// matrix: panel j/16 holds its 16 columns row after row, k rows of 16
// values, the panels one after the other. The columns past n in the last
// panel must be zero.
func PackedBIndex(k, p, j int) int { return (j/nr)*nr*k + p*nr + j%nr }

// SgemmPackedB computes C = alpha·op(A)·B + beta·C like Sgemm, for a B of
// k×n given in its packed form bp (PackedBIndex): a producer that can
// write B that way (a Winograd input transform writes 8 or 16 consecutive
// columns of a row at a time) saves the copy Sgemm makes of it. The result
// is Sgemm's bit for bit, except for a single row (m = 1), which Sgemm
// sums in another order (rowvec.go) and SgemmPackedB with the blocked
// kernel like any other. k must be at most MaxPackedDepth; SgemmPackedB
// panics, as Sgemm does, on bad dimensions or short slices.
func (impl Implementation) SgemmPackedB(tA blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, bp []float32, beta float32, c []float32, ldc int) {
	aTrans := isTrans(tA)
	switch {
	case m < 0:
		panic(mLT0)
	case n < 0:
		panic(nLT0)
	case k < 0:
		panic(kLT0)
	case k > MaxPackedDepth:
		panic("gemm: SgemmPackedB: k > MaxPackedDepth")
	case aTrans && lda < max(1, m), !aTrans && lda < max(1, k):
		panic(badLdA)
	case ldc < max(1, n):
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	switch {
	case aTrans && len(a) < (k-1)*lda+m, !aTrans && len(a) < (m-1)*lda+k:
		panic(shortA)
	case len(bp) < PackedBLen(k, n):
		panic(shortB)
	case len(c) < (m-1)*ldc+n:
		panic(shortC)
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	p := product{
		aTrans: aTrans, bPacked: true,
		m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda,
		b: bp, ldb: n,
		beta: beta, c: c, ldc: ldc,
		kern:    bestKernel,
		asmPack: asmKernel,
	}
	p.run(impl.threads())
}

// PackedALen returns the length of the packed form of an m×k matrix op(A)
// that SgemmPackedAB reads: m rounded up to whole micro-panels of 6 rows,
// times k.
func PackedALen(m, k int) int { return (m + mr - 1) / mr * mr * k }

// PackA writes op(A), m×k, to dst[:PackedALen(m, k)] in the packed form
// SgemmPackedAB reads: micro-panels of 6 rows, each k columns of 6 values,
// the rows past m zero. A product whose A is used again, with B after B (a
// convolution's transformed weights over the chunks of a batch), packs it
// once this way instead of once per product. k must be at most
// MaxPackedDepth.
func (impl Implementation) PackA(dst []float32, tA blas.Transpose, m, k int, a []float32, lda int) {
	aTrans := isTrans(tA)
	switch {
	case m < 0:
		panic(mLT0)
	case k < 0:
		panic(kLT0)
	case k > MaxPackedDepth:
		panic("gemm: PackA: k > MaxPackedDepth")
	case aTrans && lda < max(1, m), !aTrans && lda < max(1, k):
		panic(badLdA)
	}
	if m == 0 || k == 0 {
		return
	}
	switch {
	case aTrans && len(a) < (k-1)*lda+m, !aTrans && len(a) < (m-1)*lda+k:
		panic(shortA)
	case len(dst) < PackedALen(m, k):
		panic("gemm: PackA: short destination")
	}
	packA(dst, a, lda, aTrans, 0, m, 0, k, asmKernel)
}

// SgemmPackedAB computes C = alpha·A·B + beta·C for A packed by PackA (m×k)
// and B in SgemmPackedB's packed form (k×n), bit for bit SgemmPackedB's
// result for the same operands. k must be at most MaxPackedDepth.
func (impl Implementation) SgemmPackedAB(m, n, k int, alpha float32, ap, bp []float32, beta float32, c []float32, ldc int) {
	switch {
	case m < 0:
		panic(mLT0)
	case n < 0:
		panic(nLT0)
	case k < 0:
		panic(kLT0)
	case k > MaxPackedDepth:
		panic("gemm: SgemmPackedAB: k > MaxPackedDepth")
	case ldc < max(1, n):
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	switch {
	case len(ap) < PackedALen(m, k):
		panic(shortA)
	case len(bp) < PackedBLen(k, n):
		panic(shortB)
	case len(c) < (m-1)*ldc+n:
		panic(shortC)
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	p := product{
		aPacked: true, bPacked: true,
		m: m, n: n, k: k,
		alpha: alpha, a: ap, lda: k,
		b: bp, ldb: n,
		beta: beta, c: c, ldc: ldc,
		kern:    bestKernel,
		asmPack: asmKernel,
	}
	p.run(impl.threads())
}
