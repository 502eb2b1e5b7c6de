package nn

import "math"

// Element-wise kernels of the CPU backend. Each has a portable Go version
// here; on amd64 with AVX2 and FMA, elem_amd64.s does the multiple-of-8 bulk
// of each slice and the Go version the tail (and everything under the
// noasm build tag or on other architectures). The assembly evaluates the
// same formulas, with fused multiply-adds, so the two agree to a few float32
// ulps.

// addToGo computes dst[i] += src[i].
func addToGo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// affineGo computes dst[i] = src[i]·a + b.
func affineGo(dst, src []float32, a, b float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = v*a + b
	}
}

// siluAffineGo computes dst[i] = SiLU(src[i]·a + b).
func siluAffineGo(dst, src []float32, a, b float32) {
	src = src[:len(dst)]
	for i, v := range src {
		z := v*a + b
		dst[i] = z / (1 + expf(-z))
	}
}

// gnSiluBwdGo is the first backward pass of GroupNorm+SiLU over one
// channel: with x̂ = (x − mean)·rstd, z = γx̂ + β and σ = σ(z), it stores
// dz = dy·σ·(1 + z(1 − σ)) and returns Σdz and Σdz·x̂.
func gnSiluBwdGo(dz, x, dy []float32, mean, rstd, gamma, beta float32) (sdz, sdzx float32) {
	x, dy = x[:len(dz)], dy[:len(dz)]
	for i, v := range x {
		xh := (v - mean) * rstd
		z := xh*gamma + beta
		s := 1 / (1 + expf(-z))
		t := dy[i] * s * (1 + z*(1-s))
		dz[i] = t
		sdz += t
		sdzx += t * xh
	}
	return sdz, sdzx
}

// axpbyzGo computes d[i] = a·d[i] + c·x[i] + b.
func axpbyzGo(d, x []float32, a, c, b float32) {
	x = x[:len(d)]
	for i, v := range x {
		d[i] = a*d[i] + c*v + b
	}
}

// sumGo returns Σx.
func sumGo(x []float32) float32 {
	var s float32
	for _, v := range x {
		s += v
	}
	return s
}

// sumSqDevGo returns Σ(x − mean)².
func sumSqDevGo(x []float32, mean float32) float32 {
	var s float32
	for _, v := range x {
		d := v - mean
		s += d * d
	}
	return s
}

// dotSumGo returns Σg and Σg·h.
func dotSumGo(g, h []float32) (sg, sgh float32) {
	h = h[:len(g)]
	for i, v := range g {
		sg += v
		sgh += v * h[i]
	}
	return sg, sgh
}

// avxConsts are the constants of the vectorised expf, eight copies each so
// that the assembly can use them as 256-bit memory operands. The order is
// the assembly's (offset = 32·index).
type avxConsts [15][8]float32

var expConsts = func() *avxConsts {
	vals := [15]float32{
		expMaxArg, expMinArg, expLog2e, 0.5, expLn2Hi, expLn2Lo,
		expP0, expP1, expP2, expP3, expP4, expP5,
		1,
		math.Float32frombits(127),        // the exponent bias, as an int32 lane
		math.Float32frombits(0x80000000), // the sign bit
	}
	var c avxConsts
	for i, v := range vals {
		for j := range c[i] {
			c[i][j] = v
		}
	}
	return &c
}()
