package nn

import (
	"fmt"
	"math/rand/v2"
)

// Linear is the affine map y = x·Wᵀ + b of torch.nn.Linear, with x [B,In],
// Weight [Out,In], Bias [Out] and y [B,Out].
type Linear struct {
	In, Out      int
	Weight, Bias *Param
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend

	x *Tensor // the input of the last Forward, read by Backward
}

// NewLinear returns a Linear initialised as PyTorch does
// (U(−1/√In, 1/√In) for weight and bias) from rng.
func NewLinear(in, out int, rng *rand.Rand) *Linear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: Linear(%d, %d): sizes must be positive", in, out))
	}
	l := &Linear{In: in, Out: out, Weight: NewParam("weight", out, in), Bias: NewParam("bias", out)}
	initKaiming(l.Weight.Value, l.Bias.Value, in, rng)
	return l
}

// Params returns Weight and Bias, in PyTorch's state_dict order.
func (l *Linear) Params() []*Param { return []*Param{l.Weight, l.Bias} }

// Forward computes y = x·Wᵀ + b. It keeps x for Backward.
func (l *Linear) Forward(y, x *Tensor) {
	checkShape("Linear input", x, x.Dim(0), l.In)
	checkShape("Linear output", y, x.Dim(0), l.Out)
	l.x = x
	backendOr(l.Backend).Linear(y, x, l.Weight.Value, l.Bias.Value)
}

// Backward adds the parameter gradients for output gradient dy to
// Weight.Grad and Bias.Grad and writes the input gradient to dx (skipped
// when dx is nil). It uses the input of the last Forward, which must not
// have changed since.
func (l *Linear) Backward(dx, dy *Tensor) {
	if l.x == nil {
		panic("nn: Linear.Backward before Forward")
	}
	B := l.x.Dim(0)
	checkShape("Linear output gradient", dy, B, l.Out)
	if dx != nil {
		checkShape("Linear input gradient", dx, B, l.In)
	}
	backendOr(l.Backend).LinearBackward(dx, l.Weight.Grad, l.Bias.Grad, dy, l.x, l.Weight.Value)
}
