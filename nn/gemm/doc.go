// Copyright ©2026 The windrose Authors. All rights reserved.

// Package gemm is the float32 matrix multiplication of windrose's neural
// engine: gonum's blas.Float32 Sgemm, row-major, with a packed, blocked
// algorithm and AVX2/FMA and AVX-512 assembly micro-kernels.
//
// # Use
//
// Implementation{}.Sgemm has the signature and the argument checks (with
// gonum's panic messages, "blas: …") of gonum.org/v1/gonum/blas/gonum's
// Sgemm, so the two, and the OpenBLAS binding in package openblas, are
// interchangeable:
//
//	var impl gemm.Implementation // all cores
//	impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
//
// Like the reference BLAS, a zero alpha (or k) does not read A and B, and
// a zero beta does not read C, so NaNs there do not reach the result.
//
// # Algorithm
//
// The product is computed as in Goto and van de Geijn, "Anatomy of
// High-Performance Matrix Multiplication" (ACM TOMS 34(3), 2008), and BLIS:
// op(A) and op(B) are copied ("packed") in kc-deep blocks into contiguous
// micro-panels of 6 rows and 16 columns, and a micro-kernel multiplies
// one A micro-panel by one B micro-panel into a 6×16 tile of C held in
// twelve ymm registers. The blocking constants and their reasons are in
// blocking.go.
//
// On amd64 the micro-kernel is assembly (kernel_amd64.s), chosen at run
// time when CPUID reports AVX2 and FMA and the OS saves ymm state. Where
// the CPU also has AVX-512 Foundation and the OS saves zmm state, an
// AVX-512 kernel (kernel_avx512_amd64.s) takes the tiles of a column two at
// a time, on the same packed panels, with the same operations on every
// element in the same order: it is faster (1.5 to 1.8 times the AVX2
// kernel's GFLOP/s on an AMD EPYC of the Zen 5 family, BenchmarkKernel) and
// agrees with the AVX2 kernel bit for bit, so results do not depend on
// which of the two runs. The noavx512 build tag keeps the AVX2 kernel on
// such CPUs, for those whose clock drops under 512-bit instructions. The
// pure-Go micro-kernel (kernel.go) serves other architectures, CPUs
// without AVX2, and builds with the noasm tag, following the file pairing
// of gonum's internal/asm.
//
// # Threads
//
// Implementation.Threads bounds the goroutines of one call (zero: all of
// GOMAXPROCS). The smaller operand is packed once and shared; C is cut
// along the other dimension into chunks that the goroutines take from a
// counter, each packing its own part of the larger operand. Products of
// fewer than 2¹⁸ multiply-adds run on the calling goroutine.
//
// The helper goroutines persist between calls and poll for work for
// 200 µs after each job before they block, as OpenBLAS's threads do: on
// the small virtual machines this was tuned on, waking an idle CPU took
// 60–140 µs, a large part of a per-image convolution product. While they
// poll they offer their CPU to other threads (sched_yield on Linux), so on
// a loaded machine the polling costs little; on an idle one it costs up
// to 200 µs of a CPU that nothing else wanted, and holds one P (a helper
// does not yield to other goroutines, see team.go).
//
// Packing buffers and the bookkeeping of a call are recycled through free
// lists shared by all goroutines (freelist.go), so a steady stream of calls
// allocates nothing once warm. Sgemm is safe for concurrent use.
//
// # Single-row products
//
// A product with m = 1 (the output convolution of the flow-matching
// network has one output channel) reuses nothing, so it is not packed:
// rowvec.go reads op(A) and B in place with AVX2 vector-matrix and dot
// kernels.
//
// # Testing
//
// The conformance kit in package gemmtest checks any Sgemm, this one
// (with both micro-kernels), gonum's and OpenBLAS's, against a float64
// reference.
package gemm
