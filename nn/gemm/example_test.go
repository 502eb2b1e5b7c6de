// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/windrose/windrose/nn/gemm"
)

// A convolution as a matrix product: two 1×3 filters (rows of W) applied to
// four positions of a 1-channel signal unrolled into columns (im2col), so
// Y = W·cols with m = 2 filters, n = 4 positions, k = 3 taps.
func ExampleImplementation_Sgemm() {
	w := []float32{
		1, 0, -1, // an edge detector
		1, 1, 1, // a box filter
	}
	signal := []float32{0, 1, 2, 4, 8, 16}
	// cols[t][x] = signal[x+t]: k = 3 rows, n = 4 columns.
	const m, n, k = 2, 4, 3
	cols := make([]float32, k*n)
	for t := range k {
		for x := range n {
			cols[t*n+x] = signal[x+t]
		}
	}
	y := make([]float32, m*n)
	var impl gemm.Implementation
	impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, w, k, cols, n, 0, y, n)
	fmt.Println(y[:n])
	fmt.Println(y[n:])

	// With C = Yᵀ·Y: the 4×4 Gram matrix of the outputs, from the same
	// buffer read as transposed.
	g := make([]float32, n*n)
	impl.Sgemm(blas.Trans, blas.NoTrans, n, n, m, 1, y, n, y, n, 0, g, n)
	fmt.Println(g[:n])
	// Output:
	// [-2 -3 -6 -12]
	// [3 7 14 28]
	// [13 27 54 108]
}
