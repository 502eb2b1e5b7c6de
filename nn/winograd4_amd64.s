//go:build !noasm && amd64

#include "textflag.h"

// Winograd F(4×4, 3×3) transforms of one tile row, eight tiles per ymm; see
// cpu_winograd4.go for the matrices (Lavin and Gray, CVPR 2016), the layouts,
// and wg4InputRowGo and wg4OutputRowGo, which compute the same thing in Go
// with the same operations in the same order (no fused operations; every
// product is by a power of two), so the results are identical.

// Powers of two for the transforms: 2, 4, 8 as float32.
DATA wg4c<>+0(SB)/4, $0x40000000
DATA wg4c<>+4(SB)/4, $0x40800000
DATA wg4c<>+8(SB)/4, $0x41000000
GLOBL wg4c<>(SB), RODATA|NOPTR, $12

// NEXTM moves the six pointers SI, R10, R11, R12, AX, BX (rows of the
// phase buffer, or planes of M) one vector of eight tiles on.
#define NEXTM \
	ADDQ $32, SI; \
	ADDQ $32, R10; \
	ADDQ $32, R11; \
	ADDQ $32, R12; \
	ADDQ $32, AX; \
	ADDQ $32, BX

// The rows of Bᵀ (wg4B), d = row·x with t a temporary; Y14 = 2, Y15 = 4.
// An operand x may be a register or memory.
#define B0(x0, x2, x4, d, t) \
	VMOVUPS x0, d; VSUBPS x2, d, d; VMULPS Y15, d, d; \
	VMOVUPS x4, t; VSUBPS x2, t, t; VADDPS t, d, d

#define B1(x1, x2, x3, x4, d, t) \
	VMOVUPS x1, t; VADDPS x2, t, t; VMULPS Y15, t, t; \
	VMOVUPS x3, d; VADDPS x4, d, d; VSUBPS t, d, d

#define B2(x1, x2, x3, x4, d, t) \
	VMOVUPS x1, t; VSUBPS x2, t, t; VMULPS Y15, t, t; \
	VMOVUPS x4, d; VSUBPS x3, d, d; VADDPS t, d, d

#define B3(x1, x2, x3, x4, d, t) \
	VMOVUPS x3, t; VSUBPS x1, t, t; VMULPS Y14, t, t; \
	VMOVUPS x4, d; VSUBPS x2, d, d; VADDPS t, d, d

#define B4(x1, x2, x3, x4, d, t) \
	VMOVUPS x3, t; VSUBPS x1, t, t; VMULPS Y14, t, t; \
	VMOVUPS x4, d; VSUBPS x2, d, d; VSUBPS t, d, d

#define B5(x1, x3, x5, d, t) \
	VMOVUPS x1, d; VSUBPS x3, d, d; VMULPS Y15, d, d; \
	VMOVUPS x5, t; VSUBPS x3, t, t; VADDPS t, d, d

// STORE6 stores six vectors to the planes ξ … ξ+5 at R15 (R13 bytes apart;
// R14 = 3 planes, R8 = 5 planes), then moves R15 six planes on.
#define STORE6(y0, y1, y2, y3, y4, y5) \
	VMOVUPS y0, (R15); \
	VMOVUPS y1, (R15)(R13*1); \
	VMOVUPS y2, (R15)(R13*2); \
	VMOVUPS y3, (R15)(R14*1); \
	VMOVUPS y4, (R15)(R13*4); \
	VMOVUPS y5, (R15)(R8*1); \
	ADDQ    R14, R15; \
	ADDQ    R14, R15

// VROW transforms the row t_i = Y0…Y5 (V_i = t_i·B) and stores it to the
// six planes ξ = 6i … 6i+5 at R15, then moves R15 to ξ = 6i+6.
#define VROW \
	B0(Y0, Y2, Y4, Y7, Y13); \
	B1(Y1, Y2, Y3, Y4, Y8, Y13); \
	B2(Y1, Y2, Y3, Y4, Y9, Y13); \
	B3(Y1, Y2, Y3, Y4, Y10, Y13); \
	B4(Y1, Y2, Y3, Y4, Y11, Y13); \
	B5(Y1, Y3, Y5, Y12, Y13); \
	STORE6(Y7, Y8, Y9, Y10, Y11, Y12)

// func wg4InputAVX2(v *float32, vstride int, src *float32, rs, we, n int)
//
// Padded rows 0…5 are SI, R10, R11, R12, AX, BX; in each, the six columns
// of the eight tiles are the phases p0, p1, p2, p3 at 0, we, 2we, 3we and
// p0, p1 one tile on: (R), (R)(R9*1), (R)(R9*2), (R)(DX*1), 4(R),
// 4(R)(R9*1). Row i of t = Bᵀ·d goes to Y0…Y5 (one register a column),
// then VROW.
TEXT ·wg4InputAVX2(SB), NOSPLIT, $0-48
	MOVQ         v+0(FP), DI
	MOVQ         vstride+8(FP), R13
	SHLQ         $2, R13              // bytes between ξ planes
	LEAQ         (R13)(R13*2), R14    // 3 planes
	MOVQ         src+16(FP), SI       // padded row 0
	MOVQ         rs+24(FP), R8
	SHLQ         $2, R8               // bytes between padded rows
	MOVQ         we+32(FP), R9
	SHLQ         $2, R9               // bytes between phases
	LEAQ         (R9)(R9*2), DX       // 3 phases
	MOVQ         n+40(FP), CX
	SHRQ         $3, CX
	JZ           in4Done
	LEAQ         (SI)(R8*1), R10      // row 1
	LEAQ         (R10)(R8*1), R11     // row 2
	LEAQ         (R11)(R8*1), R12     // row 3
	LEAQ         (R12)(R8*1), AX      // row 4
	LEAQ         (AX)(R8*1), BX       // row 5
	LEAQ         (R13)(R13*4), R8     // 5 planes
	VBROADCASTSS wg4c<>+0(SB), Y14
	VBROADCASTSS wg4c<>+4(SB), Y15

