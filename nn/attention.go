package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Attention is a single-head self-attention block over the positions of an
// image, as in the U-Nets of DDPM (Ho et al., "Denoising Diffusion
// Probabilistic Models", NeurIPS 2020), with a residual connection: for
// x [B,C,H,W] and its N = H·W positions,
//
//	h = Norm(x)                                   GroupNorm, no SiLU
//	q, k, v = chunk(QKV(h), 3)                    QKV a 1×1 Conv2d(C, 3C)
//	A = softmax over keys of qᵀk/√C               [N,N] per sample
//	o[c,i] = Σ_j A[i,j]·v[c,j]
//	y = x + Proj(o)                               Proj a 1×1 Conv2d(C, C)
//
// Its parameters are named as the PyTorch module's (testdata/torch/unet.py,
// AttnBlock): norm.*, qkv.*, proj.*.
type Attention struct {
	Channels int
	Norm     *GroupNorm
	QKV      *Conv2d
	Proj     *Conv2d
	// Backend computes the attention itself; nil means DefaultBackend().
	Backend Backend

	add Add
	// Activations of the last Forward, kept for Backward.
	h, qkv, p, o Tensor // Norm(x), QKV(h), the probabilities [B,N,N], attention output
	// Gradient buffers.
	do, dqkv, dh Tensor
	forwarded    bool
}

// NewAttention returns an Attention block for ch channels with GroupNorm
// groups, its convolutions initialised as PyTorch does, in PyTorch's order
// (qkv, then proj).
func NewAttention(ch, groups int, rng *rand.Rand) *Attention {
	if ch%groups != 0 {
		panic(fmt.Sprintf("nn: Attention(%d channels): not a multiple of %d groups", ch, groups))
	}
	a := &Attention{Channels: ch}
	a.Norm = NewGroupNorm(groups, ch)
	a.QKV = NewConv2d(ch, 3*ch, 1, 1, 0, rng)
	a.Proj = NewConv2d(ch, ch, 1, 1, 0, rng)
	return a
}

// SetBackend makes every layer of the block use b (nil: DefaultBackend()).
func (a *Attention) SetBackend(b Backend) {
	a.Backend = b
	a.Norm.Backend, a.QKV.Backend, a.Proj.Backend, a.add.Backend = b, b, b, b
}

// Params returns the block's parameters with their PyTorch state_dict names
// relative to the block: norm.weight, norm.bias, qkv.weight, qkv.bias,
// proj.weight, proj.bias.
func (a *Attention) Params() []*Param {
	var ps []*Param
	ps = append(ps, prefix("norm", a.Norm.Params())...)
	ps = append(ps, prefix("qkv", a.QKV.Params())...)
	ps = append(ps, prefix("proj", a.Proj.Params())...)
	return ps
}

// scale returns 1/√C, the factor of the attention logits.
func (a *Attention) scale() float32 { return float32(1 / math.Sqrt(float64(a.Channels))) }

// Forward computes y from x [B,Channels,H,W]; y may not alias x. It keeps
// what Backward needs (x among it, which must not change before Backward).
func (a *Attention) Forward(y, x *Tensor) {
	if x == nil || len(x.Shape) != 4 {
		panic(fmt.Sprintf("nn: Attention input %v is not [B,C,H,W]", x))
	}
	B, C, H, W := x.Dim(0), a.Channels, x.Dim(2), x.Dim(3)
	checkShape("Attention input", x, B, C, H, W)
	checkShape("Attention output", y, x.Shape...)
	a.h.Resize(x.Shape...)
	a.o.Resize(x.Shape...)
	a.qkv.Resize(B, 3*C, H, W)
	a.p.Resize(B, H*W, H*W)

	a.Norm.Forward(&a.h, x)
	a.QKV.Forward(&a.qkv, &a.h)
	backendOr(a.Backend).Attention(&a.o, &a.p, &a.qkv, a.scale())
	a.Proj.Forward(y, &a.o)
	a.add.Forward(y, y, x)
	a.forwarded = true
}

// Backward adds the parameter gradients for output gradient dy and writes
// the gradient of the input to dx (dx may be dy; skipped when nil, the
// parameter gradients still accumulate).
func (a *Attention) Backward(dx, dy *Tensor) {
	if !a.forwarded {
		panic("nn: Attention.Backward before Forward")
	}
	shape := a.h.Shape
	checkShape("Attention output gradient", dy, shape...)
	if dx != nil {
		checkShape("Attention input gradient", dx, shape...)
	}
	a.do.Resize(shape...)
	a.dh.Resize(shape...)
	a.dqkv.Resize(a.qkv.Shape...)

	a.Proj.Backward(&a.do, dy)
	backendOr(a.Backend).AttentionBackward(&a.dqkv, &a.do, &a.p, &a.qkv, a.scale())
	a.QKV.Backward(&a.dh, &a.dqkv)
	if dx == nil {
		a.Norm.Backward(nil, &a.dh)
		return
	}
	a.Norm.Backward(&a.dh, &a.dh)
	a.add.Forward(dx, dy, &a.dh)
}
