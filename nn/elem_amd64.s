//go:build !noasm && amd64

#include "textflag.h"

// AVX2/FMA element-wise kernels; see elem.go for what each computes. Every
// function takes slices whose length is a positive multiple of 8 (the Go
// wrappers in elem_amd64.go guarantee it) and walks them 8 floats per ymm.
//
// Go assembler operand order is the reverse of Intel's: the destination is
// last. "VFMADD213PS b, a, x" is x = a·x + b, "VFMADD231PS b, a, x" is
// x = a·b + x, "VFNMADD231PS b, a, x" is x = x − a·b, "VSUBPS b, a, x" is
// x = a − b and "VDIVPS b, a, x" is x = a/b.
//
// EXPNEG computes Y13 = e^(−Y_in) for the 8 lanes of in with Cephes' expf
// (constants in elem.go/expf.go, table at R8): clamp the argument to
// [−87, 88], n = ⌊x·log2e + ½⌋, r = x − n·ln2 in two parts, the degree-5
// polynomial, and the scaling by 2ⁿ built in the exponent bits. It uses
// Y10–Y14. The clamp's memory operand is returned for a NaN lane, but the
// callers multiply or divide by the (NaN) argument itself afterwards, so a
// NaN still comes out NaN.
#define EXPNEG(in) \
	VXORPS       448(R8), in, Y10 \
	VMINPS       0(R8), Y10, Y10  \
	VMAXPS       32(R8), Y10, Y10 \
	VMOVUPS      96(R8), Y11      \
	VFMADD231PS  64(R8), Y10, Y11 \
	VROUNDPS     $1, Y11, Y11     \
	VCVTTPS2DQ   Y11, Y12         \
	VFNMADD231PS 128(R8), Y11, Y10 \
	VFNMADD231PS 160(R8), Y11, Y10 \
	VMOVUPS      192(R8), Y13     \
	VFMADD213PS  224(R8), Y10, Y13 \
	VFMADD213PS  256(R8), Y10, Y13 \
	VFMADD213PS  288(R8), Y10, Y13 \
	VFMADD213PS  320(R8), Y10, Y13 \
	VFMADD213PS  352(R8), Y10, Y13 \
	VMULPS       Y10, Y10, Y14    \
	VFMADD213PS  Y10, Y14, Y13    \
	VADDPS       384(R8), Y13, Y13 \
	VPADDD       416(R8), Y12, Y12 \
	VPSLLD       $23, Y12, Y12    \
	VMULPS       Y12, Y13, Y13

// HSUM reduces the 8 lanes of ymm y (xmm x is its low half) into the low
// lane of x, using xmm t.
#define HSUM(y, x, t) \
	VEXTRACTF128 $1, y, t \
	VADDPS       t, x, x  \
	VHADDPS      x, x, x  \
	VHADDPS      x, x, x

// func addToAVX2(dst, src []float32)
TEXT ·addToAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $3, CX
	JZ   addDone

addLoop:
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     addLoop

addDone:
	VZEROUPPER
	RET

// func affineAVX2(dst, src []float32, a, b float32)
TEXT ·affineAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         src_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y1
	VBROADCASTSS b+52(FP), Y2
	SHRQ         $3, CX
	JZ           affDone

affLoop:
	VMOVUPS     (SI), Y0
	VFMADD213PS Y2, Y1, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         affLoop

affDone:
	VZEROUPPER
	RET

