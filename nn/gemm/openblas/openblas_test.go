// Copyright ©2026 The windrose Authors. All rights reserved.

package openblas_test

import (
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/windrose/windrose/nn/gemm/gemmtest"
	"github.com/windrose/windrose/nn/gemm/openblas"
)

// TestSgemm runs the conformance kit on OpenBLAS (build with -tags
// openblas). OpenBLAS 0.3.21 spreads NaNs from A and B into C when alpha is
// zero, unlike the reference BLAS; the kit is told so.
func TestSgemm(t *testing.T) {
	if !openblas.Available {
		t.Skip("built without -tags openblas: Implementation is gemm.Implementation, tested in package gemm")
	}
	t.Logf("OpenBLAS threads: %d", openblas.Threads())
	gemmtest.TestSgemmOptions(t, openblas.Implementation{}, gemmtest.Options{AlphaZeroReadsAB: true})
}

// TestStandIn checks that the build without OpenBLAS still multiplies, with
// one product against a hand-computed result: [1 2; 3 4]·[5 6; 7 8] =
// [19 22; 43 50].
func TestStandIn(t *testing.T) {
	c := make([]float32, 4)
	openblas.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, []float32{1, 2, 3, 4}, 2, []float32{5, 6, 7, 8}, 2, 0, c, 2)
	if want := []float32{19, 22, 43, 50}; !slices.Equal(c, want) {
		t.Errorf("got %v, want %v", c, want)
	}
}
