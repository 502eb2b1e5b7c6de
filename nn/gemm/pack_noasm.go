// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build noasm || !amd64

package gemm

// Without assembly the packing routines pack nothing and pack.go's loops
// do all the work.

func packPanelANoTrans(d, a []float32, lda, depth int) int          { return 0 }
func packPanelATrans(d, a []float32, lda, depth int) int            { return 0 }
func packPanelBTrans(d, b []float32, ldb, depth int) int            { return 0 }
func packPanelsBNoTrans(d, b []float32, ldb, depth, panels int) int { return 0 }
