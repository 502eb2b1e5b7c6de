package nn

import (
	"fmt"
	"math"
)

// AdamW is torch.optim.AdamW (Loshchilov & Hutter, "Decoupled Weight Decay
// Regularization", ICLR 2019) with PyTorch's semantics, step n = 1, 2, …:
//
//	p ← p·(1 − LR·WeightDecay)                      (decoupled decay, before the update)
//	m ← Beta1·m + (1 − Beta1)·g
//	v ← Beta2·v + (1 − Beta2)·g²
//	p ← p − LR/(1 − Beta1ⁿ) · m / (√v/√(1 − Beta2ⁿ) + Eps)
//
// in float32 per element, the scalars in float64, as PyTorch 1.13's
// single-tensor implementation (torch/optim/adamw.py) computes them.
//
// NewAdamW fills the exported fields with PyTorch's defaults; they are plain
// values afterwards (a zero WeightDecay is no decay) and may be changed
// between steps, LR in particular for a schedule.
type AdamW struct {
	LR          float64
	Beta1       float64 // NewAdamW: 0.9
	Beta2       float64 // NewAdamW: 0.999
	Eps         float64 // NewAdamW: 1e-8
	WeightDecay float64 // NewAdamW: 0.01
	// Steps is the number of steps taken, PyTorch's state["step"].
	Steps int
	// Backend computes the update; nil means DefaultBackend().
	Backend Backend

	params []*Param
	m, v   []*Tensor
}

// NewAdamW returns an AdamW over params with learning rate lr and PyTorch's
// defaults for the rest: betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
func NewAdamW(params []*Param, lr float64) *AdamW {
	o := &AdamW{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, params: params}
	for _, p := range params {
		o.m = append(o.m, NewTensor(p.Value.Shape...))
		o.v = append(o.v, NewTensor(p.Value.Shape...))
	}
	return o
}

// Step updates every parameter from its Grad (frozen parameters, with a nil
// Grad, are left alone). It does not zero the gradients.
func (o *AdamW) Step() {
	if o.LR < 0 || o.Beta1 < 0 || o.Beta1 >= 1 || o.Beta2 < 0 || o.Beta2 >= 1 || o.Eps < 0 || o.WeightDecay < 0 {
		panic(fmt.Sprintf("nn: AdamW with invalid hyper-parameters %+v", *o))
	}
	o.Steps++
	n := float64(o.Steps)
	decay := 1 - o.LR*o.WeightDecay
	step := o.LR / (1 - math.Pow(o.Beta1, n))
	bc2sqrt := math.Sqrt(1 - math.Pow(o.Beta2, n))
	b := backendOr(o.Backend)
	for i, p := range o.params {
		if p.Grad == nil { // frozen
			continue
		}
		b.AdamW(p.Value, p.Grad, o.m[i], o.v[i], float32(decay), float32(o.Beta1), float32(o.Beta2),
			float32(step), float32(bc2sqrt), float32(o.Eps))
	}
}

// State returns the moment tensors, named "exp_avg.<param>" and
// "exp_avg_sq.<param>" after PyTorch's state keys, for checkpoints. The
// tensors are the optimiser's own: saving them needs no copy.
func (o *AdamW) State() []NamedTensor {
	ts := make([]NamedTensor, 0, 2*len(o.params))
	for i, p := range o.params {
		ts = append(ts, NamedTensor{"exp_avg." + p.Name, o.m[i]}, NamedTensor{"exp_avg_sq." + p.Name, o.v[i]})
	}
	return ts
}

// SetState restores the moments from s (as written from State) and the step
// count. It changes nothing unless every moment is present with its
// parameter's shape.
func (o *AdamW) SetState(s *Safetensors, steps int) error {
	want := o.State()
	src := make([]*Tensor, len(want))
	for i, nt := range want {
		t, ok := s.Get(nt.Name)
		if !ok {
			return fmt.Errorf("nn: AdamW state: %w: tensor %q is missing", ErrSafetensors, nt.Name)
		}
		if !SameShape(t, nt.Tensor) {
			return fmt.Errorf("nn: AdamW state: %w: tensor %q has shape %v, want %v", ErrSafetensors, nt.Name, t.Shape, nt.Tensor.Shape)
		}
		src[i] = t
	}
	for i, nt := range want {
		copy(nt.Tensor.Data, src[i].ToHost())
		nt.Tensor.HostChanged()
	}
	o.Steps = steps
	return nil
}
