// Copyright ©2026 The windrose Authors. All rights reserved.

// Package gemmtest is a conformance kit for float32 matrix multiplications
// with the signature of gonum's blas.Float32 Sgemm, in the spirit of
// gonum's blas/testblas (which has no float32 suite).
//
// An implementation's tests call TestSgemm, which compares every result
// against a float64 reference within a rounding-error bound proportional
// to k·ε₃₂·|A||B|, checks the reference BLAS rules for NaNs (alpha = 0
// does not read A and B, beta = 0 does not read C), the argument checks
// and panic messages of gonum's Sgemm, that padding in the leading
// dimensions is neither read nor written, and that concurrent calls do not
// interfere. Case is exported so that a test can check one product of its
// own choosing.
package gemmtest
