package nn

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestCUDAKernelsPTXCurrent: the embedded PTX was generated from the kernel
// source as it is (cuda_gen.sh records the source's SHA-256 on its first
// line). It runs in every build, so an edit of cuda_kernels.cu without
// `go generate -tags cuda ./nn` fails where no nvcc is installed.
func TestCUDAKernelsPTXCurrent(t *testing.T) {
	src, err := os.ReadFile("cuda_kernels.cu")
	if err != nil {
		t.Fatal(err)
	}
	ptx, err := os.ReadFile("cuda_kernels.ptx")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	first, _, _ := strings.Cut(string(ptx), "\n")
	if want := "// sha256 of cuda_kernels.cu: " + hex.EncodeToString(sum[:]); first != want {
		t.Errorf("cuda_kernels.ptx is not generated from cuda_kernels.cu as it is: its first line is\n\t%s\nwant\n\t%s\nrun go generate -tags cuda ./nn", first, want)
	}
	if !strings.Contains(string(ptx), ".target sm_80") {
		t.Error("cuda_kernels.ptx does not target sm_80 (compute_80 PTX)")
	}
}
