// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"runtime"

	"gonum.org/v1/gonum/blas"
)

// Implementation is a float32 matrix multiplication with gonum's
// blas.Float32 Sgemm signature. Its zero value is ready to use and runs on
// runtime.GOMAXPROCS(0) goroutines.
type Implementation struct {
	// Threads is the largest number of goroutines one Sgemm call uses.
	// Zero (or a negative value) means runtime.GOMAXPROCS(0). Products
	// too small to amortise starting a goroutine always run on the
	// calling goroutine.
	Threads int
}

// Sgemm performs one of the matrix-matrix operations
//
//	C = alpha * A * B + beta * C
//	C = alpha * Aᵀ * B + beta * C
//	C = alpha * A * Bᵀ + beta * C
//	C = alpha * Aᵀ * Bᵀ + beta * C
//
// where all matrices are row-major, A is m×k (k×m when transposed), B is
// k×n (n×k when transposed) and C is m×n. blas.Trans and blas.ConjTrans
// mean the same thing for real matrices.
//
// As in the reference BLAS, when alpha is zero or k is zero A and B are not
// read (a NaN there does not reach C), and when beta is zero C is not read
// (a NaN there is overwritten). Sgemm panics, with gonum's blas messages,
// on an illegal transpose, a negative dimension, a leading dimension
// smaller than its row width, or a slice too short for its matrix.
func (impl Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(impl.threads(), false, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// threads returns the goroutine budget of impl.
func (impl Implementation) threads() int {
	if impl.Threads > 0 {
		return impl.Threads
	}
	return runtime.GOMAXPROCS(0)
}

// sgemm checks the arguments like gonum's Sgemm, handles the cases that do
// not touch A and B, and hands the product to the blocked driver. pureGo
// forces the pure-Go micro-kernel and packing (for tests and benchmarks).
func sgemm(threads int, pureGo bool, tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	aTrans := isTrans(tA)
	bTrans := isTrans(tB)
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	// Same order of checks as gonum.org/v1/gonum/blas/gonum.Sgemm, so the
	// first broken rule is the one reported.
	if aTrans {
		if lda < max(1, m) {
			panic(badLdA)
		}
	} else if lda < max(1, k) {
		panic(badLdA)
	}
	if bTrans {
		if ldb < max(1, k) {
			panic(badLdB)
		}
	} else if ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	// For k == 0 these lengths are non-positive, so empty A and B pass.
	if aTrans {
		if len(a) < (k-1)*lda+m {
			panic(shortA)
		}
	} else if len(a) < (m-1)*lda+k {
		panic(shortA)
	}
	if bTrans {
		if len(b) < (n-1)*ldb+k {
			panic(shortB)
		}
	} else if len(b) < (k-1)*ldb+n {
		panic(shortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(shortC)
	}

	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	p := product{
		aTrans: aTrans, bTrans: bTrans,
		m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda,
		b: b, ldb: ldb,
		beta: beta, c: c, ldc: ldc,
		kern:    bestKernel,
		asmPack: asmKernel,
	}
	if pureGo {
		p.kern, p.asmPack, p.pureGo = kernelGeneric, false, true
	}
	p.run(threads)
}

// isTrans reports whether t asks for the transpose, and panics if t is not a
// blas.Transpose value.
func isTrans(t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic(badTranspose)
}

// scaleC sets C = beta*C. A zero beta stores zeros without reading C, so NaNs
// in C do not survive, as in the reference BLAS.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	switch beta {
	case 1:
		return
	case 0:
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
	default:
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
	}
}
