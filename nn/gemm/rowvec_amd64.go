// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !noasm && amd64

package gemm

//go:noescape
func vecMat64(k int, a *float32, b *float32, ldb int, dst *float32)

//go:noescape
func vecMat8(k int, a *float32, b *float32, ldb int, dst *float32)

//go:noescape
func dot4(k8 int, a *float32, b *float32, ldb int, dst *float32)

// vecMatAsm sets dst[j] = Σ_p a[p]·b[p*ldb+j] for the leading columns j it
// can do with assembly (a multiple of 8 of the cols asked for) and returns
// how many that is.
func vecMatAsm(dst, a, b []float32, ldb, k, cols int) int {
	if !asmKernel || cols < 8 {
		return 0
	}
	_ = a[k-1]
	_ = dst[cols-1]
	_ = b[(k-1)*ldb+cols-1]
	j := 0
	for ; j+64 <= cols; j += 64 {
		vecMat64(k, &a[0], &b[j], ldb, &dst[j])
	}
	for ; j+8 <= cols; j += 8 {
		vecMat8(k, &a[0], &b[j], ldb, &dst[j])
	}
	return j
}

// dotRowsAsm sets dst[r] = Σ_{p<k} a[p]·b[r*ldb+p] for the leading rows r it
// can do with assembly (a multiple of 4 of the rows asked for) and returns
// how many that is.
func dotRowsAsm(dst, a, b []float32, ldb, k, rows int) int {
	k8 := k &^ 7
	if !asmKernel || rows < 4 || k8 == 0 {
		return 0
	}
	_ = a[k-1]
	_ = dst[rows-1]
	_ = b[(rows-1)*ldb+k-1]
	r := 0
	for ; r+4 <= rows; r += 4 {
		dot4(k8/8, &a[0], &b[r*ldb], ldb, &dst[r])
		// The last k mod 8 terms.
		for p := k8; p < k; p++ {
			ap := a[p]
			dst[r] += ap * b[r*ldb+p]
			dst[r+1] += ap * b[(r+1)*ldb+p]
			dst[r+2] += ap * b[(r+2)*ldb+p]
			dst[r+3] += ap * b[(r+3)*ldb+p]
		}
	}
	return r
}
