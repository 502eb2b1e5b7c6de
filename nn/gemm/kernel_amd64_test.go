// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelChoice checks that the micro-kernel is the best one the CPU,
// the operating system and the build allow.
func TestKernelChoice(t *testing.T) {
	// hasAVX512F implies hasAVX2FMA.
	avx2, avx512 := hasAVX2FMA(), allowAVX512 && hasAVX512F()
	if asmKernel != avx2 || avx512Kernel != avx512 {
		t.Fatalf("assembly kernel %v, AVX-512 kernel %v; want %v, %v (AVX-512 on the CPU %v, allowed by the build %v)",
			asmKernel, avx512Kernel, avx2, avx512, hasAVX512F(), allowAVX512)
	}
	t.Logf("assembly kernel %v, AVX-512 kernel %v", asmKernel, avx512Kernel)
}

// TestKernelAVX512MatchesAVX2 holds the AVX-512 micro-kernel to the bits of
// the AVX2/FMA one, which the Sgemm tests check against float64 sums: odd
// and even tile counts, depths around the unrolling by four, a C stride
// wider than a tile, alpha ≠ 1, and beta zero (C not read: NaNs there must
// not survive), one, another value and NaN.
func TestKernelAVX512MatchesAVX2(t *testing.T) {
	if !hasAVX512F() {
		t.Skip("the CPU or the operating system has no AVX-512")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	nan := float32(math.NaN())
	for _, tiles := range []int{1, 2, 3, 4, 7, 24} {
		for _, depth := range []int{1, 3, 4, 5, 9, 64, 256} {
			for _, beta := range []float32{0, 1, -0.375, nan} {
				const ldc = nr + 5
				a, b := normals(rng, tiles*mr*depth), normals(rng, depth*nr)
				c := normals(rng, tiles*mr*ldc)
				if beta == 0 {
					for i := range c {
						if i%3 == 0 {
							c[i] = nan
						}
					}
				}
				want := append([]float32(nil), c...)
				kernelAVX2(tiles, depth, a, b, want, ldc, 0.75, beta)
				got := append([]float32(nil), c...)
				kernelAVX512(tiles, depth, a, b, got, ldc, 0.75, beta)
				name := fmt.Sprintf("tiles %d, depth %d, beta %g", tiles, depth, beta)
				for i := range want {
					// Columns past the tile (i%ldc ≥ nr) must be left alone
					// by both; NaN bits are compared like any others.
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s: C[%d] (row %d, column %d) is %g, want %g", name, i, i/ldc, i%ldc, got[i], want[i])
					}
					if i%ldc >= nr && math.Float32bits(got[i]) != math.Float32bits(c[i]) {
						t.Fatalf("%s: C[%d] past the tile changed from %g to %g", name, i, c[i], got[i])
					}
				}
			}
		}
	}
}

func init() {
	if hasAVX2FMA() {
		benchKernels = append(benchKernels, namedKernel{"avx2", kernelAVX2})
	}
	if hasAVX512F() {
		benchKernels = append(benchKernels, namedKernel{"avx512", kernelAVX512})
	}
}