in4Loop:
	MOVQ DI, R15

	// i = 0: t = 4(d0 − d2) + (d4 − d2)
	B0((SI), (R11), (AX), Y0, Y6)
	B0((SI)(R9*1), (R11)(R9*1), (AX)(R9*1), Y1, Y6)
	B0((SI)(R9*2), (R11)(R9*2), (AX)(R9*2), Y2, Y6)
	B0((SI)(DX*1), (R11)(DX*1), (AX)(DX*1), Y3, Y6)
	B0(4(SI), 4(R11), 4(AX), Y4, Y6)
	B0(4(SI)(R9*1), 4(R11)(R9*1), 4(AX)(R9*1), Y5, Y6)
	VROW

	// i = 1: t = (d3 + d4) − 4(d1 + d2)
	B1((R10), (R11), (R12), (AX), Y0, Y6)
	B1((R10)(R9*1), (R11)(R9*1), (R12)(R9*1), (AX)(R9*1), Y1, Y6)
	B1((R10)(R9*2), (R11)(R9*2), (R12)(R9*2), (AX)(R9*2), Y2, Y6)
	B1((R10)(DX*1), (R11)(DX*1), (R12)(DX*1), (AX)(DX*1), Y3, Y6)
	B1(4(R10), 4(R11), 4(R12), 4(AX), Y4, Y6)
	B1(4(R10)(R9*1), 4(R11)(R9*1), 4(R12)(R9*1), 4(AX)(R9*1), Y5, Y6)
	VROW

	// i = 2: t = (d4 − d3) + 4(d1 − d2)
	B2((R10), (R11), (R12), (AX), Y0, Y6)
	B2((R10)(R9*1), (R11)(R9*1), (R12)(R9*1), (AX)(R9*1), Y1, Y6)
	B2((R10)(R9*2), (R11)(R9*2), (R12)(R9*2), (AX)(R9*2), Y2, Y6)
	B2((R10)(DX*1), (R11)(DX*1), (R12)(DX*1), (AX)(DX*1), Y3, Y6)
	B2(4(R10), 4(R11), 4(R12), 4(AX), Y4, Y6)
	B2(4(R10)(R9*1), 4(R11)(R9*1), 4(R12)(R9*1), 4(AX)(R9*1), Y5, Y6)
	VROW

	// i = 3: t = (d4 − d2) + 2(d3 − d1)
	B3((R10), (R11), (R12), (AX), Y0, Y6)
	B3((R10)(R9*1), (R11)(R9*1), (R12)(R9*1), (AX)(R9*1), Y1, Y6)
	B3((R10)(R9*2), (R11)(R9*2), (R12)(R9*2), (AX)(R9*2), Y2, Y6)
	B3((R10)(DX*1), (R11)(DX*1), (R12)(DX*1), (AX)(DX*1), Y3, Y6)
	B3(4(R10), 4(R11), 4(R12), 4(AX), Y4, Y6)
	B3(4(R10)(R9*1), 4(R11)(R9*1), 4(R12)(R9*1), 4(AX)(R9*1), Y5, Y6)
	VROW

	// i = 4: t = (d4 − d2) − 2(d3 − d1)
	B4((R10), (R11), (R12), (AX), Y0, Y6)
	B4((R10)(R9*1), (R11)(R9*1), (R12)(R9*1), (AX)(R9*1), Y1, Y6)
	B4((R10)(R9*2), (R11)(R9*2), (R12)(R9*2), (AX)(R9*2), Y2, Y6)
	B4((R10)(DX*1), (R11)(DX*1), (R12)(DX*1), (AX)(DX*1), Y3, Y6)
	B4(4(R10), 4(R11), 4(R12), 4(AX), Y4, Y6)
	B4(4(R10)(R9*1), 4(R11)(R9*1), 4(R12)(R9*1), 4(AX)(R9*1), Y5, Y6)
	VROW

	// i = 5: t = 4(d1 − d3) + (d5 − d3)
	B5((R10), (R12), (BX), Y0, Y6)
	B5((R10)(R9*1), (R12)(R9*1), (BX)(R9*1), Y1, Y6)
	B5((R10)(R9*2), (R12)(R9*2), (BX)(R9*2), Y2, Y6)
	B5((R10)(DX*1), (R12)(DX*1), (BX)(DX*1), Y3, Y6)
	B5(4(R10), 4(R12), 4(BX), Y4, Y6)
	B5(4(R10)(R9*1), 4(R12)(R9*1), 4(BX)(R9*1), Y5, Y6)
	VROW

	NEXTM
	ADDQ $32, DI
	DECQ CX
	JNZ  in4Loop

in4Done:
	VZEROUPPER
	RET

// The rows of Aᵀ (wg4A), d = row·x with t a temporary; Y12 = 2, Y13 = 4,
// Y14 = 8.
#define A0(x0, x1, x2, x3, x4, d, t) \
	VMOVUPS x1, d; VADDPS x2, d, d; VADDPS x0, d, d; \
	VMOVUPS x3, t; VADDPS x4, t, t; VADDPS t, d, d

