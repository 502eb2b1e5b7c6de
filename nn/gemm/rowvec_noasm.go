// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build noasm || !amd64

package gemm

// Without assembly rowvec.go's loops do all the work.

func vecMatAsm(dst, a, b []float32, ldb, k, cols int) int  { return 0 }
func dotRowsAsm(dst, a, b []float32, ldb, k, rows int) int { return 0 }
