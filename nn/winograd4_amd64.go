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
