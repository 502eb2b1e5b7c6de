package nn

import (
	"math"
	"testing"
)

// TestClipGradNorm: under the bound nothing changes; above it every
// gradient is scaled by max/(‖g‖ + 1e-6), PyTorch's rule; parameters without
// a gradient are skipped.
func TestClipGradNorm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		mk := func() []*Param {
			a, b := NewParam("a", 2), NewParam("b", 1)
			copy(a.Grad.Data, []float32{3, 0})
			b.Grad.Data[0] = 4 // norm 5
			return []*Param{a, b, {Name: "frozen", Value: NewTensor(1)}}
		}
		ps := mk()
		n := ClipGradNorm(ps, 10, bk)
		if g0, g1 := ps[0].Grad.ToHost(), ps[1].Grad.ToHost(); n != 5 || g0[0] != 3 || g1[0] != 4 {
			t.Errorf("under the bound: norm %g, grads %v %v changed", n, g0, g1)
		}
		ps = mk()
		ClipGradNorm(ps, 1, bk)
		c := 1 / (5 + 1e-6)
		g0, g1 := ps[0].Grad.ToHost(), ps[1].Grad.ToHost()
		if !(math.Abs(float64(g0[0])-3*c) <= 1e-7 && math.Abs(float64(g1[0])-4*c) <= 1e-7 && g0[1] == 0) {
			t.Errorf("clipped to 1: grads %v %v, want [%g 0] [%g]", g0, g1, 3*c, 4*c)
		}
		// A longer gradient, against a float64 sum of squares.
		rng := newRand(5)
		big := []*Param{{Name: "w", Value: NewTensor(1000), Grad: randTensor(rng, 1, 1000)}}
		var ss float64
		for _, v := range big[0].Grad.Data {
			ss += float64(v) * float64(v)
		}
		if got := ClipGradNorm(big, 1e9, bk); math.Abs(got-math.Sqrt(ss)) > 1e-12*math.Sqrt(ss) {
			t.Errorf("norm of 1,000 values %v, want %v", got, math.Sqrt(ss))
		}
	})
}
