package flowmatch_test

import (
	"context"
	"fmt"
	"math"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/nn"
)

// shrinkNet is the velocity field v(x, t) = (s − 1)/(1 − t + t·s)·x, whose
// flow carries N(0, 1) at t = 0 to N(0, s²) at t = 1 in every dimension: a
// Network with an exact Backward and no parameters.
type shrinkNet struct {
	s float64
	t []float64
}

func (n *shrinkNet) a(t float64) float64 { return (n.s - 1) / (1 - t + t*n.s) }

func (n *shrinkNet) Forward(v, x *nn.Tensor, t []float64) {
	n.t = append(n.t[:0], t...)
	d := len(x.Data) / len(t)
	for i := range x.Data {
		v.Data[i] = float32(n.a(t[i/d]) * float64(x.Data[i]))
	}
}

func (n *shrinkNet) Backward(dx, dv *nn.Tensor) {
	d := len(dv.Data) / len(n.t)
	for i := range dv.Data {
		dx.Data[i] = float32(n.a(n.t[i/d]) * float64(dv.Data[i]))
	}
}

func (n *shrinkNet) Params() []*nn.Param { return nil }

// The log-density of a point under a flow, from the augmented ODE, against
// the closed form of the Gaussian the flow ends on.
func ExampleLikelihood() {
	net := &shrinkNet{s: 0.5}
	y := []float32{0.25, -0.5} // one sample of 1×1×2 values
	set := &flowmatch.LikelihoodSettings{
		FlowSettings: flowmatch.FlowSettings{Channels: 1, Height: 1, Width: 2, RTol: 1e-8, ATol: 1e-8},
	}
	res, err := flowmatch.Likelihood(context.Background(), net, y, set)
	if err != nil {
		fmt.Println(err)
		return
	}
	// log N(y; 0, 0.25·I) = −ln(2π·0.25) − (0.25² + 0.5²)/(2·0.25).
	want := -math.Log(2*math.Pi*0.25) - (0.0625+0.25)/0.5
	fmt.Printf("log p = %.5f nats (closed form %.5f)\n", res.LogP[0], want)
	// Output:
	// log p = -1.07658 nats (closed form -1.07658)
}

// The bits per dimension of a dequantized 8-bit image from its
// log-density in the data scale, and the floor that the path's σmin sets.
func ExampleBitsPerDim() {
	// A 784-pixel image of log-density 1000 nats in the data scale.
	fmt.Printf("%.4f bits/dim\n", flowmatch.BitsPerDim(1000, 784))
	fmt.Printf("floor for σmin = 0.1: %.4f bits/dim\n", flowmatch.BitsPerDimFloor(flowmatch.SigmaMin))
	// Output:
	// 5.1542 bits/dim
	// floor for σmin = 0.1: 4.9982 bits/dim
}
