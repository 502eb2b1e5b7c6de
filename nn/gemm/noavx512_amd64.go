// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64 && noavx512

package gemm

// allowAVX512 is false in builds with the noavx512 tag: the AVX2/FMA
// micro-kernel serves CPUs with AVX-512 too.
const allowAVX512 = false
