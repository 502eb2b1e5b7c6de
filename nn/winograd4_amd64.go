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
func wg4GradOutAVX2(m *float32, mstride int, src *float32, rs, we, n int)

// wg4GradOutRow checks the last plane of m and the last row and phase of
// src the assembly touches.
func wg4GradOutRow(m []float32, mstride int, src []float32, rs, we, n int) {
	if !useAVX2 || n%8 != 0 || n == 0 {
		wg4GradOutRowGo(m, mstride, src, rs, we, n)
		return
	}
	_ = m[35*mstride+n-1]
	_ = src[3*rs+3*we+n-1] // the last row's phase 3, past p0[n] at n
	wg4GradOutAVX2(&m[0], mstride, &src[0], rs, we, n)
}

//go:noescape
func wg4Output7AVX2(out *float32, ow int, m *float32, mstride int, bias float32, res *float32, n int)

// wg4Output7 checks the last row of out and res and the last column of M
// the assembly touches.
func wg4Output7(out []float32, ow int, m []float32, mstride int, bias float32, res []float32, n int) {
	if !useAVX2 || n <= 0 {
		wg4Output7Go(out, ow, m, mstride, bias, res, n)
		return
	}
	_ = out[(4*n-1)*ow+27]
	_ = m[35*mstride+8*n-1]
	var rp *float32
	if res != nil {
		_ = res[(4*n-1)*ow+27]
		rp = &res[0]
	}
	wg4Output7AVX2(&out[0], ow, &m[0], mstride, bias, rp, n)
}

//go:noescape
func wg4SplitAVX(dst *float32, rs, we int, x *float32, W, H int)

//go:noescape
func wg4CopyRowsAVX(dst, x *float32, xs, W, H int)

//go:noescape
func wg4SplitBlock8AVX2(dst *float32, rs, we int, x *float32, W, H int, mask *int32)

//go:noescape
func wg4SplitBlock4AVX(dst *float32, rs, we int, x *float32, W, H int, mask *int32)

// wg4Lanes[32−W:] is the load mask of a row of W ≤ 32 values: W lanes set,
// then clear ones.
var wg4Lanes = func() (m [64]int32) {
	for i := range 32 {
		m[i] = -1
	}
	return m
}()

// wg4Split and wg4CopyRows check the bounds of every row the assembly
// touches: phase j of row r at ph[r·rs + j·we …], p0 one on, each inside
// its phase (W ≤ 4·(we−1)); the rows of x and dst inside theirs.
//
// Planes of 12 to 16 and of 28 to 32 columns, the 14 and 28 of MNIST's
// levels among them, go a row at a time as one block of four or eight
// quads (wg4SplitBlock4AVX, wg4SplitBlock8AVX2), which also writes zeros
// to the quads' columns past W up to the block's end: within the plane's
// stride S (winograd4Side; S ≥ 16 and S ≥ 32 for those widths), where the
// phase buffer holds zeros anyway. Other widths go four quads or one at a
// time (wg4SplitAVX), writing the plane's columns only.
func wg4Split(ph []float32, rs, we int, x []float32, W, H int) {
	if !useAVX2 || H <= 0 || W <= 0 {
		wg4SplitGo(ph, rs, we, x, W, H)
		return
	}
	if W > 4*(we-1) || rs < 4*we {
		panic("nn: wg4Split: a row of the plane is wider than a phase")
	}
	_ = x[H*W-1]
	switch q := wg4SplitBlock(W); {
	case q == 8 && we > 8:
		_ = ph[(H-1)*rs+3*we+7]
		wg4SplitBlock8AVX2(&ph[0], rs, we, &x[0], W, H, &wg4Lanes[32-W])
	case q == 4 && we > 4:
		_ = ph[(H-1)*rs+3*we+3]
		wg4SplitBlock4AVX(&ph[0], rs, we, &x[0], W, H, &wg4Lanes[32-W])
	default:
		_ = ph[(H-1)*rs+4*we-1]
		wg4SplitAVX(&ph[0], rs, we, &x[0], W, H)
	}
}

// wg4SplitBlock is the number of quads wg4Split writes per row of W
// values as one block, 0 when it writes the plane's columns only.
func wg4SplitBlock(W int) int {
	switch {
	case W >= 28 && W <= 32:
		return 8
	case W >= 12 && W <= 16:
		return 4
	}
	return 0
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
