// Copyright ©2026 The windrose Authors. All rights reserved.

// Package openblas exposes OpenBLAS's sgemm with the same Sgemm method as
// package gemm, through cgo and gonum.org/v1/netlib/blas/netlib.
//
// It is compiled in with the openblas build tag (which needs cgo and
// Debian's libopenblas-dev, or any library that provides cblas_sgemm
// under -lopenblas):
//
//	go test -tags openblas ./nn/gemm/...
//
// Without the tag the package still builds, with the same API: Available
// is false and Implementation runs the pure-Go gemm.Implementation, so
// code that names openblas.Implementation compiles in every build and the
// default build needs no cgo.
//
// OpenBLAS chooses its own thread count (OPENBLAS_NUM_THREADS, else all
// cores); SetThreads changes it.
package openblas
