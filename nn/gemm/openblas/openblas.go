// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build openblas && cgo

package openblas

// The link flag lives here rather than in CGO_LDFLAGS: netlib's package
// leaves cblas_sgemm undefined, and any cgo package's LDFLAGS take part in
// the final link, so importing this package is enough.

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

// Available reports whether Implementation runs OpenBLAS.
const Available = true

// Implementation is OpenBLAS's sgemm through gonum's netlib binding. Its
// zero value is ready to use.
type Implementation struct{}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, with
// the argument checks and panic messages of gonum's Sgemm (netlib repeats
// them before calling cblas_sgemm).
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	netlib.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SetThreads sets the number of threads OpenBLAS uses for every later call,
// in the whole process. n < 1 panics.
func SetThreads(n int) {
	if n < 1 {
		panic("openblas: thread count < 1")
	}
	C.openblas_set_num_threads(C.int(n))
}

// Threads returns the number of threads OpenBLAS uses.
func Threads() int { return int(C.openblas_get_num_threads()) }
