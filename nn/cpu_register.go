package nn

import "gonum.org/v1/gonum/blas/gonum"

// The default build's backend "cpu": pure Go, no cgo.
func init() {
	Register(&cpuBackend{name: "cpu", gemm: gonum.Implementation{}}, 0)
}
