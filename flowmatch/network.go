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
