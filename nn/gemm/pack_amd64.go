// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

package gemm

//go:noescape
func packA6NT(depth4 int, a *float32, lda int, dst *float32)

//go:noescape
func packA6T(depth int, a *float32, lda int, dst *float32)

//go:noescape
func packB16T(depth4 int, b *float32, ldb int, dst *float32)

// packPanelANoTrans packs the first depth steps of six rows of a (row
// stride lda) into d, as many as the assembly routine does (a multiple of
// four), and returns that number; pack.go does the rest.
func packPanelANoTrans(d, a []float32, lda, depth int) int {
	n := depth &^ 3
	if n == 0 || !asmKernel {
		return 0
	}
	_ = a[(mr-1)*lda+n-1]
	_ = d[mr*n-1]
	packA6NT(n/4, &a[0], lda, &d[0])
	return n
}

// packPanelBTrans packs the first depth steps of sixteen rows of b (the
// rows of Bᵀ, stride ldb) into d like packPanelANoTrans.
func packPanelBTrans(d, b []float32, ldb, depth int) int {
	n := depth &^ 3
	if n == 0 || !asmKernel {
		return 0
	}
	_ = b[(nr-1)*ldb+n-1]
	_ = d[nr*n-1]
	packB16T(n/4, &b[0], ldb, &d[0])
	return n
}

// packPanelATrans packs depth steps of six columns of a (the rows of Aᵀ,
// stride lda) into d and returns depth, or 0 without assembly.
func packPanelATrans(d, a []float32, lda, depth int) int {
	if depth == 0 || !asmKernel {
		return 0
	}
	_ = a[(depth-1)*lda+mr-1]
	_ = d[mr*depth-1]
	packA6T(depth, &a[0], lda, &d[0])
	return depth
}

//go:noescape
func packBRowsNT(depth, panels int, b *float32, ldb int, dst *float32, stride int)

// packPanelsBNoTrans packs depth rows of the first 16·panels columns of b
// (stride ldb) into panels consecutive micro-panels of d, reading b row by
// row, and returns panels, or 0 without assembly.
func packPanelsBNoTrans(d, b []float32, ldb, depth, panels int) int {
	if depth == 0 || panels == 0 || !asmKernel {
		return 0
	}
	_ = b[(depth-1)*ldb+panels*nr-1]
	_ = d[panels*nr*depth-1]
	packBRowsNT(depth, panels, &b[0], ldb, &d[0], nr*depth)
	return panels
}
