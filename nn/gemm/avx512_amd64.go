// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64 && !noavx512

package gemm

// allowAVX512 lets the kernel choice take the AVX-512 micro-kernel where the
// CPU has it. Build with the noavx512 tag to keep the AVX2/FMA one, as on
// CPUs whose clock drops while 512-bit instructions run (the products are
// the same bit for bit either way).
const allowAVX512 = true
