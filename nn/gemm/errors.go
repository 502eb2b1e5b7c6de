// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

// Panic messages for caller mistakes. They are gonum's blas strings
// (gonum.org/v1/gonum/blas/gonum/errors.go, repeated verbatim by
// gonum.org/v1/netlib/blas/netlib), so that code which recovers a panic
// behaves the same whichever of the interchangeable implementations it runs on.
const (
	badTranspose = "blas: illegal transpose"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
)
