package flowmatch

import (
	"math/rand/v2"
	"testing"

	"github.com/windrose/windrose/nn"
)

// TestBackwardIsDeterministic runs the same forward and backward pass five
// times on fresh copies of a network and checks that the output and every
// parameter gradient agree bit for bit. Bit-identical resumption (see
// TestResumeIsExact) rests on it: the nn backend must sum every parallel
// reduction in an order that does not depend on goroutine scheduling. The
// batch (12 images) and width (16) are large enough for the convolutions to
// split their work over several chunks and goroutines.
func TestBackwardIsDeterministic(t *testing.T) {
	run := func() map[string][]float32 {
		net := nn.NewVelocityNet(nn.Config{Base: 16, TimeDim: 16, Groups: 8}, rand.New(rand.NewPCG(1, 2)))
		x := nn.NewTensor(12, 1, 28, 28)
		Noise(x.Data, 4)
		v := nn.NewTensor(12, 1, 28, 28)
		ts := make([]float64, 12)
		for i := range ts {
			ts[i] = (float64(i) + 0.5) / 12
		}
		net.Forward(v, x, ts)
		out := map[string][]float32{"output": append([]float32(nil), v.Data...)}
		net.ZeroGrad()
		net.Backward(nil, v)
		for _, p := range net.Params() {
			out[p.Name] = append([]float32(nil), p.Grad.Data...)
		}
		return out
	}
	want := run()
	for i := range 4 {
		got := run()
		sameBits(t, "repeat "+string(rune('1'+i)), got, want)
		if t.Failed() {
			t.Log("the nn backend's parallel reductions depend on scheduling: resumed runs will not be bit-identical")
			return
		}
	}
}
