package nn

import (
	"fmt"
	"math/rand/v2"
)

// Config sets the VelocityNet's size. The zero value is the exact reference
// network (docs/reference.md, 1,135,361 parameters).
type Config struct {
	// Base is the channel count at full resolution; the half-resolution
	// stage has 2·Base. Zero means 64, the reference. Base must be a
	// multiple of Groups.
	Base int
	// TimeDim is the width of the sinusoidal time embedding, of the time
	// MLP and of the FiLM inputs. Zero means 128, the reference.
	TimeDim int
	// Groups is the number of GroupNorm groups. Zero means 8, the reference.
	Groups int
	// Backend computes every layer. Nil means DefaultBackend().
	Backend Backend
}

func (c Config) withDefaults() Config {
	if c.Base == 0 {
		c.Base = 64
	}
	if c.TimeDim == 0 {
		c.TimeDim = 128
	}
	if c.Groups == 0 {
		c.Groups = 8
	}
	if c.Base < 0 || c.TimeDim < 4 || c.TimeDim%2 != 0 || c.Groups < 0 || c.Base%c.Groups != 0 {
		panic(fmt.Sprintf("nn: bad VelocityNet config %+v (Base a multiple of Groups, TimeDim even and ≥ 4)", c))
	}
	return c
}

// VelocityNet is the flow-matching velocity field v_θ(x, t) of the reference
// recipe (docs/reference.md), a small U-Net (Ronneberger et al., MICCAI
// 2015) with one downsampling stage:
//
//	temb = Linear(SiLU(Linear(sinusoidal(t))))
//	h1 = RB1(InConv(x))                      Base × H × W
//	h2 = Mid(RB2(Down(h1)))                  2·Base × H/2 × W/2
//	h3 = RB3(Up(h2) + h1)                    Base × H × W
//	v  = OutConv(SiLU(OutNorm(h3)))          1 × H × W
//
// InConv and OutConv are 3×3 convolutions with padding 1, Down a 4×4 stride-2
// convolution with padding 1, Up its transposed counterpart, and every
// ResBlock receives temb. Its parameters carry PyTorch's state_dict names, so
// checkpoints move both ways (see Save and Load).
//
// Forward keeps the activations that Backward needs in buffers owned by the
// net and sized for the batch; they are reused by every later call with a
// batch no larger, so a training loop allocates nothing large after its
// first step. A VelocityNet is not safe for concurrent use.
type VelocityNet struct {
	Config   Config
	TimeMLP0 *Linear // time_mlp.0
	TimeMLP2 *Linear // time_mlp.2
	InConv   *Conv2d
	RB1      *ResBlock
	Down     *Conv2d
	RB2, Mid *ResBlock
	Up       *ConvTranspose2d
	RB3      *ResBlock
	OutNorm  *GroupNorm // with SiLU fused
	OutConv  *Conv2d

	params  []*Param
	embed   TimeEmbedding
	timeAct SiLU
	add     Add

	batch, h, w int
	// Forward activations.
	emb, m1, m1a, temb Tensor
	h0, h1, d, h2, h2m Tensor
	u, h3, o           Tensor
	// Backward buffers.
	g28a, g28b, g14       Tensor
	dtemb, dtmp, dm, dm1a Tensor
	forwarded, backwarded bool
}

// NewVelocityNet returns a VelocityNet of the given configuration, its
// parameters drawn from rng with PyTorch's default initialisation, layer by
// layer in PyTorch's order.
func NewVelocityNet(cfg Config, rng *rand.Rand) *VelocityNet {
	cfg = cfg.withDefaults()
	c, c2, td, g := cfg.Base, 2*cfg.Base, cfg.TimeDim, cfg.Groups
	n := &VelocityNet{Config: cfg}
	n.TimeMLP0 = NewLinear(td, td, rng)
	n.TimeMLP2 = NewLinear(td, td, rng)
	n.InConv = NewConv2d(1, c, 3, 1, 1, rng)
	n.RB1 = NewResBlock(c, td, g, rng)
	n.Down = NewConv2d(c, c2, 4, 2, 1, rng)
	n.RB2 = NewResBlock(c2, td, g, rng)
	n.Mid = NewResBlock(c2, td, g, rng)
	n.Up = NewConvTranspose2d(c2, c, 4, 2, 1, rng)
	n.RB3 = NewResBlock(c, td, g, rng)
	n.OutNorm = NewGroupNorm(g, c)
	n.OutNorm.SiLU = true
	n.OutConv = NewConv2d(c, 1, 3, 1, 1, rng)
	n.embed.Dim = td

	add := func(name string, ps []*Param) { n.params = append(n.params, prefix(name, ps)...) }
	add("time_mlp.0", n.TimeMLP0.Params())
	add("time_mlp.2", n.TimeMLP2.Params())
	add("in_conv", n.InConv.Params())
	add("rb1", n.RB1.Params())
	add("down", n.Down.Params())
	add("rb2", n.RB2.Params())
	add("mid", n.Mid.Params())
	add("up", n.Up.Params())
	add("rb3", n.RB3.Params())
	add("out_norm", n.OutNorm.Params())
	add("out_conv", n.OutConv.Params())
	n.SetBackend(cfg.Backend)
	return n
}

