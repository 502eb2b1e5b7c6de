package nn

import (
	"fmt"
	"math/rand/v2"
)

// Conv2d is torch.nn.Conv2d with a square kernel, equal stride and zero
// padding on both axes, and a bias: for x [B,In,H,W],
// y[b,o,i,j] = Bias[o] + Σ_{c,u,v} Weight[o,c,u,v]·x[b,c,i·Stride−Padding+u, j·Stride−Padding+v],
// reading zero outside the image. Weight is [Out,In,Kernel,Kernel].
type Conv2d struct {
	In, Out, Kernel, Stride, Padding int
	Weight, Bias                     *Param
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend

	x *Tensor
}

// NewConv2d returns a Conv2d initialised as PyTorch does
// (U(−1/√fan_in, 1/√fan_in), fan_in = In·Kernel²) from rng.
func NewConv2d(in, out, kernel, stride, padding int, rng *rand.Rand) *Conv2d {
	if in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 {
		panic(fmt.Sprintf("nn: Conv2d(%d, %d, kernel %d, stride %d, padding %d): bad geometry", in, out, kernel, stride, padding))
	}
	c := &Conv2d{In: in, Out: out, Kernel: kernel, Stride: stride, Padding: padding,
		Weight: NewParam("weight", out, in, kernel, kernel), Bias: NewParam("bias", out)}
	initKaiming(c.Weight.Value, c.Bias.Value, in*kernel*kernel, rng)
	return c
}

// Params returns Weight and Bias, in PyTorch's state_dict order.
func (c *Conv2d) Params() []*Param { return []*Param{c.Weight, c.Bias} }

// OutSize returns the output height and width for an h×w input:
// ⌊(h + 2·Padding − Kernel)/Stride⌋ + 1, as PyTorch.
func (c *Conv2d) OutSize(h, w int) (int, int) {
	return (h+2*c.Padding-c.Kernel)/c.Stride + 1, (w+2*c.Padding-c.Kernel)/c.Stride + 1
}

func (c *Conv2d) check(y, x *Tensor) {
	if x == nil || len(x.Shape) != 4 {
		panic(fmt.Sprintf("nn: Conv2d input %v is not [B,C,H,W]", x))
	}
	B, H, W := x.Dim(0), x.Dim(2), x.Dim(3)
	checkShape("Conv2d input", x, B, c.In, H, W)
	oh, ow := c.OutSize(H, W)
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: Conv2d input %dx%d is smaller than the kernel", H, W))
	}
	checkShape("Conv2d output", y, B, c.Out, oh, ow)
}

// Forward computes y from x [B,In,H,W]; y must be [B,Out,OutSize(H,W)].
// It keeps x for Backward.
func (c *Conv2d) Forward(y, x *Tensor) {
	c.check(y, x)
	c.x = x
	backendOr(c.Backend).Conv2d(y, x, c.Weight.Value, c.Bias.Value, c.Stride, c.Padding)
}

// ForwardAdd is Forward adding r (shaped like y) to the output, the
// residual connection y = conv(x) + r, bit for bit Forward followed by
// Add{}.Forward(y, y, r). A backend that can add r as it writes y does
// (the CPU backend's F(4×4, 3×3) convolutions), which saves a pass over y;
// y must not alias r or x.
func (c *Conv2d) ForwardAdd(y, x, r *Tensor) {
	c.check(y, x)
	checkShape("Conv2d residual", r, y.Shape...)
	c.x = x
	bk := backendOr(c.Backend)
	if a, ok := bk.(convAdder); ok {
		a.Conv2dAdd(y, x, c.Weight.Value, c.Bias.Value, r, c.Stride, c.Padding)
		return
	}
	bk.Conv2d(y, x, c.Weight.Value, c.Bias.Value, c.Stride, c.Padding)
	bk.Add(y, y, r)
}

// convAdder is implemented by backends with a fused Conv2d + Add
// (Conv2dAdd: y = w ⋆ x + b + r, bit for bit the two calls).
type convAdder interface {
	Conv2dAdd(y, x, w, b, r *Tensor, stride, pad int)
}

// Backward adds the parameter gradients for output gradient dy to
// Weight.Grad and Bias.Grad and writes the input gradient to dx (skipped
// when dx is nil). It uses the input of the last Forward, which must not
// have changed since.
func (c *Conv2d) Backward(dx, dy *Tensor) {
	if c.x == nil {
		panic("nn: Conv2d.Backward before Forward")
	}
	c.check(dy, c.x)
	if dx != nil {
		checkShape("Conv2d input gradient", dx, c.x.Shape...)
	}
	backendOr(c.Backend).Conv2dBackward(dx, c.Weight.Grad, c.Bias.Grad, dy, c.x, c.Weight.Value, c.Stride, c.Padding)
}
