// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

// Register and cache blocking, in the notation of Goto and van de Geijn,
// "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008,
// and of the BLIS papers (Van Zee and van de Geijn, ACM TOMS 41(3), 2015;
// Low et al., "Analytical modeling is enough for high-performance BLIS",
// ACM TOMS 43(2), 2016).
//
// The micro-kernel keeps an mr×nr tile of C in registers: 6 rows of 16
// float32 are 12 ymm accumulators, leaving 4 of the 16 ymm registers for
// two 8-wide slices of a B row and two broadcast A values. Per k step it
// issues 12 FMAs against 2 loads and 6 broadcasts, so the two FMA pipes
// of a Zen 3 core, not its load ports, are the limit. 12 independent
// accumulators also cover the FMA latency (4 cycles × 2 pipes = 8 chains
// needed). This is the shape of BLIS's Haswell sgemm kernel
// (bli_sgemm_haswell_asm_6x16).
const (
	mr = 6
	nr = 16
)

// kc is the depth of one packed block. A kc×nr micro-panel of B is
// 256·16·4 B = 16 KiB and a mr×kc micro-panel of A is 6 KiB: together they
// fit the 32 KiB L1d of a Zen 3 core with room for the C tile, which is
// what the analytical model of Low et al. asks of kc.
//
// mcMax bounds the rows of packed A one macro-kernel sweep covers (and
// the rows one goroutine packs at a time when it owns a slice of rows):
// 144×256·4 B = 144 KiB of packed A, well inside the 512 KiB L2 of a
// Zen 3 core, so the A block stays in L2 while the B micro-panels stream
// through L1. (BLIS's Haswell configuration, config/haswell/
// bli_cntx_init_haswell.c, has mr = 6, nr = 16, mc = 168, kc = 256 for
// float32; 144 = 24·mr keeps a bit more of L2 free for the B stream and
// for C. Not tuned: the shared machine was too noisy to tell neighbouring
// values apart.)
const (
	kc    = 256
	mcMax = 144
)

// ncMax bounds the columns of B one goroutine packs at a time when it owns
// a slice of columns (and the columns of one piece of a shared packed B):
// 256·1024·4 B = 1 MiB of packed B per goroutine, a slice of the shared L3.
const ncMax = 1024

// parallelMin is the number of multiply-adds below which a product runs
// on the calling goroutine: 2¹⁸ multiply-adds take about 5 µs on one core
// at the kernel's 16 multiply-adds a cycle (3.5 GHz), while handing work to
// a helper and collecting it costs on the order of a microsecond even when
// the helper is awake, and nothing is gained when it is not.
const parallelMin = 1 << 18
