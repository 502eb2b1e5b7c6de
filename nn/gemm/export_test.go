// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

// PureGo is Implementation forced onto the pure-Go micro-kernel, for the
// benchmarks in package gemm_test.
var PureGo = pureGoImpl{}

// AsmKernel reports whether Implementation runs the assembly micro-kernel.
var AsmKernel = asmKernel
