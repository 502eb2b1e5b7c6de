// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkKernel measures a micro-kernel alone on L1-resident panels: the
// ceiling that packing, blocking and threads can only lower.
func BenchmarkKernel(b *testing.B) {
	kernels := []struct {
		name string
		kern kernel
	}{{"best", bestKernel}, {"purego", kernelGeneric}}
	for _, kr := range kernels {
		for _, depth := range []int{9, 64, 256} {
			b.Run(fmt.Sprintf("%s/depth=%d", kr.name, depth), func(b *testing.B) {
				a := make([]float32, mr*depth)
				bp := make([]float32, nr*depth)
				c := make([]float32, mr*nr)
				for i := range a {
					a[i] = 1
				}
				for i := range bp {
					bp[i] = 1
				}
				for b.Loop() {
					kr.kern(1, depth, a, bp, c, nr, 1, 1)
				}
				flops := 2 * float64(mr*nr*depth)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
