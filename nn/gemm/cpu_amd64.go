// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

package gemm

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 returns the low word of extended control register XCR0.
func xgetbv0() (eax uint32)

// hasAVX2FMA reports whether the CPU has AVX2 and FMA3 and the operating
// system saves the ymm registers across context switches. The bit numbers
// are those of the Intel SDM, vol. 2A, CPUID (leaf 1 ECX: bit 12 FMA, bit 27
// OSXSAVE, bit 28 AVX; leaf 7 EBX: bit 5 AVX2) and vol. 1 §13.3 (XCR0 bits
// 1 and 2: SSE and AVX state enabled); AMD's APM vol. 3 appendix E agrees.
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xgetbv0()&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// hasAVX512F reports whether the CPU has AVX-512 Foundation besides AVX2 and
// FMA, and the operating system saves the opmask and zmm registers: CPUID
// leaf 7 EBX bit 16, and XCR0 bits 5 to 7 (opmask, the upper halves of
// zmm0–15, zmm16–31) as well as 1 and 2 (Intel SDM vol. 1 §15.2, "Detection
// of AVX-512 Foundation Instructions").
func hasAVX512F() bool {
	if !hasAVX2FMA() {
		return false
	}
	const zmmState = 0xe6
	if xgetbv0()&zmmState != zmmState {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx512f = 1 << 16
	return ebx7&avx512f != 0
}
