// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

#include "textflag.h"

// Packing routines for full micro-panels (see pack.go for the layouts).
// They use VEX-encoded 128- and 256-bit moves and shuffles, so they need
// AVX; the Go wrappers only call them when hasAVX2FMA reported it.
//
// Operands are in Go assembler order (sources first, destination last).

// TRANSPOSE4 transposes the 4×4 block in rows r0..r3 (xmm registers) into
// columns c0..c3, using t0..t3 as scratch:
//
//	t0 = (r0[0] r1[0] r0[1] r1[1])   t1 = (r0[2] r1[2] r0[3] r1[3])
//	t2 = (r2[0] r3[0] r2[1] r3[1])   t3 = (r2[2] r3[2] r2[3] r3[3])
//	c0 = (t0.lo t2.lo)  c1 = (t0.hi t2.hi)  c2 = (t1.lo t3.lo)  c3 = (t1.hi t3.hi)
#define TRANSPOSE4(r0, r1, r2, r3, t0, t1, t2, t3, c0, c1, c2, c3) \
	VUNPCKLPS r1, r0, t0; \
	VUNPCKHPS r1, r0, t1; \
	VUNPCKLPS r3, r2, t2; \
	VUNPCKHPS r3, r2, t3; \
	VMOVLHPS  t2, t0, c0; \
	VMOVHLPS  t0, t2, c1; \
	VMOVLHPS  t3, t1, c2; \
	VMOVHLPS  t1, t3, c3

// func packA6NT(depth4 int, a *float32, lda int, dst *float32)
//
// Packs 4·depth4 depth steps of six rows of a row-major A (row stride lda)
// into one micro-panel: dst[p*6 + r] = a[r*lda + p].
TEXT ·packA6NT(SB), NOSPLIT, $0-32
	MOVQ depth4+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ dst+24(FP), DI
	SHLQ $2, R8             // row stride in bytes
	LEAQ (R8)(R8*2), R9     // 3 rows
	LEAQ (SI)(R8*4), R10    // row 4
	TESTQ CX, CX
	JZ   done

loop:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(R8*1), X1
	VMOVUPS (SI)(R8*2), X2
	VMOVUPS (SI)(R9*1), X3
	VMOVUPS (R10), X4
	VMOVUPS (R10)(R8*1), X5
	TRANSPOSE4(X0, X1, X2, X3, X6, X7, X8, X9, X10, X11, X12, X13)
	VUNPCKLPS X5, X4, X14   // (r4[0] r5[0] r4[1] r5[1])
	VUNPCKHPS X5, X4, X15   // (r4[2] r5[2] r4[3] r5[3])
	VMOVUPS X10, (DI)
	VMOVLPS X14, 16(DI)
	VMOVUPS X11, 24(DI)
	VMOVHPS X14, 40(DI)
	VMOVUPS X12, 48(DI)
	VMOVLPS X15, 64(DI)
	VMOVUPS X13, 72(DI)
	VMOVHPS X15, 88(DI)
	ADDQ $16, SI
	ADDQ $16, R10
	ADDQ $96, DI
	DECQ CX
	JNZ  loop

done:
	RET

// func packB16T(depth4 int, b *float32, ldb int, dst *float32)
//
// Packs 4·depth4 depth steps of sixteen rows of a row-major Bᵀ (row stride
// ldb) into one micro-panel: dst[p*16 + c] = b[c*ldb + p]. Each group of
// four rows is a 4×4 transpose per four depth steps.
TEXT ·packB16T(SB), NOSPLIT, $0-32
	MOVQ depth4+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R8
	MOVQ dst+24(FP), DI
	SHLQ $2, R8             // row stride in bytes
	LEAQ (R8)(R8*2), R9     // 3 rows
	LEAQ (SI)(R8*4), R11    // row 4
	LEAQ (R11)(R8*4), R12   // row 8
	LEAQ (R12)(R8*4), R13   // row 12
	TESTQ CX, CX
	JZ   done

