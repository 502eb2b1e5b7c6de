package flowmatch

import "github.com/windrose/windrose/nn"

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
