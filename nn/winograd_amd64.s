//go:build !noasm && amd64

#include "textflag.h"

// Winograd F(2×2, 3×3) transforms of one tile row, eight tiles per ymm; see
// cpu_winograd.go for the formulas and the layouts, and wgInputRowGo and
// wgOutputRowGo for the same computations in Go (the results are identical:
// the same additions in the same order, no fused operations).

// func wgInputAVX2(v *float32, vstride int, src *float32, rs, we, n int)
TEXT ·wgInputAVX2(SB), NOSPLIT, $0-48
	MOVQ v+0(FP), DI
	MOVQ vstride+8(FP), R13
	SHLQ $2, R13             // bytes between ξ planes
	LEAQ (R13)(R13*2), R14   // 3 planes
	MOVQ src+16(FP), SI      // row 0, even half
	MOVQ rs+24(FP), R8
	SHLQ $2, R8              // bytes between eo rows
	MOVQ we+32(FP), R9
	SHLQ $2, R9              // bytes to the odd half
	MOVQ n+40(FP), CX
	SHRQ $3, CX
	JZ   inDone
	LEAQ (SI)(R8*1), R10     // row 1
	LEAQ (R10)(R8*1), R11    // row 2
	LEAQ (R11)(R8*1), R12    // row 3
	LEAQ (DI)(R13*4), BX     // ξ = 4
	LEAQ (BX)(R13*4), R15    // ξ = 8
	LEAQ (R15)(R13*4), AX    // ξ = 12

inLoop:
	// Tile columns j = 0…3 are even[tx], odd[tx], even[tx+1], odd[tx+1].
	// i = 0: m_j = d0_j − d2_j
	VMOVUPS (SI), Y0
	VSUBPS  (R11), Y0, Y0
	VMOVUPS (SI)(R9*1), Y1
	VSUBPS  (R11)(R9*1), Y1, Y1
	VMOVUPS 4(SI), Y2
	VSUBPS  4(R11), Y2, Y2
	VMOVUPS 4(SI)(R9*1), Y3
	VSUBPS  4(R11)(R9*1), Y3, Y3
	VSUBPS  Y2, Y0, Y4
	VADDPS  Y2, Y1, Y5
	VSUBPS  Y1, Y2, Y6
	VSUBPS  Y3, Y1, Y7
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, (DI)(R13*1)
	VMOVUPS Y6, (DI)(R13*2)
	VMOVUPS Y7, (DI)(R14*1)

	// i = 1: m_j = d1_j + d2_j
	VMOVUPS (R10), Y0
	VADDPS  (R11), Y0, Y0
	VMOVUPS (R10)(R9*1), Y1
	VADDPS  (R11)(R9*1), Y1, Y1
	VMOVUPS 4(R10), Y2
	VADDPS  4(R11), Y2, Y2
	VMOVUPS 4(R10)(R9*1), Y3
	VADDPS  4(R11)(R9*1), Y3, Y3
	VSUBPS  Y2, Y0, Y4
	VADDPS  Y2, Y1, Y5
	VSUBPS  Y1, Y2, Y6
	VSUBPS  Y3, Y1, Y7
	VMOVUPS Y4, (BX)
	VMOVUPS Y5, (BX)(R13*1)
	VMOVUPS Y6, (BX)(R13*2)
	VMOVUPS Y7, (BX)(R14*1)

	// i = 2: m_j = d2_j − d1_j
	VMOVUPS (R11), Y0
	VSUBPS  (R10), Y0, Y0
	VMOVUPS (R11)(R9*1), Y1
	VSUBPS  (R10)(R9*1), Y1, Y1
	VMOVUPS 4(R11), Y2
	VSUBPS  4(R10), Y2, Y2
	VMOVUPS 4(R11)(R9*1), Y3
	VSUBPS  4(R10)(R9*1), Y3, Y3
	VSUBPS  Y2, Y0, Y4
	VADDPS  Y2, Y1, Y5
	VSUBPS  Y1, Y2, Y6
	VSUBPS  Y3, Y1, Y7
	VMOVUPS Y4, (R15)
	VMOVUPS Y5, (R15)(R13*1)
	VMOVUPS Y6, (R15)(R13*2)
	VMOVUPS Y7, (R15)(R14*1)

	// i = 3: m_j = d1_j − d3_j
	VMOVUPS (R10), Y0
	VSUBPS  (R12), Y0, Y0
	VMOVUPS (R10)(R9*1), Y1
	VSUBPS  (R12)(R9*1), Y1, Y1
	VMOVUPS 4(R10), Y2
	VSUBPS  4(R12), Y2, Y2
	VMOVUPS 4(R10)(R9*1), Y3
	VSUBPS  4(R12)(R9*1), Y3, Y3
	VSUBPS  Y2, Y0, Y4
	VADDPS  Y2, Y1, Y5
	VSUBPS  Y1, Y2, Y6
	VSUBPS  Y3, Y1, Y7
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, (AX)(R13*1)
	VMOVUPS Y6, (AX)(R13*2)
	VMOVUPS Y7, (AX)(R14*1)

	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $32, DI
	ADDQ $32, BX
	ADDQ $32, R15
	ADDQ $32, AX
	DECQ CX
	JNZ  inLoop