#define A1(x1, x2, x3, x4, d, t) \
	VMOVUPS x3, t; VSUBPS x4, t, t; VMULPS Y12, t, t; \
	VMOVUPS x1, d; VSUBPS x2, d, d; VADDPS t, d, d

#define A2(x1, x2, x3, x4, d, t) \
	VMOVUPS x3, t; VADDPS x4, t, t; VMULPS Y13, t, t; \
	VMOVUPS x1, d; VADDPS x2, d, d; VADDPS t, d, d

#define A3(x1, x2, x3, x4, x5, d, t) \
	VMOVUPS x3, t; VSUBPS x4, t, t; VMULPS Y14, t, t; \
	VMOVUPS x1, d; VSUBPS x2, d, d; VADDPS t, d, d; VADDPS x5, d, d

// YCOMP transforms the row a_r = Y0…Y5 (Y_r = a_r·A), adds the bias Y15,
// and leaves the four outputs of each of the eight tiles interleaved (tile
// 0's four columns, then tile 1's, …) in Y0 (tiles 0 and 1), Y1, Y2, Y3.
#define YCOMP \
	A0(Y0, Y1, Y2, Y3, Y4, Y8, Y7); \
	A1(Y1, Y2, Y3, Y4, Y9, Y7); \
	A2(Y1, Y2, Y3, Y4, Y10, Y7); \
	A3(Y1, Y2, Y3, Y4, Y5, Y11, Y7); \
	VADDPS     Y15, Y8, Y8; \
	VADDPS     Y15, Y9, Y9; \
	VADDPS     Y15, Y10, Y10; \
	VADDPS     Y15, Y11, Y11; \
	VUNPCKLPS  Y9, Y8, Y0; \
	VUNPCKHPS  Y9, Y8, Y1; \
	VUNPCKLPS  Y11, Y10, Y2; \
	VUNPCKHPS  Y11, Y10, Y3; \
	VUNPCKLPD  Y2, Y0, Y4; \
	VUNPCKHPD  Y2, Y0, Y5; \
	VUNPCKLPD  Y3, Y1, Y6; \
	VUNPCKHPD  Y3, Y1, Y7; \
	VPERM2F128 $0x20, Y5, Y4, Y0; \
	VPERM2F128 $0x20, Y7, Y6, Y1; \
	VPERM2F128 $0x31, Y5, Y4, Y2; \
	VPERM2F128 $0x31, Y7, Y6, Y3

// YROW is YCOMP storing the 32 floats to o0, o1, o2, o3 (each 32 bytes on
// from the last).
#define YROW(o0, o1, o2, o3) \
	YCOMP; \
	VMOVUPS Y0, o0; \
	VMOVUPS Y1, o1; \
	VMOVUPS Y2, o2; \
	VMOVUPS Y3, o3

// YROW7 is YCOMP storing the first seven tiles' 28 floats to o0, o1, o2
// (eight each) and o3 (four); YROW7R adds the same floats of r0 … r3 first.
#define YROW7(o0, o1, o2, o3) \
	YCOMP; \
	VMOVUPS Y0, o0; \
	VMOVUPS Y1, o1; \
	VMOVUPS Y2, o2; \
	VMOVUPS X3, o3

#define YROW7R(o0, o1, o2, o3, r0, r1, r2, r3) \
	YCOMP; \
	VADDPS  r0, Y0, Y0; \
	VADDPS  r1, Y1, Y1; \
	VADDPS  r2, Y2, Y2; \
	VADDPS  r3, X3, X3; \
	VMOVUPS Y0, o0; \
	VMOVUPS Y1, o1; \
	VMOVUPS Y2, o2; \
	VMOVUPS X3, o3

// The four rows of a = Aᵀ·M for the registers of wg4OutputAVX2.
// AROW0 is row 0 of a = Aᵀ·M, a = (m0 + (m1 + m2)) + (m3 + m4), to Y0…Y5.
#define AROW0 \
	A0((SI), (R10), (R11), (R12), (AX), Y0, Y6); \
	A0((SI)(R13*1), (R10)(R13*1), (R11)(R13*1), (R12)(R13*1), (AX)(R13*1), Y1, Y6); \
	A0((SI)(R13*2), (R10)(R13*2), (R11)(R13*2), (R12)(R13*2), (AX)(R13*2), Y2, Y6); \
	A0((SI)(R14*1), (R10)(R14*1), (R11)(R14*1), (R12)(R14*1), (AX)(R14*1), Y3, Y6); \
	A0((SI)(R13*4), (R10)(R13*4), (R11)(R13*4), (R12)(R13*4), (AX)(R13*4), Y4, Y6); \
	A0((SI)(R15*1), (R10)(R15*1), (R11)(R15*1), (R12)(R15*1), (AX)(R15*1), Y5, Y6)

// AROW1 is row 1 of a = Aᵀ·M, a = (m1 − m2) + 2(m3 − m4), to Y0…Y5.
#define AROW1 \
	A1((R10), (R11), (R12), (AX), Y0, Y6); \
	A1((R10)(R13*1), (R11)(R13*1), (R12)(R13*1), (AX)(R13*1), Y1, Y6); \
	A1((R10)(R13*2), (R11)(R13*2), (R12)(R13*2), (AX)(R13*2), Y2, Y6); \
	A1((R10)(R14*1), (R11)(R14*1), (R12)(R14*1), (AX)(R14*1), Y3, Y6); \
	A1((R10)(R13*4), (R11)(R13*4), (R12)(R13*4), (AX)(R13*4), Y4, Y6); \
	A1((R10)(R15*1), (R11)(R15*1), (R12)(R15*1), (AX)(R15*1), Y5, Y6)

