package flowmatch

import (
	"math"
	"testing"

	"github.com/windrose/windrose/nn"
)

func TestClipGradNorm(t *testing.T) {
	mk := func() []*nn.Param {
		a, b := nn.NewParam("a", 2), nn.NewParam("b", 1)
		copy(a.Grad.Data, []float32{3, 0})
		b.Grad.Data[0] = 4 // norm 5
		return []*nn.Param{a, b, {Name: "frozen", Value: nn.NewTensor(1)}}
	}
	ps := mk()
	if n := clipGradNorm(ps, 10); n != 5 || ps[0].Grad.Data[0] != 3 || ps[1].Grad.Data[0] != 4 {
		t.Errorf("under the bound: norm %g, grads %v %v changed", n, ps[0].Grad.Data, ps[1].Grad.Data)
	}
	ps = mk()
	clipGradNorm(ps, 1)
	c := 1 / (5 + 1e-6)
	if math.Abs(float64(ps[0].Grad.Data[0])-3*c) > 1e-7 || math.Abs(float64(ps[1].Grad.Data[0])-4*c) > 1e-7 {
		t.Errorf("clipped to 1: grads %v %v, want %g %g", ps[0].Grad.Data, ps[1].Grad.Data, 3*c, 4*c)
	}
}
