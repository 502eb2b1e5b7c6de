// Copyright ©2026 The windrose Authors. All rights reserved.

package openblas_test

import (
	"testing"

	"github.com/windrose/windrose/nn/gemm/gemmtest"
	"github.com/windrose/windrose/nn/gemm/openblas"
)

// TestSgemm runs the conformance kit on OpenBLAS (with -tags openblas) or on
// the stand-in (without). OpenBLAS 0.3.21 spreads NaNs from A and B into C
// when alpha is zero, unlike the reference BLAS; the kit is told so.
func TestSgemm(t *testing.T) {
	t.Logf("OpenBLAS available: %v, threads: %d", openblas.Available, openblas.Threads())
	gemmtest.TestSgemmOptions(t, openblas.Implementation{}, gemmtest.Options{AlphaZeroReadsAB: openblas.Available})
}
