package nn

import (
	"fmt"
	"math"
)

// EMA keeps an exponential moving average of a model's parameters (Polyak
// averaging), the weights the reference recipe samples with:
//
//	shadow ← d·shadow + (1 − d)·p,   d = min(Decay, (1 + n)/(10 + n)),
//
// n being the number of updates before this one. The warm-up term
// (1 + n)/(10 + n) (the num_updates form of TensorFlow's
// tf.train.ExponentialMovingAverage) lets the average forget the random
// initial weights after tens of steps instead of thousands: without it,
// 181 steps at decay 0.999 leave 83% of the initial weights in the average
// and sampling gives noise (measured on the tutorial's PyTorch recipe,
// docs/reference.md). The warm-up is
// on unless NoWarmUp is set.
type EMA struct {
	// Decay is the largest decay, 0.999 in the reference recipe.
	Decay float64
	// NoWarmUp disables the warm-up (d = Decay from the first update, as
	// the PyTorch reference does).
	NoWarmUp bool
	// Updates is the number of updates so far.
	Updates int
	// Backend computes the update; nil means DefaultBackend().
	Backend Backend

	shadow []*Param
}

// NewEMA returns an EMA whose average starts at the current values of params
// (copied) and carries their names, so that it can be saved with SaveParams
// and loaded into a model like any weights.
func NewEMA(params []*Param, decay float64) *EMA {
	if decay < 0 || decay >= 1 {
		panic(fmt.Sprintf("nn: EMA decay %g outside [0, 1)", decay))
	}
	e := &EMA{Decay: decay}
	for _, p := range params {
		e.shadow = append(e.shadow, &Param{Name: p.Name, Value: p.Value.Clone()})
	}
	return e
}

// NextDecay returns the d the next Update will use.
func (e *EMA) NextDecay() float64 {
	if e.NoWarmUp {
		return e.Decay
	}
	n := float64(e.Updates)
	return math.Min(e.Decay, (1+n)/(10+n))
}

// Update folds the current values of params (the same list, in the same
// order, as given to NewEMA) into the average.
func (e *EMA) Update(params []*Param) {
	if len(params) != len(e.shadow) {
		panic(fmt.Sprintf("nn: EMA of %d tensors updated with %d", len(e.shadow), len(params)))
	}
	d := float32(e.NextDecay())
	b := backendOr(e.Backend)
	for i, p := range params {
		if !SameShape(p.Value, e.shadow[i].Value) {
			panic(fmt.Sprintf("nn: EMA: %s has shape %v, the average %v", p.Name, p.Value.Shape, e.shadow[i].Value.Shape))
		}
		b.Lerp(e.shadow[i].Value, p.Value, d)
	}
	e.Updates++
}

// Params returns the averaged weights as parameters (without gradients)
// named like the model's: pass them to SaveParams, or CopyTo a model to
// sample with the average.
func (e *EMA) Params() []*Param { return e.shadow }

// CopyTo copies the averaged weights into params.
func (e *EMA) CopyTo(params []*Param) {
	if len(params) != len(e.shadow) {
		panic(fmt.Sprintf("nn: EMA of %d tensors copied to %d", len(e.shadow), len(params)))
	}
	for i, p := range params {
		if !SameShape(p.Value, e.shadow[i].Value) {
			panic(fmt.Sprintf("nn: EMA: %s has shape %v, the average %v", p.Name, p.Value.Shape, e.shadow[i].Value.Shape))
		}
		copy(p.Value.Data, e.shadow[i].Value.ToHost())
		p.Value.HostChanged()
	}
}