// AROW2 is row 2 of a = Aᵀ·M, a = (m1 + m2) + 4(m3 + m4), to Y0…Y5.
#define AROW2 \
	A2((R10), (R11), (R12), (AX), Y0, Y6); \
	A2((R10)(R13*1), (R11)(R13*1), (R12)(R13*1), (AX)(R13*1), Y1, Y6); \
	A2((R10)(R13*2), (R11)(R13*2), (R12)(R13*2), (AX)(R13*2), Y2, Y6); \
	A2((R10)(R14*1), (R11)(R14*1), (R12)(R14*1), (AX)(R14*1), Y3, Y6); \
	A2((R10)(R13*4), (R11)(R13*4), (R12)(R13*4), (AX)(R13*4), Y4, Y6); \
	A2((R10)(R15*1), (R11)(R15*1), (R12)(R15*1), (AX)(R15*1), Y5, Y6)

// AROW3 is row 3 of a = Aᵀ·M, a = ((m1 − m2) + 8(m3 − m4)) + m5, to Y0…Y5.
#define AROW3 \
	A3((R10), (R11), (R12), (AX), (BX), Y0, Y6); \
	A3((R10)(R13*1), (R11)(R13*1), (R12)(R13*1), (AX)(R13*1), (BX)(R13*1), Y1, Y6); \
	A3((R10)(R13*2), (R11)(R13*2), (R12)(R13*2), (AX)(R13*2), (BX)(R13*2), Y2, Y6); \
	A3((R10)(R14*1), (R11)(R14*1), (R12)(R14*1), (AX)(R14*1), (BX)(R14*1), Y3, Y6); \
	A3((R10)(R13*4), (R11)(R13*4), (R12)(R13*4), (AX)(R13*4), (BX)(R13*4), Y4, Y6); \
	A3((R10)(R15*1), (R11)(R15*1), (R12)(R15*1), (AX)(R15*1), (BX)(R15*1), Y5, Y6)

// OUTPLANES points R10 … BX at the planes ξ = 6, 12, …, 30 of M and sets
// the constants Y12 = 2, Y13 = 4, Y14 = 8.
#define OUTPLANES \
	LEAQ         (SI)(R14*2), R10; \
	LEAQ         (R10)(R14*2), R11; \
	LEAQ         (R11)(R14*2), R12; \
	LEAQ         (R12)(R14*2), AX; \
	LEAQ         (AX)(R14*2), BX; \
	VBROADCASTSS wg4c<>+0(SB), Y12; \
	VBROADCASTSS wg4c<>+4(SB), Y13; \
	VBROADCASTSS wg4c<>+8(SB), Y14

// func wg4OutputAVX2(out *float32, ow int, m *float32, mstride int, bias float32, n int)
//
// The rows i = 0…5 of M are SI, R10, R11, R12, AX, BX (planes ξ = 6i); in
// each, column k is at k·mstride: (R), (R)(R13*1), (R)(R13*2), (R)(R14*1),
// (R)(R13*4), (R)(R15*1). Row r of a = Aᵀ·M goes to Y0…Y5, then YROW writes
// output row r.
TEXT ·wg4OutputAVX2(SB), NOSPLIT, $0-48

// OUTARGS loads the arguments the output transforms share, out, ow, m,
// mstride and bias, at the same offsets in both (defined here, inside
// wg4OutputAVX2, for vet's check of the argument names).
#define OUTARGS \
	MOVQ         out+0(FP), DI; \
	MOVQ         ow+8(FP), R8; \
	SHLQ         $2, R8; \
	LEAQ         (R8)(R8*2), R9; \
	MOVQ         m+16(FP), SI; \
	MOVQ         mstride+24(FP), R13; \
	SHLQ         $2, R13; \
	LEAQ         (R13)(R13*2), R14; \
	LEAQ         (R13)(R13*4), R15; \
	VBROADCASTSS bias+32(FP), Y15

	OUTARGS
	MOVQ         n+40(FP), CX
	SHRQ         $3, CX
	JZ           out4Done
	OUTPLANES

out4Loop:
	// r = 0: a = (m0 + (m1 + m2)) + (m3 + m4)
	AROW0
	YROW((DI), 32(DI), 64(DI), 96(DI))

	// r = 1: a = (m1 − m2) + 2(m3 − m4)
	AROW1
	YROW((DI)(R8*1), 32(DI)(R8*1), 64(DI)(R8*1), 96(DI)(R8*1))

	// r = 2: a = (m1 + m2) + 4(m3 + m4)
	AROW2
	YROW((DI)(R8*2), 32(DI)(R8*2), 64(DI)(R8*2), 96(DI)(R8*2))

	// r = 3: a = ((m1 − m2) + 8(m3 − m4)) + m5
	AROW3
	YROW((DI)(R9*1), 32(DI)(R9*1), 64(DI)(R9*1), 96(DI)(R9*1))

	NEXTM
	ADDQ $128, DI
	DECQ CX
	JNZ  out4Loop

out4Done:
	VZEROUPPER
	RET

