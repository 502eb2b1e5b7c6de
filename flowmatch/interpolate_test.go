package flowmatch

import (
	"math"
	"testing"
)

func TestLerpSlerp(t *testing.T) {
	a := []float32{3, 0, 0, 0}
	b := []float32{0, 3, 0, 0}
	dst := make([]float32, 4)
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	for _, l := range []float64{0, 0.25, 0.5, 1} {
		Slerp(dst, a, b, l)
		// On the circle of radius 3 at angle λ·π/2.
		if wx, wy := 3*math.Cos(l*math.Pi/2), 3*math.Sin(l*math.Pi/2); math.Abs(float64(dst[0])-wx) > 1e-6 || math.Abs(float64(dst[1])-wy) > 1e-6 {
			t.Errorf("Slerp λ=%v: %v, want (%v, %v, 0, 0)", l, dst, wx, wy)
		}
		Lerp(dst, a, b, l)
		if math.Abs(float64(dst[0])-3*(1-l)) > 1e-7 || math.Abs(float64(dst[1])-3*l) > 1e-7 {
			t.Errorf("Lerp λ=%v: %v", l, dst)
		}
	}
	// The midpoint of the chord is shorter by 1/√2, of the arc not.
	Lerp(dst, a, b, 0.5)
	if math.Abs(norm(dst)-3/math.Sqrt2) > 1e-6 {
		t.Errorf("Lerp midpoint norm %v, want 3/√2", norm(dst))
	}
	// Parallel vectors: Slerp falls back to Lerp instead of dividing by 0.
	c := []float32{6, 0, 0, 0}
	Slerp(dst, a, c, 0.5)
	if dst[0] != 4.5 || dst[1] != 0 {
		t.Errorf("Slerp of parallel vectors: %v, want (4.5, 0, 0, 0)", dst)
	}
	Slerp(dst, a, make([]float32, 4), 0.5)
	if dst[0] != 1.5 {
		t.Errorf("Slerp to zero: %v, want (1.5, 0, 0, 0)", dst)
	}
	mustPanic(t, "lengths", func() { Slerp(dst, a, b[:3], 0.5) })
}
