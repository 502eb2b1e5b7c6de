// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"fmt"
	"testing"
)

// namedKernel is a micro-kernel under a name for the benchmarks.
type namedKernel struct {
	name string
	kern kernel
}

// benchKernels are the micro-kernels BenchmarkKernel measures; the amd64
// tests add the assembly ones this CPU runs.
var benchKernels = []namedKernel{{"best", bestKernel}, {"purego", kernelGeneric}}

// BenchmarkKernel measures a micro-kernel alone on L1-resident panels: the
// ceiling that packing, blocking and threads can only lower. One tile a
// call, as the macro-kernel hands over ragged tiles, and four, a column of
// tiles, which the AVX-512 kernel takes in pairs.
func BenchmarkKernel(b *testing.B) {
	for _, kr := range benchKernels {
		for _, tc := range []struct{ tiles, depth int }{{1, 9}, {1, 256}, {4, 9}, {4, 64}, {4, 256}} {
			tiles, depth := tc.tiles, tc.depth
			b.Run(fmt.Sprintf("%s/tiles=%d/depth=%d", kr.name, tiles, depth), func(b *testing.B) {
				a := make([]float32, tiles*mr*depth)
				bp := make([]float32, nr*depth)
				c := make([]float32, tiles*mr*nr)
				for i := range a {
					a[i] = 1
				}
				for i := range bp {
					bp[i] = 1
				}
				for b.Loop() {
					kr.kern(tiles, depth, a, bp, c, nr, 1, 1)
				}
				flops := 2 * float64(tiles*mr*nr*depth)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
