package flowmatch

import (
	"fmt"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// VelocityField presents a Network to the ODE solvers as an
// ode.VectorField[float32] over a batch: the state x is B samples of shape
// C×H×W one after the other (B = len(x)/(C·H·W), any B), and the scalar
// time t of the solver is given to every sample. It is also an
// ode.BatchField[float32], whose EvalBatch gives each sample its own time,
// for ode.BatchSolver's per-sample steps. Eval and EvalBatch run the
// network on x itself, without copying it. A VelocityField is not safe for
// concurrent use (nor is its network).
type VelocityField struct {
	Net Network
	// C, H and W are the shape of one sample.
	C, H, W int

	times []float64
	x, v  nn.Tensor
}

var (
	_ ode.VectorField[float32] = (*VelocityField)(nil)
	_ ode.BatchField[float32]  = (*VelocityField)(nil)
)

// NewVelocityField returns the field of net for samples of shape
// channels × height × width (1 × 28 × 28 for MNIST; Model.Field takes them
// from the model file). It panics if a size is not positive.
func NewVelocityField(net Network, channels, height, width int) *VelocityField {
	if channels <= 0 || height <= 0 || width <= 0 {
		panic(fmt.Sprintf("flowmatch: NewVelocityField: shape %d×%d×%d", channels, height, width))
	}
	return &VelocityField{Net: net, C: channels, H: height, W: width}
}

// Dim returns the number of values in one sample, C·H·W.
func (f *VelocityField) Dim() int { return f.C * f.H * f.W }

// Eval writes v_θ(x, t) into dst. It panics with a "flowmatch: ..."
// message if len(x) is not a multiple of C·H·W or len(dst) != len(x).
func (f *VelocityField) Eval(dst []float32, t float64, x []float32) {
	d := f.Dim()
	if d == 0 || len(x)%d != 0 || len(dst) != len(x) || len(x) == 0 {
		panic(fmt.Sprintf("flowmatch: VelocityField: len(x) = %d, len(dst) = %d, want the same non-zero multiple of %d×%d×%d", len(x), len(dst), f.C, f.H, f.W))
	}
	b := len(x) / d
	f.times = f.times[:0]
	for range b {
		f.times = append(f.times, t)
	}
	f.forward(dst, f.times, x)
}

// EvalBatch writes v_θ(x_j, t[j]) for each sample x_j of x into dst: one
// network forward pass for the whole batch, each sample at its own time.
// It panics with a "flowmatch: ..." message unless len(x) == len(dst) ==
// len(t)·C·H·W > 0.
func (f *VelocityField) EvalBatch(dst []float32, t []float64, x []float32) {
	if len(x) != len(t)*f.Dim() || len(dst) != len(x) || len(x) == 0 {
		panic(fmt.Sprintf("flowmatch: VelocityField: len(x) = %d, len(dst) = %d, want both %d times (len(t)) %d×%d×%d", len(x), len(dst), len(t), f.C, f.H, f.W))
	}
	f.forward(dst, t, x)
}

// forward runs the network on the len(t) samples of x at times t.
func (f *VelocityField) forward(dst []float32, t []float64, x []float32) {
	b := len(t)
	f.x.Shape = append(f.x.Shape[:0], b, f.C, f.H, f.W)
	f.x.Data = x
	f.x.HostChanged() // the solver's state, new at every call
	f.v.Shape = append(f.v.Shape[:0], b, f.C, f.H, f.W)
	f.v.Data = dst
	Infer(f.Net, &f.v, &f.x, t)
	f.v.ToHost() // on a GPU backend the result is copied into dst here
	// Drop the references to the solver's buffers (VectorField contract).
	f.x.Data, f.v.Data = nil, nil
}
