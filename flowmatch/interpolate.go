package flowmatch

import (
	"fmt"
	"math"
)

// Lerp writes the linear interpolation (1 − λ)·a + λ·b to dst. Between two
// independent Gaussian noise vectors it passes through points of smaller
// norm than either (at λ = ½ the expected norm is 1/√2 of theirs), noise
// of a kind the flow never saw at t = 0; Slerp keeps the norm. It panics if
// the lengths differ.
func Lerp(dst, a, b []float32, lambda float64) {
	if len(a) != len(b) || len(dst) != len(a) {
		panic(fmt.Sprintf("flowmatch: Lerp: lengths %d, %d, %d", len(dst), len(a), len(b)))
	}
	for i := range dst {
		dst[i] = float32((1-lambda)*float64(a[i]) + lambda*float64(b[i]))
	}
}

// Slerp writes the spherical linear interpolation of a and b (Shoemake,
// "Animating rotation with quaternion curves", SIGGRAPH 1985; for latent
// noise, White, "Sampling Generative Networks", 2016):
//
//	sin((1 − λ)θ)/sin θ · a + sin(λθ)/sin θ · b,   cos θ = a·b/(|a||b|),
//
// which keeps the norm of the endpoints when they have equal norms, as two
// high-dimensional Gaussian draws nearly do. For (anti)parallel or zero
// vectors, where θ is undefined or the formula divides by sin θ ≈ 0, it
// falls back to Lerp. It panics if the lengths differ.
func Slerp(dst, a, b []float32, lambda float64) {
	if len(a) != len(b) || len(dst) != len(a) {
		panic(fmt.Sprintf("flowmatch: Slerp: lengths %d, %d, %d", len(dst), len(a), len(b)))
	}
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	c := ab / math.Sqrt(aa*bb)
	theta := math.Acos(math.Max(-1, math.Min(1, c)))
	s := math.Sin(theta)
	// Below 1e-6 the weights lose about half their digits to cancellation
	// and the arc is indistinguishable from the chord anyway.
	if !(s > 1e-6) {
		Lerp(dst, a, b, lambda)
		return
	}
	wa := math.Sin((1-lambda)*theta) / s
	wb := math.Sin(lambda*theta) / s
	for i := range dst {
		dst[i] = float32(wa*float64(a[i]) + wb*float64(b[i]))
	}
}
