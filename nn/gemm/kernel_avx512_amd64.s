// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

#include "textflag.h"

// The AVX-512 micro-kernel: two 6×16 tiles of a column at a time, the
// packed layout of kernel6x16 unchanged. A 16-value row of a tile fits one
// zmm register, so one tile is only six accumulators, too few chains to
// cover the FMA latency; two tiles, which share the B micro-panel, are
// twelve (a 4-cycle latency on two FMA pipes needs eight). Register use:
//
//	Z0..Z5    the first tile's rows, Z6..Z11 the second's
//	Z12       one row of the packed B micro-panel (16 values)
//	Z13       beta, when C is read
//	AX, SI    walk the packed A micro-panels of the two tiles (24 bytes a step)
//	BX        walks the packed B micro-panel (64 bytes a step)
//	DX, R8    the C rows and their stride in bytes
//	R11, R12  pairs left, start of the B micro-panel
//	R13       the next pair of tiles of C (twelve rows down)
//	DI        the bytes of one packed A micro-panel (24·depth)
//
// Every element of C gets the operations of kernel6x16 in the same order
// (a fused multiply-add per depth step from zero, then the product by
// alpha, then one fused multiply-add of beta·C), so the two kernels agree
// bit for bit and a product does not depend on which one the CPU runs.
// A's values reach the multiply-adds as embedded broadcasts ({1to16}
// memory operands), which cost no register.

// FMA6 adds the products of the B row in Z12 by the six A values of depth
// step i of the micro-panel at R to the rows z0…z5 of a tile.
#define FMA6(i, R, z0, z1, z2, z3, z4, z5) \
	VFMADD231PS.BCST (i*24)(R), Z12, z0; \
	VFMADD231PS.BCST (i*24+4)(R), Z12, z1; \
	VFMADD231PS.BCST (i*24+8)(R), Z12, z2; \
	VFMADD231PS.BCST (i*24+12)(R), Z12, z3; \
	VFMADD231PS.BCST (i*24+16)(R), Z12, z4; \
	VFMADD231PS.BCST (i*24+20)(R), Z12, z5

// KSTEP1 is one depth step i of an unrolled group for one tile, KSTEP2 for
// two.
#define KSTEP1(i) \
	VMOVUPS (i*64)(BX), Z12; \
	FMA6(i, AX, Z0, Z1, Z2, Z3, Z4, Z5)

#define KSTEP2(i) \
	KSTEP1(i); \
	FMA6(i, SI, Z6, Z7, Z8, Z9, Z10, Z11)

// ZERO6 clears six accumulators; SCALE6 multiplies six by Z12.
#define ZERO6(z0, z1, z2, z3, z4, z5) \
	VPXORD z0, z0, z0; VPXORD z1, z1, z1; VPXORD z2, z2, z2; \
	VPXORD z3, z3, z3; VPXORD z4, z4, z4; VPXORD z5, z5, z5

#define SCALE6(z0, z1, z2, z3, z4, z5) \
	VMULPS Z12, z0, z0; VMULPS Z12, z1, z1; VMULPS Z12, z2, z2; \
	VMULPS Z12, z3, z3; VMULPS Z12, z4, z4; VMULPS Z12, z5, z5

// PFROW asks for the C row at R9 and steps R9 to the next row: a 64-byte
// row may straddle two lines, hence the second touch.
#define PFROW \
	PREFETCHT0 (R9); \
	PREFETCHT0 63(R9); \
	ADDQ R8, R9

// STORE stores row r and steps DX to the next row.
#define STORE(r) \
	VMOVUPS r, (DX); \
	ADDQ R8, DX

// MERGE computes row r + beta·C into C and steps DX to the next row.
#define MERGE(r) \
	VFMADD231PS (DX), Z13, r; \
	VMOVUPS r, (DX); \
	ADDQ R8, DX

// func kernel12x16(pairs, depth int, a, b, c *float32, ldc int, alpha, beta float32)
//
// For t = 0..2·pairs−1: C_t = alpha·A_t·B + beta·C_t, with the operands of
// kernel6x16 (tiles = 2·pairs there).
TEXT ·kernel12x16(SB), NOSPLIT, $0-56
	MOVQ pairs+0(FP), R11
	MOVQ depth+8(FP), DI
	IMULQ $24, DI
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), R12
	MOVQ c+32(FP), R13
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	TESTQ R11, R11
	JZ   done