// func siluAffineAVX2(dst, src []float32, a, b float32, c *avxConsts)
TEXT ·siluAffineAVX2(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         src_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y1
	VBROADCASTSS b+52(FP), Y2
	MOVQ         c+56(FP), R8
	VMOVUPS      384(R8), Y9
	SHRQ         $3, CX
	JZ           siluDone

siluLoop:
	VMOVUPS     (SI), Y0
	VFMADD213PS Y2, Y1, Y0 // z = src·a + b
	EXPNEG(Y0)             // Y13 = e^−z
	VADDPS      Y9, Y13, Y13
	VDIVPS      Y13, Y0, Y0 // z/(1 + e^−z) = z·σ(z)
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         siluLoop

siluDone:
	VZEROUPPER
	RET

// func gnSiluBwdAVX2(dz, x, dy []float32, mean, rstd, gamma, beta float32, c *avxConsts) (sdz, sdzx float32)
TEXT ·gnSiluBwdAVX2(SB), NOSPLIT, $0-104
	MOVQ         dz_base+0(FP), DI
	MOVQ         dz_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	MOVQ         dy_base+48(FP), DX
	VBROADCASTSS mean+72(FP), Y1
	VBROADCASTSS rstd+76(FP), Y2
	VBROADCASTSS gamma+80(FP), Y3
	VBROADCASTSS beta+84(FP), Y4
	MOVQ         c+88(FP), R8
	VMOVUPS      384(R8), Y9
	VXORPS       Y5, Y5, Y5
	VXORPS       Y6, Y6, Y6
	SHRQ         $3, CX
	JZ           gnbDone

gnbLoop:
	VMOVUPS     (SI), Y0
	VSUBPS      Y1, Y0, Y0 // x − mean
	VMULPS      Y2, Y0, Y0 // x̂
	VMOVAPS     Y4, Y7
	VFMADD231PS Y3, Y0, Y7 // z = γx̂ + β
	EXPNEG(Y7)             // Y13 = e^−z
	VADDPS      Y9, Y13, Y13
	VDIVPS      Y13, Y9, Y13 // σ = 1/(1 + e^−z)
	VSUBPS      Y13, Y9, Y11 // 1 − σ
	VFMADD213PS Y9, Y7, Y11  // z(1 − σ) + 1
	VMULPS      Y13, Y11, Y11
	VMULPS      (DX), Y11, Y11 // dz = dy·σ·(1 + z(1 − σ))
	VMOVUPS     Y11, (DI)
	VADDPS      Y11, Y5, Y5
	VFMADD231PS Y0, Y11, Y6
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, DX
	DECQ        CX
	JNZ         gnbLoop

gnbDone:
	HSUM(Y5, X5, X7)
	HSUM(Y6, X6, X7)
	MOVSS X5, sdz+96(FP)
	MOVSS X6, sdzx+100(FP)
	VZEROUPPER
	RET

// func axpbyzAVX2(d, x []float32, a, c, b float32)
TEXT ·axpbyzAVX2(SB), NOSPLIT, $0-60
	MOVQ         d_base+0(FP), DI
	MOVQ         d_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y1
	VBROADCASTSS c+52(FP), Y2
	VBROADCASTSS b+56(FP), Y3
	SHRQ         $3, CX
	JZ           axDone

axLoop:
	VMOVUPS     (SI), Y4
	VFMADD213PS Y3, Y2, Y4 // c·x + b
	VMOVUPS     (DI), Y0
	VFMADD231PS Y1, Y0, Y4 // + a·d
	VMOVUPS     Y4, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         axLoop

axDone:
	VZEROUPPER
	RET

// func sumAVX2(x []float32) float32
TEXT ·sumAVX2(SB), NOSPLIT, $0-28
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	SHRQ   $3, CX
	JZ     sumDone

sumLoop:
	VADDPS (SI), Y0, Y0
	ADDQ   $32, SI
	DECQ   CX
	JNZ    sumLoop

sumDone:
	HSUM(Y0, X0, X1)
	MOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumSqDevAVX2(x []float32, mean float32) float32
TEXT ·sumSqDevAVX2(SB), NOSPLIT, $0-36
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS mean+24(FP), Y1
	VXORPS       Y0, Y0, Y0
	SHRQ         $3, CX
	JZ           ssdDone

ssdLoop:
	VMOVUPS     (SI), Y2
	VSUBPS      Y1, Y2, Y2
	VFMADD231PS Y2, Y2, Y0
	ADDQ        $32, SI
	DECQ        CX
	JNZ         ssdLoop

ssdDone:
	HSUM(Y0, X0, X1)
	MOVSS X0, ret+32(FP)
	VZEROUPPER
	RET

// func dotSumAVX2(g, h []float32) (sg, sgh float32)
TEXT ·dotSumAVX2(SB), NOSPLIT, $0-56
	MOVQ   g_base+0(FP), SI
	MOVQ   g_len+8(FP), CX
	MOVQ   h_base+24(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ   $3, CX
	JZ     dsDone

dsLoop:
	VMOVUPS     (SI), Y2
	VADDPS      Y2, Y0, Y0
	VFMADD231PS (DX), Y2, Y1
	ADDQ        $32, SI
	ADDQ        $32, DX
	DECQ        CX
	JNZ         dsLoop

dsDone:
	HSUM(Y0, X0, X3)
	HSUM(Y1, X1, X3)
	MOVSS X0, sg+48(FP)
	MOVSS X1, sgh+52(FP)
	VZEROUPPER
	RET