// func wg4SplitAVX(dst *float32, rs, we int, x *float32, W, H int)
//
// The phase split of winograd4Input for one plane: row r of x (W values)
// goes to the phase-buffer row at dst + r·rs, its columns 4q, 4q+1, 4q+2,
// 4q+3 to p1[q], p2[q], p3[q], p0[q+1] with phase j at j·we. Four quads
// at a time are one 4×4 transpose (the last group of a row overlaps the
// one before when the quads are not a multiple of four: it rewrites the
// same values); rows of fewer than four quads go a quad at a time, and the
// W mod 4 columns past the quads one by one.
TEXT ·wg4SplitAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ rs+8(FP), R8
	SHLQ $2, R8            // bytes between phase-buffer rows
	MOVQ we+16(FP), R9
	SHLQ $2, R9            // bytes between phases
	MOVQ x+24(FP), SI
	MOVQ W+32(FP), R10
	MOVQ H+40(FP), R11
	MOVQ R10, R12
	SHRQ $2, R12           // quads per row
	MOVQ R10, R13
	ANDQ $3, R13           // columns past the quads
	SHLQ $2, R10           // bytes per row of x
	TESTQ R11, R11
	JZ   splitDone

splitRow:
	LEAQ (DI)(R9*1), AX    // p1
	LEAQ (AX)(R9*1), BX    // p2
	LEAQ (BX)(R9*1), CX    // p3
	LEAQ 4(DI), DX         // p0, one on
	XORQ R14, R14          // quad index
	CMPQ R12, $4
	JLT  splitQuad

splitBlock:
	MOVQ R12, R15
	SUBQ $4, R15           // the last group starts at quads − 4
	CMPQ R14, R15
	JLE  splitBlockAt
	MOVQ R15, R14

splitBlockAt:
	MOVQ      R14, R15
	SHLQ      $4, R15
	VMOVUPS   (SI)(R15*1), X0
	VMOVUPS   16(SI)(R15*1), X1
	VMOVUPS   32(SI)(R15*1), X2
	VMOVUPS   48(SI)(R15*1), X3
	VUNPCKLPS X1, X0, X4     // a0 b0 a1 b1
	VUNPCKHPS X1, X0, X5     // a2 b2 a3 b3
	VUNPCKLPS X3, X2, X6     // c0 d0 c1 d1
	VUNPCKHPS X3, X2, X7     // c2 d2 c3 d3
	VUNPCKLPD X6, X4, X0     // a0 b0 c0 d0
	VUNPCKHPD X6, X4, X1     // a1 b1 c1 d1
	VUNPCKLPD X7, X5, X2     // a2 b2 c2 d2
	VUNPCKHPD X7, X5, X3     // a3 b3 c3 d3
	MOVQ      R14, R15
	SHLQ      $2, R15
	VMOVUPS   X0, (AX)(R15*1)
	VMOVUPS   X1, (BX)(R15*1)
	VMOVUPS   X2, (CX)(R15*1)
	VMOVUPS   X3, (DX)(R15*1)
	ADDQ      $4, R14
	CMPQ      R14, R12
	JLT       splitBlock
	JMP       splitTail

splitQuad:
	CMPQ       R14, R12
	JGE        splitTail
	MOVQ       R14, R15
	SHLQ       $4, R15
	VMOVUPS    (SI)(R15*1), X0
	MOVQ       R14, R15
	SHLQ       $2, R15
	VMOVSS     X0, (AX)(R15*1)
	VEXTRACTPS $1, X0, (BX)(R15*1)
	VEXTRACTPS $2, X0, (CX)(R15*1)
	VEXTRACTPS $3, X0, (DX)(R15*1)
	INCQ       R14
	JMP        splitQuad

splitTail:
	TESTQ  R13, R13
	JZ     splitNext
	MOVQ   R12, R15
	SHLQ   $4, R15           // byte offset of column 4·quads in x
	MOVQ   R12, R14
	SHLQ   $2, R14           // byte offset of index quads in a phase
	VMOVSS (SI)(R15*1), X0
	VMOVSS X0, (AX)(R14*1)
	CMPQ   R13, $1
	JEQ    splitNext
	VMOVSS 4(SI)(R15*1), X0
	VMOVSS X0, (BX)(R14*1)
	CMPQ   R13, $2
	JEQ    splitNext
	VMOVSS 8(SI)(R15*1), X0
	VMOVSS X0, (CX)(R14*1)

splitNext:
	ADDQ R10, SI
	ADDQ R8, DI
	DECQ R11
	JNZ  splitRow

splitDone:
	RET

// func wg4CopyRowsAVX(dst *float32, x *float32, xs, W, H int)
//
// Copies H rows of W values, the rows of x xs values apart, to the H·W
// values at dst: eight values a move, then four, then one.
TEXT ·wg4CopyRowsAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xs+16(FP), R8
	SHLQ $2, R8              // bytes between rows of x
	MOVQ W+24(FP), R9
	MOVQ H+32(FP), R11
	TESTQ R11, R11
	JZ   copyDone

copyRow:
	MOVQ SI, AX
	MOVQ R9, CX

copy8:
	CMPQ    CX, $8
	JLT     copy4
	VMOVUPS (AX), Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, AX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     copy8

copy4:
	CMPQ    CX, $4
	JLT     copy1
	VMOVUPS (AX), X0
	VMOVUPS X0, (DI)
	ADDQ    $16, AX
	ADDQ    $16, DI
	SUBQ    $4, CX

copy1:
	TESTQ  CX, CX
	JZ     copyNext
	VMOVSS (AX), X0
	VMOVSS X0, (DI)
	ADDQ   $4, AX
	ADDQ   $4, DI
	DECQ   CX
	JMP    copy1

copyNext:
	ADDQ R8, SI
	DECQ R11
	JNZ  copyRow

copyDone:
	VZEROUPPER
	RET

