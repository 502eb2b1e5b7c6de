package nn

import "math"

// Fast float32 exponential and the sigmoid/SiLU built on it. SiLU runs on every
// activation of the network twice per training step (forward, and again in
// backward to recompute σ), so math.Exp's float64 round trip is a measurable
// part of a step; this single-precision version is accurate to a few float32
// ulps, far below the noise of float32 training.

// Constants of Cephes' expf (Stephen L. Moshier, Cephes Math Library 2.2,
// expf.c): ln 2 split into a high part exactly representable with 8 bits of
// mantissa and a low-order correction, so n·ln2Hi is exact for |n| ≤ 2^15;
// and the degree-5 polynomial for (e^r − 1 − r)/r² on [−ln2/2, ln2/2], whose
// peak relative error Cephes gives as 4.2e-9.
const (
	expLn2Hi  = 0.693359375
	expLn2Lo  = -2.12194440e-4
	expLog2e  = 1.44269504088896341
	expP0     = 1.9875691500e-4
	expP1     = 1.3981999507e-3
	expP2     = 8.3334519073e-3
	expP3     = 4.1665795894e-2
	expP4     = 1.6666665459e-1
	expP5     = 5.0000001201e-1
	expMaxArg = 88  // e^88 ≈ 1.65e38 < MaxFloat32 ≈ 3.40e38; 2^n stays normal
	expMinArg = -87 // e^-87 ≈ 1.6e-38 > SmallestNormalFloat32 ≈ 1.18e-38
)

// expf returns e^x in float32, clamping x to [−87, 88] (so the result is
// always finite and normal; callers only use it inside σ, where the clamp
// changes σ by less than 1e-38).
func expf(x float32) float32 {
	if x > expMaxArg {
		x = expMaxArg
	} else if x < expMinArg {
		x = expMinArg
	}
	// n = round(x·log2 e); r = x − n·ln 2 in [−ln2/2, ln2/2].
	z := x*expLog2e + 0.5
	n := int32(z)
	if z < 0 && float32(n) != z { // floor for negative values
		n--
	}
	fn := float32(n)
	r := x - fn*expLn2Hi
	r -= fn * expLn2Lo
	p := ((((expP0*r+expP1)*r+expP2)*r+expP3)*r+expP4)*r + expP5
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// sigmoid returns 1/(1+e^−x).
func sigmoid(x float32) float32 { return 1 / (1 + expf(-x)) }
