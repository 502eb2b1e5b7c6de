// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/windrose/windrose/nn/gemm"
	"github.com/windrose/windrose/nn/gemm/gemmtest"
	"github.com/windrose/windrose/nn/gemm/openblas"
)

// shape is one product of the flow-matching VelocityNet (docs/reference.md)
// in its im2col formulation: a convolution with Cin input and Cout output
// channels, a kh×kw kernel and an output of P pixels is, per image, the
// forward product W (Cout×K) · cols (K×P) with K = Cin·kh·kw; its weight
// gradient dY (Cout×P) · colsᵀ (P×K), an A·Bᵀ; and its input gradient
// Wᵀ (K×Cout) · dY (Cout×P), an Aᵀ·B. The "/b64" shapes batch 64 images
// side by side in the pixel dimension.
type shape struct {
	name    string // layer/pass
	tA, tB  blas.Transpose
	m, n, k int
}

// label is the benchmark name of s: layer/pass_TT_m×n×k.
func (s shape) label() string {
	t := func(x blas.Transpose) string {
		if x == nT {
			return "N"
		}
		return "T"
	}
	return fmt.Sprintf("%s_%s%s_%dx%dx%d", s.name, t(s.tA), t(s.tB), s.m, s.n, s.k)
}

const (
	nT = blas.NoTrans
	tT = blas.Trans
)

func convShapes() []shape {
	per := []shape{
		{"in_conv_1-64_3x3_28/fwd", nT, nT, 64, 784, 9},
		{"conv_64-64_3x3_28/fwd", nT, nT, 64, 784, 576},
		{"conv_64-64_3x3_28/dW", nT, tT, 64, 576, 784},
		{"conv_64-64_3x3_28/dX", tT, nT, 576, 784, 64},
		{"down_64-128_4x4s2_14/fwd", nT, nT, 128, 196, 1024},
		{"down_64-128_4x4s2_14/dW", nT, tT, 128, 1024, 196},
		{"conv_128-128_3x3_14/fwd", nT, nT, 128, 196, 1152},
		{"conv_128-128_3x3_14/dW", nT, tT, 128, 1152, 196},
		{"conv_128-128_3x3_14/dX", tT, nT, 1152, 196, 128},
		// ConvTranspose2d forward is the col2im product Wᵀ·x, as
		// nn computes it, and the down conv's dX has the same shape.
		{"up_128-64_4x4s2_28/fwd", tT, nT, 1024, 196, 128},
		{"out_conv_64-1_3x3_28/fwd", nT, nT, 1, 784, 576},
		{"out_conv_64-1_3x3_28/dW", nT, tT, 1, 576, 784},
	}
	out := append([]shape(nil), per...)
	for _, s := range per {
		b := s
		b.name += "-b64"
		switch {
		case s.tA == nT && s.tB == tT: // weight gradient: sum over pixels
			b.k *= 64
		default: // forward and input gradient: pixels side by side
			b.n *= 64
		}
		out = append(out, b)
	}
	return append(out, shape{"square/1024", nT, nT, 1024, 1024, 1024})
}

type benchImpl struct {
	name string
	impl gemmtest.Sgemmer
}

func benchImpls() []benchImpl {
	impls := []benchImpl{
		{"windrose", gemm.Implementation{}},
		{"windrose-purego", gemm.PureGo},
		{"gonum", gonum.Implementation{}},
	}
	if openblas.Available {
		impls = append(impls, benchImpl{"openblas", openblas.Implementation{}})
	}
	return impls
}

// BenchmarkSgemm reports GFLOP/s (2mnk floating-point operations per
// product) for each shape and implementation; "windrose" is the assembly
// kernel the CPU runs (AVX-512 or AVX2/FMA; -tags noavx512 for the second
// where the CPU has the first). Select with -bench, e.g.
//
//	go test -tags openblas -run '^$' -bench 'Sgemm/.*/fwd$/(windrose|openblas)$' ./nn/gemm
func BenchmarkSgemm(b *testing.B) {
	if !gemm.AsmKernel {
		b.Log("no assembly kernel: windrose runs the pure-Go kernel")
	}
	for _, s := range convShapes() {
		for _, bi := range benchImpls() {
			b.Run(s.label()+"/"+bi.name, func(b *testing.B) {
				benchShape(b, bi.impl, s)
			})
		}
	}
}

func benchShape(b *testing.B, impl gemmtest.Sgemmer, s shape) {
	ar, ac := s.m, s.k
	if s.tA != nT {
		ar, ac = ac, ar
	}
	br, bc := s.k, s.n
	if s.tB != nT {
		br, bc = bc, br
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 2*rnd.Float32() - 1
		}
		return x
	}
	a, bb, c := fill(ar*ac), fill(br*bc), fill(s.m*s.n)
	b.ResetTimer()
	for b.Loop() {
		impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, ac, bb, bc, 0, c, s.n)
	}
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
