package nn

// Param is a trainable tensor and its gradient. Backward passes add into Grad
// (gradients accumulate, as in PyTorch, until ZeroGrad); optimisers read Grad
// and update Value in place. A Param whose Grad is nil is frozen: Backward
// passes skip its gradient (PyTorch's requires_grad=False).
//
// Name is the PyTorch state_dict name when the Param belongs to a model built
// by this package (for example "rb1.conv1.weight"), which is also the tensor
// name used in safetensors checkpoints.
type Param struct {
	Name  string
	Value *Tensor
	Grad  *Tensor
}

// NewParam returns a Param with zeroed Value and Grad of the given shape.
func NewParam(name string, shape ...int) *Param {
	return &Param{Name: name, Value: NewTensor(shape...), Grad: NewTensor(shape...)}
}

// ZeroGrad sets the gradients of params to zero.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		if p.Grad != nil {
			p.Grad.Zero()
		}
	}
}

// CountParams returns the total number of scalar parameters in params.
func CountParams(params []*Param) int {
	n := 0
	for _, p := range params {
		n += p.Value.Len()
	}
	return n
}

// prefix renames params to prefix+"."+name, the way PyTorch composes
// state_dict names of submodules.
func prefix(pre string, params []*Param) []*Param {
	for _, p := range params {
		p.Name = pre + "." + p.Name
	}
	return params
}
