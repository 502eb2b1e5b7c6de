// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

package gemm

// bestKernel is the micro-kernel Implementation uses: the AVX-512 one when
// the CPU and the operating system support it and the build allows it, else
// the AVX2/FMA one when they support that, else the pure-Go one.
var bestKernel kernel = kernelGeneric

// asmKernel reports whether bestKernel is an assembly micro-kernel, and
// avx512Kernel whether it is the AVX-512 one.
var asmKernel, avx512Kernel = false, false

func init() {
	switch {
	case allowAVX512 && hasAVX512F():
		bestKernel = kernelAVX512
		asmKernel, avx512Kernel = true, true
	case hasAVX2FMA():
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

// kernel12x16 is the AVX-512 micro-kernel of kernel_avx512_amd64.s: it
// computes what kernel6x16 does for 2*pairs tiles, two at a time, bit for
// bit the same.
//
//go:noescape
func kernel12x16(pairs, depth int, a, b, c *float32, ldc int, alpha, beta float32)

// kernel6x16z is kernel12x16 for one tile, of kernel_avx512_amd64.s.
//
//go:noescape
func kernel6x16z(depth int, a, b, c *float32, ldc int, alpha, beta float32)

// checkTiles panics unless a, b and c hold the panels and tiles an
// assembly kernel reads and writes for tiles tiles of depth depth.
func checkTiles(tiles, depth int, a, b, c []float32, ldc int) {
	_ = a[tiles*depth*mr-1]
	_ = b[depth*nr-1]
	_ = c[(tiles*mr-1)*ldc+nr-1]
}

// kernelAVX2 checks the slice bounds kernel6x16 relies on, then runs it.
func kernelAVX2(tiles, depth int, a, b, c []float32, ldc int, alpha, beta float32) {
	checkTiles(tiles, depth, a, b, c, ldc)
	kernel6x16(tiles, depth, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

// kernelAVX512 checks the same bounds, runs kernel12x16 on the pairs of
// tiles and kernel6x16z on an odd last one.
func kernelAVX512(tiles, depth int, a, b, c []float32, ldc int, alpha, beta float32) {
	checkTiles(tiles, depth, a, b, c, ldc)
	if pairs := tiles / 2; pairs > 0 {
		kernel12x16(pairs, depth, &a[0], &b[0], &c[0], ldc, alpha, beta)
	}
	if last := tiles - 1; tiles%2 == 1 {
		kernel6x16z(depth, &a[last*mr*depth], &b[0], &c[last*mr*ldc], ldc, alpha, beta)
	}
}
