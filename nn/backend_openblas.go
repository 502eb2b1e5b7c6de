//go:build openblas

package nn

import "github.com/windrose/windrose/nn/gemm/openblas"

// With -tags openblas the backend "openblas" is the CPU backend with
// OpenBLAS's sgemm (through cgo and gonum.org/v1/netlib) for every product;
// it registers above "cpu", so it becomes the default of such a build.
// Everything around the products (im2col, GroupNorm, the element-wise
// kernels) is the same code as "cpu".
func init() {
	if openblas.Available {
		Register(&cpuBackend{name: "openblas", gemm: openblas.Implementation{}}, 10)
	}
}
