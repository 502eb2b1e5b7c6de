package flowmatch

import (
	"fmt"
	"math/rand/v2"

	"github.com/windrose/windrose/nn"
)

// Network is a velocity network v_θ(x, t) over a batch of samples, each of
// shape channels × height × width: what the Trainer trains and what
// VelocityField presents to the solvers. nn.VelocityNet (the reference
// network), nn.UNet and nn.MLP satisfy it; so does any network built from
// nn's layers with exact backward passes.
//
// A Network that also has a method Infer(v, x *nn.Tensor, t []float64)
// computing Forward's output without keeping anything for Backward (as
// nn.VelocityNet and nn.UNet do) is sampled, encoded and decoded with it:
// the sampler never calls Backward after it.
type Network interface {
	// Forward writes v = v_θ(x, t) for x [B,C,H,W] at the per-sample
	// times t (len B) and keeps what Backward needs. v may not alias x.
	Forward(v, x *nn.Tensor, t []float64)
	// Backward adds to every parameter's Grad the gradient of a loss
	// whose gradient with respect to the last Forward's output is dv, and
	// writes the gradient with respect to that Forward's input to dx
	// (skipped when dx is nil).
	Backward(dx, dv *nn.Tensor)
	// Params returns the parameters, named as in the model file.
	Params() []*nn.Param
}

// inferer is a Network with a pass for inference alone (nn.VelocityNet's
// and nn.UNet's Infer): Forward's velocities up to rounding, from less
// memory and time, with nothing kept for Backward.
type inferer interface {
	Infer(v, x *nn.Tensor, t []float64)
}

// Infer writes v = v_θ(x, t) with net's inference pass when it has one
// (see Network), else with Forward: what the sampler runs. No Backward may
// follow it.
func Infer(net Network, v, x *nn.Tensor, t []float64) {
	if n, ok := net.(inferer); ok {
		n.Infer(v, x, t)
		return
	}
	net.Forward(v, x, t)
}

// InputGradient writes to dx the vector-Jacobian product dvᵀ·∂v/∂x of the
// last Forward of net, leaving every parameter's Grad unchanged: the
// product that divergence estimates for likelihoods need. It costs one
// Backward.
func InputGradient(net Network, dx, dv *nn.Tensor) {
	ps := net.Params()
	saved := make([]*nn.Tensor, len(ps))
	for i, p := range ps {
		saved[i], p.Grad = p.Grad, nil
	}
	defer func() {
		for i, p := range ps {
			p.Grad = saved[i]
		}
	}()
	net.Backward(dx, dv)
}

// NewNetwork returns the network of c's Arch for samples of the given
// shape, its weights drawn from rng, or an error naming what does not fit
// (the reference VelocityNet takes one channel of even height and width;
// a UNet of L levels needs height and width divisible by 2^(L−1)).
func (c Config) NewNetwork(channels, height, width int, rng *rand.Rand) (Network, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if channels < 1 || height < 1 || width < 1 || channels > maxChannels || height > maxSide || width > maxSide {
		return nil, fmt.Errorf("flowmatch: samples of shape %d×%d×%d; want 1 to %d channels of 1 to %d × %d", channels, height, width, maxChannels, maxSide, maxSide)
	}
	c = c.withDefaults()
	switch c.Arch {
	case "", ArchVelocityNet:
		if channels != 1 || height%2 != 0 || width%2 != 0 {
			return nil, fmt.Errorf("flowmatch: samples of shape %d×%d×%d: the VelocityNet needs one channel of even height and width", channels, height, width)
		}
		return nn.NewVelocityNet(nn.Config{Base: c.Base, TimeDim: c.TimeDim, Groups: groups}, rng), nil
	case ArchUNet:
		u := c.UNet.WithDefaults()
		u.Channels = channels
		if err := u.Validate(); err != nil {
			return nil, fmt.Errorf("flowmatch: Config.UNet: %w", err)
		}
		if f := 1 << (len(u.Mults) - 1); height%f != 0 || width%f != 0 {
			return nil, fmt.Errorf("flowmatch: samples of %d×%d: a UNet of %d levels needs height and width divisible by %d", height, width, len(u.Mults), f)
		}
		return nn.NewUNet(u, rng), nil
	case ArchMLP:
		m := c.MLP
		m.Dim = channels * height * width
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("flowmatch: Config.MLP: %w", err)
		}
		return nn.NewMLP(m, rng), nil
	}
	panic("flowmatch: internal error: unvalidated Arch " + c.Arch)
}

// Bounds on a sample's shape, far above any image this CPU engine trains
// on, so that no file or flag can ask for an absurd allocation.
const (
	maxChannels = 64
	maxSide     = 4096
)

// ParamCount returns the number of parameters of the network of c for
// samples of the given shape (channels, height, width), counted from the
// layer shapes without building it, in float64 so that no configuration
// overflows: loaders compare it with what a file holds before they
// allocate, and the command line with the memory a run may take.
func ParamCount(c Config, shape [3]int) float64 {
	c = c.withDefaults()
	conv := func(in, out, k float64) float64 { return in*out*k*k + out }
	lin := func(in, out float64) float64 { return in*out + out }
	res := func(ch, td float64) float64 { return 2*conv(ch, ch, 3) + lin(td, 2*ch) + 4*ch }
	switch c.Arch {
	case ArchUNet:
		u := c.UNet.WithDefaults()
		var ws []float64
		for _, m := range u.Mults {
			ws = append(ws, float64(u.Base)*float64(m))
		}
		td, ch := float64(u.TimeDim), float64(shape[0])
		n := 2*lin(td, td) + conv(ch, ws[0], 3) + 2*ws[0] + conv(ws[0], ch, 3)
		for i, w := range ws {
			n += float64(u.Blocks) * res(w, td)
			if i < len(ws)-1 {
				n += float64(u.Blocks)*res(w, td) + conv(w, ws[i+1], 4) + ws[i+1]*w*16 + w
			}
		}
		wl := ws[len(ws)-1]
		n += float64(u.Mid) * res(wl, td)
		if u.Attention && u.Mid > 1 {
			// GroupNorm, the 1×1 qkv and proj convolutions.
			n += float64(u.Mid-1) * (2*wl + conv(wl, 3*wl, 1) + conv(wl, wl, 1))
		}
		return n
	case ArchMLP:
		m := c.MLP.WithDefaults()
		d := float64(shape[0]) * float64(shape[1]) * float64(shape[2])
		h := float64(m.Hidden)
		return lin(d+float64(m.TimeDim), h) + float64(m.Layers-1)*lin(h, h) + lin(h, d)
	}
	b, td := float64(c.Base), float64(c.TimeDim)
	return 2*lin(td, td) + conv(1, b, 3) + 2*res(b, td) + conv(b, 2*b, 4) + 2*res(2*b, td) +
		(2*b*b*16 + b) + 2*b + conv(b, 1, 3)
}
