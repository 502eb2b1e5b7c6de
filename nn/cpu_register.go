package nn

import "github.com/windrose/windrose/nn/gemm"

// The default build's backend "cpu": pure Go (no cgo), its products computed
// by nn/gemm's packed GEMM with its AVX2/FMA micro-kernel.
func init() {
	Register(&cpuBackend{name: "cpu", gemm: gemm.Implementation{}, serial: gemm.Implementation{Threads: 1}, columnStable: true}, 0)
}