loop:
	// Rows 0..3 → columns 0..3 of depth steps p..p+3.
	VMOVUPS (SI), X0
	VMOVUPS (SI)(R8*1), X1
	VMOVUPS (SI)(R8*2), X2
	VMOVUPS (SI)(R9*1), X3
	TRANSPOSE4(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11)
	VMOVUPS X8, (DI)
	VMOVUPS X9, 64(DI)
	VMOVUPS X10, 128(DI)
	VMOVUPS X11, 192(DI)

	// Rows 4..7 → columns 4..7.
	VMOVUPS (R11), X0
	VMOVUPS (R11)(R8*1), X1
	VMOVUPS (R11)(R8*2), X2
	VMOVUPS (R11)(R9*1), X3
	TRANSPOSE4(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11)
	VMOVUPS X8, 16(DI)
	VMOVUPS X9, 80(DI)
	VMOVUPS X10, 144(DI)
	VMOVUPS X11, 208(DI)

	// Rows 8..11 → columns 8..11.
	VMOVUPS (R12), X0
	VMOVUPS (R12)(R8*1), X1
	VMOVUPS (R12)(R8*2), X2
	VMOVUPS (R12)(R9*1), X3
	TRANSPOSE4(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11)
	VMOVUPS X8, 32(DI)
	VMOVUPS X9, 96(DI)
	VMOVUPS X10, 160(DI)
	VMOVUPS X11, 224(DI)

	// Rows 12..15 → columns 12..15.
	VMOVUPS (R13), X0
	VMOVUPS (R13)(R8*1), X1
	VMOVUPS (R13)(R8*2), X2
	VMOVUPS (R13)(R9*1), X3
	TRANSPOSE4(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11)
	VMOVUPS X8, 48(DI)
	VMOVUPS X9, 112(DI)
	VMOVUPS X10, 176(DI)
	VMOVUPS X11, 240(DI)

	ADDQ $16, SI
	ADDQ $16, R11
	ADDQ $16, R12
	ADDQ $16, R13
	ADDQ $256, DI
	DECQ CX
	JNZ  loop

done:
	RET

// func packA6T(depth int, a *float32, lda int, dst *float32)
//
// Packs depth steps of six columns of a row-major Aᵀ (row stride lda) into
// one micro-panel: dst[p*6 + r] = a[p*lda + r], 24 bytes a step.
TEXT ·packA6T(SB), NOSPLIT, $0-32
	MOVQ depth+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ dst+24(FP), DI
	SHLQ $2, R8
	TESTQ CX, CX
	JZ   done

loop:
	VMOVUPS (SI), X0
	VMOVSD  16(SI), X1
	VMOVUPS X0, (DI)
	VMOVSD  X1, 16(DI)
	ADDQ R8, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  loop

done:
	RET

// func packBRowsNT(depth, panels int, b *float32, ldb int, dst *float32, stride int)
//
// Packs depth steps of 16·panels columns of a row-major B into panels
// micro-panels stride values apart, reading B row by row:
// dst[q*stride + p*16 + c] = b[p*ldb + q*16 + c].
TEXT ·packBRowsNT(SB), NOSPLIT, $0-48
	MOVQ depth+0(FP), CX
	MOVQ b+16(FP), SI
	MOVQ ldb+24(FP), R8
	MOVQ dst+32(FP), DI
	MOVQ stride+40(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9
	TESTQ CX, CX
	JZ   done

row:
	MOVQ panels+8(FP), DX
	MOVQ SI, R10
	MOVQ DI, R11

panel:
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1
	VMOVUPS Y0, (R11)
	VMOVUPS Y1, 32(R11)
	ADDQ $64, R10
	ADDQ R9, R11
	DECQ DX
	JNZ  panel

	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  row
	VZEROUPPER

done:
	RET