// func wg4CopyAddRowsAVX(dst, x *float32, xs int, r *float32, W, H int)
//
// wg4CopyRowsAVX that adds r: dst[i·W + j] = x[i·xs + j] + r[i·W + j].
TEXT ·wg4CopyAddRowsAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xs+16(FP), R8
	SHLQ $2, R8              // bytes between rows of x
	MOVQ r+24(FP), DX
	MOVQ W+32(FP), R9
	MOVQ H+40(FP), R11
	TESTQ R11, R11
	JZ   caddDone

caddRow:
	MOVQ SI, AX
	MOVQ R9, CX

cadd8:
	CMPQ    CX, $8
	JLT     cadd4
	VMOVUPS (AX), Y0
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, AX
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     cadd8

cadd4:
	CMPQ    CX, $4
	JLT     cadd1
	VMOVUPS (AX), X0
	VADDPS  (DX), X0, X0
	VMOVUPS X0, (DI)
	ADDQ    $16, AX
	ADDQ    $16, DX
	ADDQ    $16, DI
	SUBQ    $4, CX

cadd1:
	TESTQ  CX, CX
	JZ     caddNext
	VMOVSS (AX), X0
	VADDSS (DX), X0, X0
	VMOVSS X0, (DI)
	ADDQ   $4, AX
	ADDQ   $4, DX
	ADDQ   $4, DI
	DECQ   CX
	JMP    cadd1

caddNext:
	ADDQ R8, SI
	DECQ R11
	JNZ  caddRow

caddDone:
	VZEROUPPER
	RET

// The order in which wg4SplitBlock8AVX2's transposes leave the eight quads
// of a row: q0 q2 q4 q6 in the low lane, q1 q3 q5 q7 in the high one.
DATA wg4perm<>+0(SB)/4, $0
DATA wg4perm<>+4(SB)/4, $4
DATA wg4perm<>+8(SB)/4, $1
DATA wg4perm<>+12(SB)/4, $5
DATA wg4perm<>+16(SB)/4, $2
DATA wg4perm<>+20(SB)/4, $6
DATA wg4perm<>+24(SB)/4, $3
DATA wg4perm<>+28(SB)/4, $7
GLOBL wg4perm<>(SB), RODATA|NOPTR, $32

// func wg4SplitBlock8AVX2(dst *float32, rs, we int, x *float32, W, H int, mask *int32)
//
// The phase split of rows of at most 32 values as one block of eight quads:
// the row is read as four vectors of eight under the masks mask[0:8] …
// mask[24:32] (lanes past W read as zero, and nothing past the row is
// touched), each 128-bit lane transposed as a 4×4 block, the quads put
// back in order with one permutation per phase, and each phase stored as
// one vector: p1[0:8], p2[0:8], p3[0:8], p0[1:9]. The quads past W store
// zeros.
TEXT ·wg4SplitBlock8AVX2(SB), NOSPLIT, $0-56
	MOVQ    dst+0(FP), DI
	MOVQ    rs+8(FP), R8
	SHLQ    $2, R8             // bytes between phase-buffer rows
	MOVQ    we+16(FP), R9
	SHLQ    $2, R9             // bytes between phases
	MOVQ    x+24(FP), SI
	MOVQ    W+32(FP), R10
	SHLQ    $2, R10            // bytes per row of x
	MOVQ    H+40(FP), R11
	MOVQ    mask+48(FP), AX
	TESTQ   R11, R11
	JZ      block8Done
	VMOVDQU (AX), Y9
	VMOVDQU 32(AX), Y10
	VMOVDQU 64(AX), Y11
	VMOVDQU 96(AX), Y12
	VMOVDQU wg4perm<>(SB), Y8
	LEAQ    (R9)(R9*2), R12    // 3 phases

block8Row:
	VMASKMOVPS (SI), Y9, Y0
	VMASKMOVPS 32(SI), Y10, Y1
	VMASKMOVPS 64(SI), Y11, Y2
	VMASKMOVPS 96(SI), Y12, Y3
	VUNPCKLPS  Y1, Y0, Y4      // per lane a0 b0 a1 b1
	VUNPCKHPS  Y1, Y0, Y5      // a2 b2 a3 b3
	VUNPCKLPS  Y3, Y2, Y6      // c0 d0 c1 d1
	VUNPCKHPS  Y3, Y2, Y7      // c2 d2 c3 d3
	VUNPCKLPD  Y6, Y4, Y0      // a0 b0 c0 d0
	VUNPCKHPD  Y6, Y4, Y1      // a1 b1 c1 d1
	VUNPCKLPD  Y7, Y5, Y2      // a2 b2 c2 d2
	VUNPCKHPD  Y7, Y5, Y3      // a3 b3 c3 d3
	VPERMPS    Y0, Y8, Y0
	VPERMPS    Y1, Y8, Y1
	VPERMPS    Y2, Y8, Y2
	VPERMPS    Y3, Y8, Y3
	VMOVUPS    Y0, (DI)(R9*1)  // p1
	VMOVUPS    Y1, (DI)(R9*2)  // p2
	VMOVUPS    Y2, (DI)(R12*1) // p3
	VMOVUPS    Y3, 4(DI)       // p0, one on
	ADDQ       R10, SI
	ADDQ       R8, DI
	DECQ       R11
	JNZ        block8Row
	VZEROUPPER

block8Done:
	RET

