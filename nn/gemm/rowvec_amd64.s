// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

#include "textflag.h"

// Row-vector kernels for products with one row (m = 1), which have no
// reuse to win by packing: each element of B is used once, so they read B
// where it lies.

// func vecMat64(k int, a *float32, b *float32, ldb int, dst *float32)
//
// dst[0:64] = Σ_p a[p] * b[p*ldb : p*ldb+64]: eight ymm accumulators, one
// broadcast of a[p] and eight loads of a 256-byte row segment of B a step.
TEXT ·vecMat64(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ ldb+24(FP), R8
	MOVQ dst+32(FP), DI
	SHLQ $2, R8
	MOVQ R8, R9
	SHLQ $3, R9             // eight rows ahead
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JZ   store

loop:
	// The rows of B are ldb apart, often more than a page, where the
	// hardware prefetchers do not follow: ask for the row eight steps
	// ahead. (Prefetches past the end of B are harmless hints.)
	PREFETCHT0 (BX)(R9*1)
	PREFETCHT0 64(BX)(R9*1)
	PREFETCHT0 128(BX)(R9*1)
	PREFETCHT0 192(BX)(R9*1)
	VBROADCASTSS (AX), Y15
	VFMADD231PS (BX), Y15, Y0
	VFMADD231PS 32(BX), Y15, Y1
	VFMADD231PS 64(BX), Y15, Y2
	VFMADD231PS 96(BX), Y15, Y3
	VFMADD231PS 128(BX), Y15, Y4
	VFMADD231PS 160(BX), Y15, Y5
	VFMADD231PS 192(BX), Y15, Y6
	VFMADD231PS 224(BX), Y15, Y7
	ADDQ $4, AX
	ADDQ R8, BX
	DECQ CX
	JNZ  loop

store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VZEROUPPER
	RET

// func vecMat8(k int, a *float32, b *float32, ldb int, dst *float32)
//
// dst[0:8] = Σ_p a[p] * b[p*ldb : p*ldb+8], with four accumulators for
// successive p so that the FMA latency does not serialise the sum.
TEXT ·vecMat8(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ ldb+24(FP), R8
	MOVQ dst+32(FP), DI
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ CX, R10
	SHRQ $2, R10
	JZ   tail

loop4:
	VBROADCASTSS (AX), Y12
	VBROADCASTSS 4(AX), Y13
	VBROADCASTSS 8(AX), Y14
	VBROADCASTSS 12(AX), Y15
	VFMADD231PS (BX), Y12, Y0
	VFMADD231PS (BX)(R8*1), Y13, Y1
	VFMADD231PS (BX)(R8*2), Y14, Y2
	VFMADD231PS (BX)(R9*1), Y15, Y3
	ADDQ $16, AX
	LEAQ (BX)(R8*4), BX
	DECQ R10
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	VBROADCASTSS (AX), Y12
	VFMADD231PS (BX), Y12, Y0
	ADDQ $4, AX
	ADDQ R8, BX
	DECQ CX
	JNZ  loop1

store:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VMOVUPS Y0, (DI)
	VZEROUPPER
	RET

// func dot4(k8 int, a *float32, b *float32, ldb int, dst *float32)
//
// dst[r] = Σ_{p<8·k8} a[p] * b[r*ldb + p] for the four rows r = 0..3 of B,
// sixteen values a step with two accumulators per row.
TEXT ·dot4(SB), NOSPLIT, $0-40
	MOVQ k8+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ ldb+24(FP), R8
	MOVQ dst+32(FP), DI
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ CX, R10
	SHRQ $1, R10
	JZ   tail

loop2:
	VMOVUPS (AX), Y8
	VMOVUPS 32(AX), Y9
	VFMADD231PS (BX), Y8, Y0
	VFMADD231PS (BX)(R8*1), Y8, Y1
	VFMADD231PS (BX)(R8*2), Y8, Y2
	VFMADD231PS (BX)(R9*1), Y8, Y3
	VFMADD231PS 32(BX), Y9, Y4
	VFMADD231PS 32(BX)(R8*1), Y9, Y5
	VFMADD231PS 32(BX)(R8*2), Y9, Y6
	VFMADD231PS 32(BX)(R9*1), Y9, Y7
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ R10
	JNZ  loop2

tail:
	ANDQ $1, CX
	JZ   reduce
	VMOVUPS (AX), Y8
	VFMADD231PS (BX), Y8, Y0
	VFMADD231PS (BX)(R8*1), Y8, Y1
	VFMADD231PS (BX)(R8*2), Y8, Y2
	VFMADD231PS (BX)(R9*1), Y8, Y3

reduce:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	// Fold each accumulator to 128 bits, then three horizontal adds
	// leave (Σrow0, Σrow1, Σrow2, Σrow3) in X0.
	VEXTRACTF128 $1, Y0, X8
	VADDPS X8, X0, X0
	VEXTRACTF128 $1, Y1, X9
	VADDPS X9, X1, X1
	VEXTRACTF128 $1, Y2, X10
	VADDPS X10, X2, X2
	VEXTRACTF128 $1, Y3, X11
	VADDPS X11, X3, X3
	VHADDPS X1, X0, X0
	VHADDPS X3, X2, X2
	VHADDPS X2, X0, X0
	VMOVUPS X0, (DI)
	VZEROUPPER
	RET
