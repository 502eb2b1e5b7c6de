//go:build !noasm && amd64

package nn

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax uint32)

// hasAVX2FMA reports whether the CPU supports AVX2 and FMA3 and the OS
// saves the ymm registers: CPUID leaf 1 ECX bits 12 (FMA), 27 (OSXSAVE), 28
// (AVX); leaf 7 EBX bit 5 (AVX2); XCR0 bits 1 and 2 (SSE and AVX state)
// (Intel SDM vol. 2A "CPUID", vol. 1 §13.3).
func hasAVX2FMA() bool {
	if max, _, _, _ := cpuid(0, 0); max < 7 {
		return false
	}
	_, _, ecx, _ := cpuid(1, 0)
	const need = 1<<12 | 1<<27 | 1<<28
	if ecx&need != need || xgetbv0()&6 != 6 {
		return false
	}
	_, ebx, _, _ := cpuid(7, 0)
	return ebx&(1<<5) != 0
}
