//go:build openblas

package nn

import "github.com/windrose/windrose/nn/gemm/openblas"

// With -tags openblas the backend "openblas" is the CPU backend with
// OpenBLAS's sgemm (through cgo and gonum.org/v1/netlib) for every product;
// it registers above "cpu", so it becomes the default of such a build.
// Everything around the products (im2col, GroupNorm, the element-wise
// kernels) is the same code as "cpu", and so is the parallelism: the
// convolutions run sample-parallel, one worker per core, each calling a
// single-threaded OpenBLAS.
//
// OpenBLAS is therefore set to one thread for the whole process. Left to
// thread each product itself, as this backend once did, it spent 6.6 times
// the CPU time per training image of its single-threaded self beside
// another busy process (docs/benchmarks.md, "The OpenBLAS build"): its
// worker threads spin while they wait for work, on cores the Go workers
// also want.
//
// Unlike the cpu backend's own GEMM, OpenBLAS's sgemm can round an element
// differently with the shape of the product it is part of (seen on an AMD
// EPYC with Debian's 0.3.21), so this backend is not columnStable: the
// convolutions' chunks of samples keep the sizes the batch and the layer
// give them instead of being cut to the number of workers, and results are
// the same bit for bit at any GOMAXPROCS, at the price of an uneven share
// of chunks between the workers in some layers.
func init() {
	if openblas.Available {
		openblas.SetThreads(1)
		Register(&cpuBackend{name: "openblas", gemm: openblas.Implementation{}, serial: openblas.Implementation{}}, 10)
	}
}
