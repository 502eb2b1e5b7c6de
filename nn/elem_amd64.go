//go:build !noasm && amd64

package nn

import "github.com/windrose/windrose/nn/gemm"

// useAVX2 selects the assembly kernels; tests clear it to run the portable
// ones over the same cases.
var useAVX2 = gemm.HasAVX2FMA()

//go:noescape
func addToAVX2(dst, src []float32)

//go:noescape
func affineAVX2(dst, src []float32, a, b float32)

//go:noescape
func siluAffineAVX2(dst, src []float32, a, b float32, c *avxConsts)

//go:noescape
func gnSiluBwdAVX2(dz, x, dy []float32, mean, rstd, gamma, beta float32, c *avxConsts) (sdz, sdzx float32)

//go:noescape
func axpbyzAVX2(d, x []float32, a, c, b float32)

//go:noescape
func sumAVX2(x []float32) float32

//go:noescape
func sumSqDevAVX2(x []float32, mean float32) float32

//go:noescape
func dotSumAVX2(g, h []float32) (sg, sgh float32)

// Each wrapper hands the assembly the largest multiple of 8 elements, after
// reslicing every operand to that length so that a short operand panics
// here instead of being overrun there, and finishes the tail in Go.

func addTo(dst, src []float32) {
	if n := len(dst) &^ 7; useAVX2 && n > 0 {
		addToAVX2(dst[:n], src[:n])
		dst, src = dst[n:], src[n:]
	}
	addToGo(dst, src)
}

func affine(dst, src []float32, a, b float32) {
	if n := len(dst) &^ 7; useAVX2 && n > 0 {
		affineAVX2(dst[:n], src[:n], a, b)
		dst, src = dst[n:], src[n:]
	}
	affineGo(dst, src, a, b)
}

func siluAffine(dst, src []float32, a, b float32) {
	if n := len(dst) &^ 7; useAVX2 && n > 0 {
		siluAffineAVX2(dst[:n], src[:n], a, b, expConsts)
		dst, src = dst[n:], src[n:]
	}
	siluAffineGo(dst, src, a, b)
}

func gnSiluBwd(dz, x, dy []float32, mean, rstd, gamma, beta float32) (sdz, sdzx float32) {
	if n := len(dz) &^ 7; useAVX2 && n > 0 {
		sdz, sdzx = gnSiluBwdAVX2(dz[:n], x[:n], dy[:n], mean, rstd, gamma, beta, expConsts)
		dz, x, dy = dz[n:], x[n:], dy[n:]
	}
	a, b := gnSiluBwdGo(dz, x, dy, mean, rstd, gamma, beta)
	return sdz + a, sdzx + b
}

func axpbyz(d, x []float32, a, c, b float32) {
	if n := len(d) &^ 7; useAVX2 && n > 0 {
		axpbyzAVX2(d[:n], x[:n], a, c, b)
		d, x = d[n:], x[n:]
	}
	axpbyzGo(d, x, a, c, b)
}

func sum32(x []float32) float32 {
	var s float32
	if n := len(x) &^ 7; useAVX2 && n > 0 {
		s = sumAVX2(x[:n])
		x = x[n:]
	}
	return s + sumGo(x)
}

func sumSqDev(x []float32, mean float32) float32 {
	var s float32
	if n := len(x) &^ 7; useAVX2 && n > 0 {
		s = sumSqDevAVX2(x[:n], mean)
		x = x[n:]
	}
	return s + sumSqDevGo(x, mean)
}

func dotSum(g, h []float32) (sg, sgh float32) {
	if n := len(g) &^ 7; useAVX2 && n > 0 {
		sg, sgh = dotSumAVX2(g[:n], h[:n])
		g, h = g[n:], h[n:]
	}
	a, b := dotSumGo(g, h)
	return sg + a, sgh + b
}

// setAsm switches the assembly kernels on or off (on only takes effect
// where the CPU supports them) and returns the previous setting; tests use
// it to run the portable kernels through the same cases.
func setAsm(on bool) (old bool) {
	old = useAVX2
	useAVX2 = on && gemm.HasAVX2FMA()
	return old
}

//go:noescape
func wgInputAVX2(v *float32, vstride int, src *float32, rs, we, n int)

//go:noescape
func wgOutputAVX2(out *float32, ow int, m *float32, mstride int, bias float32, n int)

// wgInputRow and wgOutputRow check every bound the assembly relies on
// (n a multiple of 8, the last plane and row it touches inside the
// slices) before handing it raw pointers.
func wgInputRow(v []float32, vstride int, src []float32, rs, we, n int) {
	if !useAVX2 || n%8 != 0 || n == 0 {
		wgInputRowGo(v, vstride, src, rs, we, n)
		return
	}
	_ = v[15*vstride+n-1]
	_ = src[3*rs+we+n]
	wgInputAVX2(&v[0], vstride, &src[0], rs, we, n)
}

func wgOutputRow(out []float32, ow int, m []float32, mstride int, bias float32, n int) {
	if !useAVX2 || n%8 != 0 || n == 0 {
		wgOutputRowGo(out, ow, m, mstride, bias, n)
		return
	}
	_ = out[ow+2*n-1]
	_ = m[15*mstride+n-1]
	wgOutputAVX2(&out[0], ow, &m[0], mstride, bias, n)
}
