//go:build noasm || !amd64

package nn

func addTo(dst, src []float32)                    { addToGo(dst, src) }
func affine(dst, src []float32, a, b float32)     { affineGo(dst, src, a, b) }
func siluAffine(dst, src []float32, a, b float32) { siluAffineGo(dst, src, a, b) }
func axpbyz(d, x []float32, a, c, b float32)      { axpbyzGo(d, x, a, c, b) }
func sum32(x []float32) float32                   { return sumGo(x) }
func sumSqDev(x []float32, mean float32) float32  { return sumSqDevGo(x, mean) }
func dotSum(g, h []float32) (sg, sgh float32)     { return dotSumGo(g, h) }
func gnSiluBwd(dz, x, dy []float32, mean, rstd, gamma, beta float32) (sdz, sdzx float32) {
	return gnSiluBwdGo(dz, x, dy, mean, rstd, gamma, beta)
}

// setAsm is a no-op without assembly kernels.
func setAsm(on bool) (old bool) { return false }

func wgInputRow(v []float32, vstride int, src []float32, rs, we, n int) {
	wgInputRowGo(v, vstride, src, rs, we, n)
}

func wgOutputRow(out []float32, ow int, m []float32, mstride int, bias float32, n int) {
	wgOutputRowGo(out, ow, m, mstride, bias, n)
}
