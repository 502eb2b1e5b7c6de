//go:build !noasm && amd64

package nn

//go:noescape
func wg4InputAVX2(v *float32, vstride int, src *float32, rs, we, n int)

//go:noescape
func wg4OutputAVX2(out *float32, ow int, m *float32, mstride int, bias float32, n int)

// wg4InputRow and wg4OutputRow check every bound the assembly relies on
// (n a multiple of 8, the last plane, row and column it touches inside the
// slices) before handing it raw pointers.
func wg4InputRow(v []float32, vstride int, src []float32, rs, we, n int) {
	if !useAVX2 || n%8 != 0 || n == 0 {
		wg4InputRowGo(v, vstride, src, rs, we, n)
		return
	}
	_ = v[35*vstride+n-1]
	_ = src[5*rs+3*we+n-1] // the last row's phase 3, past p1[n] at we+n
	wg4InputAVX2(&v[0], vstride, &src[0], rs, we, n)
}

func wg4OutputRow(out []float32, ow int, m []float32, mstride int, bias float32, n int) {
	if !useAVX2 || n%8 != 0 || n == 0 {
		wg4OutputRowGo(out, ow, m, mstride, bias, n)
		return
	}
	_ = out[3*ow+4*n-1]
	_ = m[35*mstride+n-1]
	wg4OutputAVX2(&out[0], ow, &m[0], mstride, bias, n)
}

//go:noescape
func wg4SplitAVX(dst *float32, rs, we int, x *float32, W, H int)

//go:noescape
func wg4CopyRowsAVX(dst, x *float32, xs, W, H int)

// wg4Split and wg4CopyRows check the bounds of every row the assembly
// touches: phase j of row r at ph[r·rs + j·we …], p0 one on, each inside
// its phase (W ≤ 4·(we−1)); the rows of x and dst inside theirs.
func wg4Split(ph []float32, rs, we int, x []float32, W, H int) {
	if !useAVX2 || H <= 0 || W <= 0 {
		wg4SplitGo(ph, rs, we, x, W, H)
		return
	}
	if W > 4*(we-1) || rs < 4*we {
		panic("nn: wg4Split: a row of the plane is wider than a phase")
	}
	_ = x[H*W-1]
	_ = ph[(H-1)*rs+4*we-1]
	wg4SplitAVX(&ph[0], rs, we, &x[0], W, H)
}

func wg4CopyRows(dst, x []float32, xs, W, H int) {
	if !useAVX2 || H <= 0 || W <= 0 {
		wg4CopyRowsGo(dst, x, xs, W, H)
		return
	}
	_ = dst[H*W-1]
	_ = x[(H-1)*xs+W-1]
	wg4CopyRowsAVX(&dst[0], &x[0], xs, W, H)
}

//go:noescape
func wg4CopyAddRowsAVX(dst, x *float32, xs int, r *float32, W, H int)

func wg4CopyAddRows(dst, x []float32, xs int, r []float32, W, H int) {
	if !useAVX2 || H <= 0 || W <= 0 {
		wg4CopyAddRowsGo(dst, x, xs, r, W, H)
		return
	}
	_ = dst[H*W-1]
	_ = r[H*W-1]
	_ = x[(H-1)*xs+W-1]
	wg4CopyAddRowsAVX(&dst[0], &x[0], xs, &r[0], W, H)
}
