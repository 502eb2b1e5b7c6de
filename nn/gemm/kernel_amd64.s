// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

#include "textflag.h"

// The 6×16 AVX2/FMA micro-kernel, looped over a column of tiles. Register
// use:
//
//	Y0..Y11   the C tile: row r is Y(2r) (columns 0..7) and Y(2r+1) (8..15)
//	Y12, Y13  one row of the packed B micro-panel (16 values)
//	Y14, Y15  two broadcast values of the packed A micro-panel
//	AX, BX    walk the packed A (24 bytes a step) and B (64 bytes a step)
//	DX, R8    the C tile and its row stride in bytes
//	R11, R12  tiles left, start of the B micro-panel
//	R13       the next tile of C (six rows down)
//
// Operands are in Go assembler order: VFMADD231PS b, a, acc computes
// acc += a*b.

// KSTEP is one depth step i of an unrolled group: the rank-1 update of the
// 6×16 tile by column i of the A micro-panel and row i of the B micro-panel.
#define KSTEP(i) \
	VMOVUPS (i*64)(BX), Y12; \
	VMOVUPS (i*64+32)(BX), Y13; \
	VBROADCASTSS (i*24)(AX), Y14; \
	VBROADCASTSS (i*24+4)(AX), Y15; \
	VFMADD231PS Y12, Y14, Y0; \
	VFMADD231PS Y13, Y14, Y1; \
	VFMADD231PS Y12, Y15, Y2; \
	VFMADD231PS Y13, Y15, Y3; \
	VBROADCASTSS (i*24+8)(AX), Y14; \
	VBROADCASTSS (i*24+12)(AX), Y15; \
	VFMADD231PS Y12, Y14, Y4; \
	VFMADD231PS Y13, Y14, Y5; \
	VFMADD231PS Y12, Y15, Y6; \
	VFMADD231PS Y13, Y15, Y7; \
	VBROADCASTSS (i*24+16)(AX), Y14; \
	VBROADCASTSS (i*24+20)(AX), Y15; \
	VFMADD231PS Y12, Y14, Y8; \
	VFMADD231PS Y13, Y14, Y9; \
	VFMADD231PS Y12, Y15, Y10; \
	VFMADD231PS Y13, Y15, Y11

// func kernel6x16(tiles, depth int, a, b, c *float32, ldc int, alpha, beta float32)
//
// For t = 0..tiles−1: C_t = alpha·A_t·B + beta·C_t, where A_t is the t-th
// packed A micro-panel after a (they are contiguous, 6·depth values each),
// B the packed B micro-panel at b, and C_t the 6×16 tile 6t rows below c.
// Looping here rather than in Go saves a call per tile, which matters when
// depth is small (the first convolution has depth 9).
TEXT ·kernel6x16(SB), NOSPLIT, $0-56
	MOVQ tiles+0(FP), R11
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), R12
	MOVQ c+32(FP), R13
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	TESTQ R11, R11
	JZ   done

tile:
	MOVQ depth+8(FP), CX
	MOVQ R12, BX
	MOVQ R13, DX

	// Ask for the C tile now so that it is in L1 when the sum is done:
	// a 64-byte row may straddle two lines, hence the second touch.
	MOVQ DX, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ R8, R9
	MOVQ R9, R13            // the next tile starts six rows down

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	// Four depth steps per iteration, then the remainder one at a time.
	MOVQ CX, R10
	SHRQ $2, R10
	JZ   tail

loop4:
	KSTEP(0)
	KSTEP(1)
	KSTEP(2)
	KSTEP(3)
	ADDQ $96, AX
	ADDQ $256, BX
	DECQ R10
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   scale

loop1:
	KSTEP(0)
	ADDQ $24, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop1

scale:
	VBROADCASTSS alpha+48(FP), Y12
	VMULPS Y12, Y0, Y0
	VMULPS Y12, Y1, Y1
	VMULPS Y12, Y2, Y2
	VMULPS Y12, Y3, Y3
	VMULPS Y12, Y4, Y4
	VMULPS Y12, Y5, Y5
	VMULPS Y12, Y6, Y6
	VMULPS Y12, Y7, Y7
	VMULPS Y12, Y8, Y8
	VMULPS Y12, Y9, Y9
	VMULPS Y12, Y10, Y10
	VMULPS Y12, Y11, Y11

	// beta == 0 overwrites C without reading it (a NaN in C must not
	// survive). An unordered compare (beta is NaN) takes the general path.
	VMOVSS    beta+52(FP), X13
	VXORPS    X14, X14, X14
	VUCOMISS  X14, X13
	JNE       general
	JPS       general

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y2, (DX)
	VMOVUPS Y3, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y6, (DX)
	VMOVUPS Y7, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y8, (DX)
	VMOVUPS Y9, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y10, (DX)
	VMOVUPS Y11, 32(DX)
	DECQ R11
	JNZ  tile
	VZEROUPPER
	RET

general:
	// C = alpha*A*B + beta*C, one fused multiply-add per 8 values.
	VBROADCASTSS beta+52(FP), Y13
	VFMADD231PS (DX), Y13, Y0
	VFMADD231PS 32(DX), Y13, Y1
	VMOVUPS     Y0, (DX)
	VMOVUPS     Y1, 32(DX)
	ADDQ        R8, DX
	VFMADD231PS (DX), Y13, Y2
	VFMADD231PS 32(DX), Y13, Y3
	VMOVUPS     Y2, (DX)
	VMOVUPS     Y3, 32(DX)
	ADDQ        R8, DX
	VFMADD231PS (DX), Y13, Y4
	VFMADD231PS 32(DX), Y13, Y5
	VMOVUPS     Y4, (DX)
	VMOVUPS     Y5, 32(DX)
	ADDQ        R8, DX
	VFMADD231PS (DX), Y13, Y6
	VFMADD231PS 32(DX), Y13, Y7
	VMOVUPS     Y6, (DX)
	VMOVUPS     Y7, 32(DX)
	ADDQ        R8, DX
	VFMADD231PS (DX), Y13, Y8
	VFMADD231PS 32(DX), Y13, Y9
	VMOVUPS     Y8, (DX)
	VMOVUPS     Y9, 32(DX)
	ADDQ        R8, DX
	VFMADD231PS (DX), Y13, Y10
	VFMADD231PS 32(DX), Y13, Y11
	VMOVUPS     Y10, (DX)
	VMOVUPS     Y11, 32(DX)
	DECQ R11
	JNZ  tile
	VZEROUPPER

done:
	RET
