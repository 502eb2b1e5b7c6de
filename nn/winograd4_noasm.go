//go:build noasm || !amd64

package nn

func wg4InputRow(v []float32, vstride int, src []float32, rs, we, n int) {
	wg4InputRowGo(v, vstride, src, rs, we, n)
}

func wg4OutputRow(out []float32, ow int, m []float32, mstride int, bias float32, n int) {
	wg4OutputRowGo(out, ow, m, mstride, bias, n)
}

func wg4Output7(out []float32, ow int, m []float32, mstride int, bias float32, res []float32, n int) {
	wg4Output7Go(out, ow, m, mstride, bias, res, n)
}

func wg4Split(ph []float32, rs, we int, x []float32, W, H int) {
	wg4SplitGo(ph, rs, we, x, W, H)
}

func wg4CopyRows(dst, x []float32, xs, W, H int) {
	wg4CopyRowsGo(dst, x, xs, W, H)
}

func wg4CopyAddRows(dst, x []float32, xs int, r []float32, W, H int) {
	wg4CopyAddRowsGo(dst, x, xs, r, W, H)
}

// wg4SplitBlock: the portable split writes the plane's columns only.
func wg4SplitBlock(W int) int { return 0 }

func wg4GradOutRow(m []float32, mstride int, src []float32, rs, we, n int) {
	wg4GradOutRowGo(m, mstride, src, rs, we, n)
}