// SetBackend makes every layer use b (nil: DefaultBackend()).
func (n *VelocityNet) SetBackend(b Backend) {
	n.Config.Backend = b
	n.TimeMLP0.Backend, n.TimeMLP2.Backend, n.InConv.Backend = b, b, b
	n.Down.Backend, n.Up.Backend, n.OutNorm.Backend, n.OutConv.Backend = b, b, b, b
	for _, r := range []*ResBlock{n.RB1, n.RB2, n.Mid, n.RB3} {
		r.SetBackend(b)
	}
	n.embed.Backend, n.timeAct.Backend, n.add.Backend = b, b, b
}

// Params returns the parameters in PyTorch's state_dict order, named as
// there (time_mlp.0.weight, …, rb1.film.1.weight, …, out_conv.bias).
func (n *VelocityNet) Params() []*Param { return n.params }

// ZeroGrad sets every parameter gradient to zero.
func (n *VelocityNet) ZeroGrad() { ZeroGrad(n.params) }

func (n *VelocityNet) resize(B, H, W int) {
	if B == n.batch && H == n.h && W == n.w {
		return
	}
	n.batch, n.h, n.w = B, H, W
	c, c2, td := n.Config.Base, 2*n.Config.Base, n.Config.TimeDim
	for _, t := range []*Tensor{&n.dtemb, &n.dtmp, &n.dm, &n.dm1a} {
		t.Resize(B, td)
	}
	for _, t := range []*Tensor{&n.h0, &n.h1, &n.u, &n.h3, &n.o} {
		t.Resize(B, c, H, W)
	}
	for _, t := range []*Tensor{&n.d, &n.h2, &n.h2m} {
		t.Resize(B, c2, H/2, W/2)
	}
}

// Forward computes v = v_θ(x, t) for a batch x [B,1,H,W] (H and W even; 28
// for MNIST) at per-sample times t (len B), writing v [B,1,H,W]. v may not
// alias x.
func (n *VelocityNet) Forward(v, x *Tensor, t []float64) {
	B, H, W := n.check(v, x, t)
	n.resize(B, H, W)
	n.timeEmbedding(t)

	n.InConv.Forward(&n.h0, x)
	n.RB1.Forward(&n.h1, &n.h0, &n.temb)
	n.Down.Forward(&n.d, &n.h1)
	n.RB2.Forward(&n.h2, &n.d, &n.temb)
	n.Mid.Forward(&n.h2m, &n.h2, &n.temb)
	n.Up.ForwardAdd(&n.u, &n.h2m, &n.h1)
	n.RB3.Forward(&n.h3, &n.u, &n.temb)
	n.OutNorm.Forward(&n.o, &n.h3)
	n.OutConv.Forward(v, &n.o)
	n.forwarded = true
}

// check panics unless v, x and t are a valid Forward or Infer call, and
// returns the batch size and the image height and width.
func (n *VelocityNet) check(v, x *Tensor, t []float64) (B, H, W int) {
	if x == nil || len(x.Shape) != 4 || x.Dim(1) != 1 {
		panic(fmt.Sprintf("nn: VelocityNet input %v is not [B,1,H,W]", x))
	}
	B, H, W = x.Dim(0), x.Dim(2), x.Dim(3)
	if H%2 != 0 || W%2 != 0 || H < 2 || W < 2 {
		panic(fmt.Sprintf("nn: VelocityNet input %dx%d: height and width must be even", H, W))
	}
	if len(t) != B {
		panic(fmt.Sprintf("nn: VelocityNet got %d times for a batch of %d", len(t), B))
	}
	checkShape("VelocityNet output", v, x.Shape...)
	return B, H, W
}

// timeEmbedding computes temb = Linear(SiLU(Linear(sinusoidal(t)))).
func (n *VelocityNet) timeEmbedding(t []float64) {
	timeMLP(t, n.Config.TimeDim, &n.embed, n.TimeMLP0, &n.timeAct, n.TimeMLP2, &n.emb, &n.m1, &n.m1a, &n.temb)
}

