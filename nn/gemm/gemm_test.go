// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/windrose/windrose/nn/gemm/gemmtest"
)

// pureGoImpl is Implementation forced onto the pure-Go micro-kernel and
// packing, so that one test run checks the assembly and the pure-Go code.
type pureGoImpl struct {
	threads int
}

func (pg pureGoImpl) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(Implementation{Threads: pg.threads}.threads(), true, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func TestSgemm(t *testing.T) {
	gemmtest.TestSgemm(t, Implementation{})
}

// TestSgemmSerial runs everything on the calling goroutine.
func TestSgemmSerial(t *testing.T) {
	gemmtest.TestSgemm(t, Implementation{Threads: 1})
}

// TestSgemmOversubscribed runs more goroutines than there are cores here,
// so that chunks are shared out unevenly.
func TestSgemmOversubscribed(t *testing.T) {
	gemmtest.TestSgemm(t, Implementation{Threads: 5})
}

// TestSgemmGeneric forces the pure-Go micro-kernel, the one of the noasm
// build and of other architectures.
func TestSgemmGeneric(t *testing.T) {
	gemmtest.TestSgemm(t, pureGoImpl{})
}

func TestAsmKernelSelected(t *testing.T) {
	if !asmKernel {
		t.Skip("no assembly micro-kernel in this build or on this CPU")
	}
	t.Logf("assembly micro-kernel selected")
}

// TestSgemmSliced runs products deeper than the shared-buffer bound, which
// are computed as sums over slices of k, by lowering the bound to two
// packed blocks of six rows.
func TestSgemmSliced(t *testing.T) {
	saved := maxShared
	defer func() { maxShared = saved }()
	maxShared = 2 * mr * kc
	gemmtest.TestSgemm(t, Implementation{})
}