// func wg4SplitBlock4AVX(dst *float32, rs, we int, x *float32, W, H int, mask *int32)
//
// wg4SplitBlock8AVX2 for rows of at most 16 values: one block of four
// quads, read as four vectors of four under mask[0:4] … mask[12:16], one
// 4×4 transpose, stored as p1[0:4], p2[0:4], p3[0:4], p0[1:5].
TEXT ·wg4SplitBlock4AVX(SB), NOSPLIT, $0-56
	MOVQ    dst+0(FP), DI
	MOVQ    rs+8(FP), R8
	SHLQ    $2, R8
	MOVQ    we+16(FP), R9
	SHLQ    $2, R9
	MOVQ    x+24(FP), SI
	MOVQ    W+32(FP), R10
	SHLQ    $2, R10
	MOVQ    H+40(FP), R11
	MOVQ    mask+48(FP), AX
	TESTQ   R11, R11
	JZ      block4Done
	VMOVDQU (AX), X9
	VMOVDQU 16(AX), X10
	VMOVDQU 32(AX), X11
	VMOVDQU 48(AX), X12
	LEAQ    (R9)(R9*2), R12

block4Row:
	VMASKMOVPS (SI), X9, X0
	VMASKMOVPS 16(SI), X10, X1
	VMASKMOVPS 32(SI), X11, X2
	VMASKMOVPS 48(SI), X12, X3
	VUNPCKLPS  X1, X0, X4
	VUNPCKHPS  X1, X0, X5
	VUNPCKLPS  X3, X2, X6
	VUNPCKHPS  X3, X2, X7
	VUNPCKLPD  X6, X4, X0
	VUNPCKHPD  X6, X4, X1
	VUNPCKLPD  X7, X5, X2
	VUNPCKHPD  X7, X5, X3
	VMOVUPS    X0, (DI)(R9*1)
	VMOVUPS    X1, (DI)(R9*2)
	VMOVUPS    X2, (DI)(R12*1)
	VMOVUPS    X3, 4(DI)
	ADDQ       R10, SI
	ADDQ       R8, DI
	DECQ       R11
	JNZ        block4Row

block4Done:
	RET

// func wg4Output7AVX2(out *float32, ow int, m *float32, mstride int, bias float32, res *float32, n int)
//
// The output transform of n tile rows of seven tiles of 28-column planes
// (one vector of eight tiles each, the eighth not stored), written straight
// to the plane: tile row i's four output rows at out + (4i + r)·ow, the
// bias added, and res's values at the same offsets added when res is not
// nil. Tile row i reads M's columns 8i … 8i+7 in wg4OutputAVX2's registers.
TEXT ·wg4Output7AVX2(SB), NOSPLIT, $0-56
	OUTARGS
	MOVQ         res+40(FP), DX
	MOVQ         n+48(FP), CX
	TESTQ        CX, CX
	JZ           out7Done
	OUTPLANES
	TESTQ        DX, DX
	JNZ          out7ResLoop

out7Loop:
	AROW0
	YROW7((DI), 32(DI), 64(DI), 96(DI))
	AROW1
	YROW7((DI)(R8*1), 32(DI)(R8*1), 64(DI)(R8*1), 96(DI)(R8*1))
	AROW2
	YROW7((DI)(R8*2), 32(DI)(R8*2), 64(DI)(R8*2), 96(DI)(R8*2))
	AROW3
	YROW7((DI)(R9*1), 32(DI)(R9*1), 64(DI)(R9*1), 96(DI)(R9*1))
	NEXTM
	LEAQ (DI)(R8*4), DI
	DECQ CX
	JNZ  out7Loop
	JMP  out7End

out7ResLoop:
	AROW0
	YROW7R((DI), 32(DI), 64(DI), 96(DI), (DX), 32(DX), 64(DX), 96(DX))
	AROW1
	YROW7R((DI)(R8*1), 32(DI)(R8*1), 64(DI)(R8*1), 96(DI)(R8*1), (DX)(R8*1), 32(DX)(R8*1), 64(DX)(R8*1), 96(DX)(R8*1))
	AROW2
	YROW7R((DI)(R8*2), 32(DI)(R8*2), 64(DI)(R8*2), 96(DI)(R8*2), (DX)(R8*2), 32(DX)(R8*2), 64(DX)(R8*2), 96(DX)(R8*2))
	AROW3
	YROW7R((DI)(R9*1), 32(DI)(R9*1), 64(DI)(R9*1), 96(DI)(R9*1), (DX)(R9*1), 32(DX)(R9*1), 64(DX)(R9*1), 96(DX)(R9*1))
	NEXTM
	LEAQ (DI)(R8*4), DI
	LEAQ (DX)(R8*4), DX
	DECQ CX
	JNZ  out7ResLoop

out7End:
	VZEROUPPER

out7Done:
	RET

// The rows of A (wg4AT) over the four rows of an output-gradient tile
// column, m0 … m3 in memory, d = row·m with t a temporary; Y14 = 2, Y15 = 4.
#define G0(m0, d) \
	VMOVUPS m0, d

#define G1(m0, m1, m2, m3, d, t) \
	VMOVUPS m0, d; VADDPS m2, d, d; \
	VMOVUPS m1, t; VADDPS m3, t, t; VADDPS t, d, d

#define G2(m0, m1, m2, m3, d, t) \
	VMOVUPS m0, d; VADDPS m2, d, d; \
	VMOVUPS m1, t; VADDPS m3, t, t; VSUBPS t, d, d

#define G3(m0, m1, m2, m3, d, t) \
	VMOVUPS m2, d; VMULPS Y15, d, d; VADDPS m0, d, d; \
	VMOVUPS m3, t; VMULPS Y15, t, t; VADDPS m1, t, t; VMULPS Y14, t, t; \
	VADDPS t, d, d

#define G4(m0, m1, m2, m3, d, t) \
	VMOVUPS m2, d; VMULPS Y15, d, d; VADDPS m0, d, d; \
	VMOVUPS m3, t; VMULPS Y15, t, t; VADDPS m1, t, t; VMULPS Y14, t, t; \
	VSUBPS t, d, d

