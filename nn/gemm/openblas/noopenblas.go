// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !openblas || !cgo

package openblas

import (
	"gonum.org/v1/gonum/blas"

	"github.com/windrose/windrose/nn/gemm"
)

// Available reports whether Implementation runs OpenBLAS. This build has
// no OpenBLAS (it needs the openblas build tag and cgo).
const Available = false

// Implementation stands in for OpenBLAS in builds without it: it is the
// pure-Go gemm.Implementation on all cores.
type Implementation struct{}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C with gemm.Implementation.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SetThreads panics if n < 1 and otherwise does nothing: without OpenBLAS
// there is no OpenBLAS thread count. (gemm.Implementation.Threads bounds
// the stand-in's goroutines per call.)
func SetThreads(n int) {
	if n < 1 {
		panic("openblas: thread count < 1")
	}
}

// Threads returns 0: there is no OpenBLAS in this build.
func Threads() int { return 0 }
