package flowmatch

import (
	"fmt"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// VelocityField presents a VelocityNet to the ODE solvers as an
// ode.VectorField[float32] over a batch: the state x is B images of H×W
// pixels one after the other (B = len(x)/(H·W), any B), and the scalar time
// t of the solver is given to every image. It is also an
// ode.BatchField[float32], whose EvalBatch gives each image its own time,
// for ode.BatchSolver's per-sample steps. Eval and EvalBatch run the
// network on x itself, without copying it. A VelocityField is not safe for
// concurrent use (nor is its network).
type VelocityField struct {
	Net *nn.VelocityNet
	// H and W are the image height and width; zero means 28 (MNIST).
	H, W int

	times []float64
	x, v  nn.Tensor
}

var (
	_ ode.VectorField[float32] = (*VelocityField)(nil)
	_ ode.BatchField[float32]  = (*VelocityField)(nil)
)

// NewVelocityField returns the field of net for 28×28 images.
func NewVelocityField(net *nn.VelocityNet) *VelocityField {
	return &VelocityField{Net: net}
}

func (f *VelocityField) size() (int, int) {
	h, w := f.H, f.W
	if h == 0 {
		h = 28
	}
	if w == 0 {
		w = 28
	}
	return h, w
}

// Eval writes v_θ(x, t) into dst. It panics with a "flowmatch: ..."
// message if len(x) is not a multiple of H·W or len(dst) != len(x).
func (f *VelocityField) Eval(dst []float32, t float64, x []float32) {
	h, w := f.size()
	if len(x)%(h*w) != 0 || len(dst) != len(x) || len(x) == 0 {
		panic(fmt.Sprintf("flowmatch: VelocityField: len(x) = %d, len(dst) = %d, want the same non-zero multiple of %d×%d", len(x), len(dst), h, w))
	}
	b := len(x) / (h * w)
	f.times = f.times[:0]
	for range b {
		f.times = append(f.times, t)
	}
	f.forward(dst, f.times, x)
}

// EvalBatch writes v_θ(x_j, t[j]) for each image x_j of x into dst: one
// network forward pass for the whole batch, each image at its own time. It
// panics with a "flowmatch: ..." message unless len(x) == len(dst) ==
// len(t)·H·W > 0.
func (f *VelocityField) EvalBatch(dst []float32, t []float64, x []float32) {
	h, w := f.size()
	if len(x) != len(t)*h*w || len(dst) != len(x) || len(x) == 0 {
		panic(fmt.Sprintf("flowmatch: VelocityField: len(x) = %d, len(dst) = %d, want both %d times (len(t)) %d×%d", len(x), len(dst), len(t), h, w))
	}
	f.forward(dst, t, x)
}

// forward runs the network on the len(t) images of x at times t.
func (f *VelocityField) forward(dst []float32, t []float64, x []float32) {
	h, w := f.size()
	b := len(t)
	f.x.Shape = append(f.x.Shape[:0], b, 1, h, w)
	f.x.Data = x
	f.v.Shape = append(f.v.Shape[:0], b, 1, h, w)
	f.v.Data = dst
	f.Net.Forward(&f.v, &f.x, t)
	// Drop the references to the solver's buffers (VectorField contract).
	f.x.Data, f.v.Data = nil, nil
}
