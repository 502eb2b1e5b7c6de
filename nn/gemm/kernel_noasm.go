// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build noasm || !amd64

package gemm

// bestKernel is the micro-kernel Implementation uses: without assembly, the
// pure-Go one.
var bestKernel kernel = kernelGeneric

// asmKernel reports whether bestKernel is an assembly micro-kernel, and
// avx512Kernel whether it is the AVX-512 one.
const asmKernel, avx512Kernel = false, false