inDone:
	VZEROUPPER
	RET

// func wgOutputAVX2(out *float32, ow int, m *float32, mstride int, bias float32, n int)
TEXT ·wgOutputAVX2(SB), NOSPLIT, $0-48
	MOVQ         out+0(FP), DI
	MOVQ         ow+8(FP), R8
	SHLQ         $2, R8             // bytes to the second output row
	MOVQ         m+16(FP), SI       // ξ = 0
	MOVQ         mstride+24(FP), R13
	SHLQ         $2, R13
	LEAQ         (R13)(R13*2), R14
	VBROADCASTSS bias+32(FP), Y15
	MOVQ         n+40(FP), CX
	SHRQ         $3, CX
	JZ           outDone
	LEAQ         (SI)(R13*4), R10   // ξ = 4
	LEAQ         (R10)(R13*4), R11  // ξ = 8
	LEAQ         (R11)(R13*4), R12  // ξ = 12

outLoop:
	VMOVUPS (R10), Y8
	VMOVUPS (R11), Y9
	VADDPS  (SI), Y8, Y0
	VADDPS  Y9, Y0, Y0
	VSUBPS  Y9, Y8, Y4
	VSUBPS  (R12), Y4, Y4

	VMOVUPS (R10)(R13*1), Y8
	VMOVUPS (R11)(R13*1), Y9
	VADDPS  (SI)(R13*1), Y8, Y1
	VADDPS  Y9, Y1, Y1
	VSUBPS  Y9, Y8, Y5
	VSUBPS  (R12)(R13*1), Y5, Y5

	VMOVUPS (R10)(R13*2), Y8
	VMOVUPS (R11)(R13*2), Y9
	VADDPS  (SI)(R13*2), Y8, Y2
	VADDPS  Y9, Y2, Y2
	VSUBPS  Y9, Y8, Y6
	VSUBPS  (R12)(R13*2), Y6, Y6

	VMOVUPS (R10)(R14*1), Y8
	VMOVUPS (R11)(R14*1), Y9
	VADDPS  (SI)(R14*1), Y8, Y3
	VADDPS  Y9, Y3, Y3
	VSUBPS  Y9, Y8, Y7
	VSUBPS  (R12)(R14*1), Y7, Y7

	// y00 = a0 + a1 + a2 + b, y01 = a1 − a2 − a3 + b, likewise y10, y11.
	VADDPS Y1, Y0, Y0
	VADDPS Y2, Y0, Y0
	VADDPS Y15, Y0, Y0
	VSUBPS Y2, Y1, Y1
	VSUBPS Y3, Y1, Y1
	VADDPS Y15, Y1, Y1
	VADDPS Y5, Y4, Y4
	VADDPS Y6, Y4, Y4
	VADDPS Y15, Y4, Y4
	VSUBPS Y6, Y5, Y5
	VSUBPS Y7, Y5, Y5
	VADDPS Y15, Y5, Y5

	// Interleave (y00, y01) into output row 0 and (y10, y11) into row 1.
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VPERM2F128 $0x20, Y9, Y8, Y10
	VPERM2F128 $0x31, Y9, Y8, Y11
	VMOVUPS    Y10, (DI)
	VMOVUPS    Y11, 32(DI)
	VUNPCKLPS  Y5, Y4, Y8
	VUNPCKHPS  Y5, Y4, Y9
	VPERM2F128 $0x20, Y9, Y8, Y10
	VPERM2F128 $0x31, Y9, Y8, Y11
	VMOVUPS    Y10, (DI)(R8*1)
	VMOVUPS    Y11, 32(DI)(R8*1)

	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $64, DI
	DECQ CX
	JNZ  outLoop

outDone:
	VZEROUPPER
	RET
