// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/windrose/windrose/nn/gemm/gemmtest"
)

// An implementation's test file runs the whole kit with
//
//	func TestSgemm(t *testing.T) { gemmtest.TestSgemm(t, myImpl) }
//
// A single product can also be checked on its own: here C (97×31) =
// 2.5·Aᵀ·B − C with A stored 17×97, padded leading dimensions, on gonum's
// Sgemm. Check returns nil when the result is within the error bound and
// nothing outside C changed.
func ExampleCase_Check() {
	tc := gemmtest.Case{
		TA: blas.Trans, TB: blas.NoTrans,
		M: 97, N: 31, K: 17,
		Alpha: 2.5, Beta: -1,
		PadA: 3, PadB: 1, PadC: 5,
		Seed: 1,
	}
	fmt.Println(tc, tc.Check(gonum.Implementation{}))
	// Output:
	// TN/m=97,n=31,k=17/alpha=2.5,beta=-1/pad=3,1,5 <nil>
}