pair:
	MOVQ depth+8(FP), CX
	MOVQ R12, BX
	MOVQ R13, DX
	LEAQ (AX)(DI*1), SI

	// Ask for the twelve C rows now so that they are in L1 when the sum
	// is done.
	MOVQ DX, R9
	PFROW; PFROW; PFROW; PFROW; PFROW; PFROW
	PFROW; PFROW; PFROW; PFROW; PFROW; PFROW
	MOVQ R9, R13            // the next pair starts twelve rows down

	ZERO6(Z0, Z1, Z2, Z3, Z4, Z5)
	ZERO6(Z6, Z7, Z8, Z9, Z10, Z11)

	// Four depth steps per iteration, then the remainder one at a time.
	MOVQ CX, R10
	SHRQ $2, R10
	JZ   tail

loop4:
	KSTEP2(0)
	KSTEP2(1)
	KSTEP2(2)
	KSTEP2(3)
	ADDQ $96, AX
	ADDQ $96, SI
	ADDQ $256, BX
	DECQ R10
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   scale

loop1:
	KSTEP2(0)
	ADDQ $24, AX
	ADDQ $24, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop1

scale:
	MOVQ SI, AX             // the next pair's first A micro-panel
	VBROADCASTSS alpha+48(FP), Z12
	SCALE6(Z0, Z1, Z2, Z3, Z4, Z5)
	SCALE6(Z6, Z7, Z8, Z9, Z10, Z11)

	// beta == 0 overwrites C without reading it (a NaN in C must not
	// survive). An unordered compare (beta is NaN) takes the general path.
	VMOVSS    beta+52(FP), X13
	VXORPS    X14, X14, X14
	VUCOMISS  X14, X13
	JNE       general
	JPS       general

	STORE(Z0); STORE(Z1); STORE(Z2); STORE(Z3); STORE(Z4); STORE(Z5)
	STORE(Z6); STORE(Z7); STORE(Z8); STORE(Z9); STORE(Z10); STORE(Z11)
	DECQ R11
	JNZ  pair
	VZEROUPPER
	RET

general:
	VBROADCASTSS beta+52(FP), Z13
	MERGE(Z0); MERGE(Z1); MERGE(Z2); MERGE(Z3); MERGE(Z4); MERGE(Z5)
	MERGE(Z6); MERGE(Z7); MERGE(Z8); MERGE(Z9); MERGE(Z10); MERGE(Z11)
	DECQ R11
	JNZ  pair
	VZEROUPPER

done:
	RET

// func kernel6x16z(depth int, a, b, c *float32, ldc int, alpha, beta float32)
//
// One tile, C = alpha·A·B + beta·C, for a column's odd last tile and the
// macro-kernel's ragged tiles. Its six accumulators cover three quarters of
// the FMA latency of two pipes, still more multiply-adds a cycle than the
// twelve ymm chains of kernel6x16; the result is the same bit for bit.
TEXT ·kernel6x16z(SB), NOSPLIT, $0-48
	MOVQ depth+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	MOVQ DX, R9
	PFROW; PFROW; PFROW; PFROW; PFROW; PFROW

	ZERO6(Z0, Z1, Z2, Z3, Z4, Z5)

	MOVQ CX, R10
	SHRQ $2, R10
	JZ   tail1

loop41:
	KSTEP1(0)
	KSTEP1(1)
	KSTEP1(2)
	KSTEP1(3)
	ADDQ $96, AX
	ADDQ $256, BX
	DECQ R10
	JNZ  loop41

tail1:
	ANDQ $3, CX
	JZ   scale1

loop11:
	KSTEP1(0)
	ADDQ $24, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop11

scale1:
	VBROADCASTSS alpha+40(FP), Z12
	SCALE6(Z0, Z1, Z2, Z3, Z4, Z5)

	VMOVSS    beta+44(FP), X13
	VXORPS    X14, X14, X14
	VUCOMISS  X14, X13
	JNE       general1
	JPS       general1

	STORE(Z0); STORE(Z1); STORE(Z2); STORE(Z3); STORE(Z4); STORE(Z5)
	VZEROUPPER
	RET

general1:
	VBROADCASTSS beta+44(FP), Z13
	MERGE(Z0); MERGE(Z1); MERGE(Z2); MERGE(Z3); MERGE(Z4); MERGE(Z5)
	VZEROUPPER
	RET