#define G5(m3, d) \
	VMOVUPS m3, d

// MROW applies A to the row t_i = Y0…Y3 of A·dY (M_i = t_i·Aᵀ) and stores
// it to the six planes ξ = 6i … 6i+5 at R15, then moves R15 to ξ = 6i+6.
#define MROW \
	VADDPS  Y2, Y0, Y4; \
	VADDPS  Y3, Y1, Y5; \
	VADDPS  Y5, Y4, Y6; \
	VSUBPS  Y5, Y4, Y7; \
	VMULPS  Y15, Y2, Y4; \
	VADDPS  Y0, Y4, Y4; \
	VMULPS  Y15, Y3, Y5; \
	VADDPS  Y1, Y5, Y5; \
	VMULPS  Y14, Y5, Y5; \
	VADDPS  Y5, Y4, Y8; \
	VSUBPS  Y5, Y4, Y9; \
	STORE6(Y0, Y6, Y7, Y8, Y9, Y3)

// func wg4GradOutAVX2(m *float32, mstride int, src *float32, rs, we, n int)
//
// M = A·dY·Aᵀ for eight output-gradient tiles a vector (wg4GradOutRowGo).
// The tiles' rows 0…3 are SI, R10, R11, R12; in each, column c of the
// eight tiles is p1, p2, p3 at we, 2we, 3we and p0 one tile on:
// (R)(R9*1), (R)(R9*2), (R)(DX*1), 4(R). Row i of t = A·dY goes to Y0…Y3
// (one register a column), then MROW.
TEXT ·wg4GradOutAVX2(SB), NOSPLIT, $0-48
	MOVQ         m+0(FP), DI
	MOVQ         mstride+8(FP), R13
	SHLQ         $2, R13              // bytes between ξ planes
	LEAQ         (R13)(R13*2), R14    // 3 planes
	LEAQ         (R13)(R13*4), R8     // 5 planes
	MOVQ         src+16(FP), SI       // row 0
	MOVQ         rs+24(FP), AX
	SHLQ         $2, AX               // bytes between rows
	MOVQ         we+32(FP), R9
	SHLQ         $2, R9               // bytes between phases
	LEAQ         (R9)(R9*2), DX       // 3 phases
	MOVQ         n+40(FP), CX
	SHRQ         $3, CX
	JZ           gradDone
	LEAQ         (SI)(AX*1), R10      // row 1
	LEAQ         (R10)(AX*1), R11     // row 2
	LEAQ         (R11)(AX*1), R12     // row 3
	VBROADCASTSS wg4c<>+0(SB), Y14
	VBROADCASTSS wg4c<>+4(SB), Y15

gradLoop:
	MOVQ DI, R15

	// i = 0: t = d0
	G0((SI)(R9*1), Y0)
	G0((SI)(R9*2), Y1)
	G0((SI)(DX*1), Y2)
	G0(4(SI), Y3)
	MROW

	// i = 1: t = (d0 + d2) + (d1 + d3)
	G1((SI)(R9*1), (R10)(R9*1), (R11)(R9*1), (R12)(R9*1), Y0, Y10)
	G1((SI)(R9*2), (R10)(R9*2), (R11)(R9*2), (R12)(R9*2), Y1, Y10)
	G1((SI)(DX*1), (R10)(DX*1), (R11)(DX*1), (R12)(DX*1), Y2, Y10)
	G1(4(SI), 4(R10), 4(R11), 4(R12), Y3, Y10)
	MROW

	// i = 2: t = (d0 + d2) − (d1 + d3)
	G2((SI)(R9*1), (R10)(R9*1), (R11)(R9*1), (R12)(R9*1), Y0, Y10)
	G2((SI)(R9*2), (R10)(R9*2), (R11)(R9*2), (R12)(R9*2), Y1, Y10)
	G2((SI)(DX*1), (R10)(DX*1), (R11)(DX*1), (R12)(DX*1), Y2, Y10)
	G2(4(SI), 4(R10), 4(R11), 4(R12), Y3, Y10)
	MROW

	// i = 3: t = (d0 + 4d2) + 2(d1 + 4d3)
	G3((SI)(R9*1), (R10)(R9*1), (R11)(R9*1), (R12)(R9*1), Y0, Y10)
	G3((SI)(R9*2), (R10)(R9*2), (R11)(R9*2), (R12)(R9*2), Y1, Y10)
	G3((SI)(DX*1), (R10)(DX*1), (R11)(DX*1), (R12)(DX*1), Y2, Y10)
	G3(4(SI), 4(R10), 4(R11), 4(R12), Y3, Y10)
	MROW

	// i = 4: t = (d0 + 4d2) − 2(d1 + 4d3)
	G4((SI)(R9*1), (R10)(R9*1), (R11)(R9*1), (R12)(R9*1), Y0, Y10)
	G4((SI)(R9*2), (R10)(R9*2), (R11)(R9*2), (R12)(R9*2), Y1, Y10)
	G4((SI)(DX*1), (R10)(DX*1), (R11)(DX*1), (R12)(DX*1), Y2, Y10)
	G4(4(SI), 4(R10), 4(R11), 4(R12), Y3, Y10)
	MROW

	// i = 5: t = d3
	G5((R12)(R9*1), Y0)
	G5((R12)(R9*2), Y1)
	G5((R12)(DX*1), Y2)
	G5(4(R12), Y3)
	MROW

	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $32, DI
	DECQ CX
	JNZ  gradLoop
	VZEROUPPER

gradDone:
	RET
