// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

package gemm

// bestKernel is the micro-kernel Implementation uses: the AVX2/FMA assembly
// one when the CPU and the operating system support it, the pure-Go one
// otherwise.
var bestKernel kernel = kernelGeneric

// asmKernel reports whether bestKernel is the assembly micro-kernel.
var asmKernel = false

func init() {
	if hasAVX2FMA() {
		bestKernel = kernelAVX2
		asmKernel = true
	}
}

// kernel6x16 is the AVX2/FMA micro-kernel of kernel_amd64.s, looped over a
// column of tiles. It reads tiles*6*depth values at a, 16*depth values at
// b, and tiles 6×16 tiles at c with row stride ldc (c is not read when
// beta == 0).
//
//go:noescape
func kernel6x16(tiles, depth int, a, b, c *float32, ldc int, alpha, beta float32)

// kernelAVX2 checks the slice bounds kernel6x16 relies on, then runs it.
func kernelAVX2(tiles, depth int, a, b, c []float32, ldc int, alpha, beta float32) {
	_ = a[tiles*depth*mr-1]
	_ = b[depth*nr-1]
	_ = c[(tiles*mr-1)*ldc+nr-1]
	kernel6x16(tiles, depth, &a[0], &b[0], &c[0], ldc, alpha, beta)
}