// Infer computes what Forward does, for inference alone (up to rounding: the
// CPU backends run FiLM and the GroupNorm after it as one layer, see
// ResBlock): it keeps nothing for Backward and runs on seven buffers' worth
// of activations (five at full resolution, four of half their size) where
// Forward keeps about eighteen; they are Forward's own, so a net that has
// run Forward needs no more for Infer. Backward may not follow Infer: it
// panics until the next Forward.
func (n *VelocityNet) Infer(v, x *Tensor, t []float64) {
	B, H, W := n.check(v, x, t)
	n.forwarded = false
	// Infer's buffers are Forward's and Backward's (free while Infer
	// runs, since no Backward may follow it), so that a net that both
	// trains and samples holds the larger pass's buffers, not both; the
	// next Forward sizes them again.
	n.batch = 0
	c, c2 := n.Config.Base, 2*n.Config.Base
	a, b, skip, ta, tb := &n.h0, &n.h1, &n.u, &n.h3, &n.o
	p, q, ta2, tb2 := &n.d, &n.h2, &n.h2m, &n.g14
	for _, t := range []*Tensor{a, b, skip, ta, tb} {
		t.Resize(B, c, H, W)
	}
	for _, t := range []*Tensor{p, q, ta2, tb2} {
		t.Resize(B, c2, H/2, W/2)
	}
	n.timeEmbedding(t)

	n.InConv.Forward(a, x)
	n.RB1.infer(skip, a, &n.temb, ta, tb)
	n.Down.Forward(p, skip)
	n.RB2.infer(q, p, &n.temb, ta2, tb2)
	n.Mid.infer(p, q, &n.temb, ta2, tb2)
	n.Up.ForwardAdd(a, p, skip)
	n.RB3.infer(b, a, &n.temb, ta, tb)
	n.OutNorm.Forward(ta, b)
	n.OutConv.Forward(v, ta)
}

// Backward adds to every parameter's Grad the gradient of a loss whose
// gradient with respect to the last Forward's output is dv, and writes the
// gradient with respect to the input x to dx (skipped when dx is nil; the
// input gradient is what likelihood estimation needs). The input x of the
// last Forward must not have changed.
func (n *VelocityNet) Backward(dx, dv *Tensor) {
	if !n.forwarded {
		panic("nn: VelocityNet.Backward before Forward")
	}
	B, H, W := n.batch, n.h, n.w
	checkShape("VelocityNet output gradient", dv, B, 1, H, W)
	if dx != nil {
		checkShape("VelocityNet input gradient", dx, B, 1, H, W)
	}
	c, c2 := n.Config.Base, 2*n.Config.Base
	n.g28a.Resize(B, c, H, W)
	n.g28b.Resize(B, c, H, W)
	n.g14.Resize(B, c2, H/2, W/2)
	ga, gb, g14 := &n.g28a, &n.g28b, &n.g14

	n.OutConv.Backward(ga, dv)
	n.OutNorm.Backward(ga, ga)
	n.RB3.Backward(ga, &n.dtemb, ga) // ga: gradient at u = Up(h2m) + h1
	n.Up.Backward(g14, ga)
	n.Mid.Backward(g14, &n.dtmp, g14)
	n.add.Forward(&n.dtemb, &n.dtemb, &n.dtmp)
	n.RB2.Backward(g14, &n.dtmp, g14)
	n.add.Forward(&n.dtemb, &n.dtemb, &n.dtmp)
	n.Down.Backward(gb, g14)
	n.add.Forward(gb, gb, ga) // the skip connection h1 → u
	n.RB1.Backward(gb, &n.dtmp, gb)
	n.add.Forward(&n.dtemb, &n.dtemb, &n.dtmp)
	n.InConv.Backward(dx, gb)

	n.TimeMLP2.Backward(&n.dm1a, &n.dtemb)
	n.timeAct.Backward(&n.dm, &n.dm1a)
	n.TimeMLP0.Backward(nil, &n.dm)
}

// InputGradient writes to dx the gradient with respect to the input x of the
// last Forward of Σ dv·v(x, t), the vector-Jacobian product dvᵀ·∂v/∂x,
// without computing any parameter gradient (the parameters' Grad are left
// as they are): what Hutchinson's trace estimator of the divergence needs
// for likelihoods. Skipping the weight-gradient products removes about half
// of Backward's arithmetic.
func (n *VelocityNet) InputGradient(dx, dv *Tensor) {
	if dx == nil {
		panic("nn: VelocityNet.InputGradient with a nil destination")
	}
	saved := make([]*Tensor, len(n.params))
	for i, p := range n.params {
		saved[i], p.Grad = p.Grad, nil
	}
	defer func() {
		for i, p := range n.params {
			p.Grad = saved[i]
		}
	}()
	n.Backward(dx, dv)
}

// Save writes the parameters to a safetensors file under their PyTorch names,
// atomically, with the given metadata (may be nil).
func (n *VelocityNet) Save(path string, metadata map[string]string) error {
	return SaveParams(path, n.params, metadata)
}

// Load reads parameters saved by Save or exported from PyTorch's state_dict.
// It refuses, changing nothing, a file that lacks a parameter or holds one
// with another shape, and returns the file's metadata.
func (n *VelocityNet) Load(path string) (map[string]string, error) {
	return LoadParams(path, n.params)
}
