package nn

import (
	"fmt"
	"math/rand/v2"
)

// ConvTranspose2d is torch.nn.ConvTranspose2d with a square kernel, equal
// stride and padding on both axes, output_padding 0 and a bias: the adjoint
// (transpose) of the Conv2d with the same geometry, plus Bias. Weight is
// [In,Out,Kernel,Kernel] as in PyTorch. An H×W input gives a
// (H−1)·Stride − 2·Padding + Kernel square output: 14×14 → 28×28 for the
// VelocityNet's kernel 4, stride 2, padding 1.
type ConvTranspose2d struct {
	In, Out, Kernel, Stride, Padding int
	Weight, Bias                     *Param
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend

	x *Tensor
}

// NewConvTranspose2d returns a ConvTranspose2d initialised as PyTorch does:
// U(−1/√fan_in, 1/√fan_in) for weight and bias with PyTorch's fan_in of a
// [In,Out,k,k] weight, Out·Kernel² (dimension 1 times the receptive field).
func NewConvTranspose2d(in, out, kernel, stride, padding int, rng *rand.Rand) *ConvTranspose2d {
	if in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 {
		panic(fmt.Sprintf("nn: ConvTranspose2d(%d, %d, kernel %d, stride %d, padding %d): bad geometry", in, out, kernel, stride, padding))
	}
	c := &ConvTranspose2d{In: in, Out: out, Kernel: kernel, Stride: stride, Padding: padding,
		Weight: NewParam("weight", in, out, kernel, kernel), Bias: NewParam("bias", out)}
	initKaiming(c.Weight.Value, c.Bias.Value, out*kernel*kernel, rng)
	return c
}

// Params returns Weight and Bias, in PyTorch's state_dict order.
func (c *ConvTranspose2d) Params() []*Param { return []*Param{c.Weight, c.Bias} }

// OutSize returns the output height and width for an h×w input:
// (h−1)·Stride − 2·Padding + Kernel.
func (c *ConvTranspose2d) OutSize(h, w int) (int, int) {
	return (h-1)*c.Stride - 2*c.Padding + c.Kernel, (w-1)*c.Stride - 2*c.Padding + c.Kernel
}

func (c *ConvTranspose2d) check(y, x *Tensor) {
	if x == nil || len(x.Shape) != 4 {
		panic(fmt.Sprintf("nn: ConvTranspose2d input %v is not [B,C,H,W]", x))
	}
	B, H, W := x.Dim(0), x.Dim(2), x.Dim(3)
	checkShape("ConvTranspose2d input", x, B, c.In, H, W)
	oh, ow := c.OutSize(H, W)
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: ConvTranspose2d input %dx%d gives an empty output", H, W))
	}
	checkShape("ConvTranspose2d output", y, B, c.Out, oh, ow)
}

// Forward computes y from x [B,In,H,W]; y must be [B,Out,OutSize(H,W)].
// It keeps x for Backward.
func (c *ConvTranspose2d) Forward(y, x *Tensor) {
	c.check(y, x)
	c.x = x
	backendOr(c.Backend).ConvTranspose2d(y, x, c.Weight.Value, c.Bias.Value, c.Stride, c.Padding)
}

// ForwardAdd is Forward adding r (shaped like y) to the output, the skip
// connection y = convT(x) + r, bit for bit Forward followed by
// Add{}.Forward(y, y, r). A backend that can add r as it writes y does (the
// CPU backends), which saves a pass over y; y must not alias r or x.
func (c *ConvTranspose2d) ForwardAdd(y, x, r *Tensor) {
	c.check(y, x)
	checkShape("ConvTranspose2d residual", r, y.Shape...)
	c.x = x
	bk := backendOr(c.Backend)
	if a, ok := bk.(convTransposeAdder); ok {
		a.ConvTranspose2dAdd(y, x, c.Weight.Value, c.Bias.Value, r, c.Stride, c.Padding)
		return
	}
	bk.ConvTranspose2d(y, x, c.Weight.Value, c.Bias.Value, c.Stride, c.Padding)
	bk.Add(y, y, r)
}

// convTransposeAdder is implemented by backends with a fused
// ConvTranspose2d + Add (ConvTranspose2dAdd: y = convT(x) + b + r, bit for
// bit the two calls).
type convTransposeAdder interface {
	ConvTranspose2dAdd(y, x, w, b, r *Tensor, stride, pad int)
}

// Backward adds the parameter gradients for output gradient dy to
// Weight.Grad and Bias.Grad and writes the input gradient to dx (skipped
// when dx is nil). It uses the input of the last Forward.
func (c *ConvTranspose2d) Backward(dx, dy *Tensor) {
	if c.x == nil {
		panic("nn: ConvTranspose2d.Backward before Forward")
	}
	c.check(dy, c.x)
	if dx != nil {
		checkShape("ConvTranspose2d input gradient", dx, c.x.Shape...)
	}
	backendOr(c.Backend).ConvTranspose2dBackward(dx, c.Weight.Grad, c.Bias.Grad, dy, c.x, c.Weight.Value, c.Stride, c.Padding)
}
