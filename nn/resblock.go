package nn

import (
	"fmt"
	"math/rand/v2"
)

// ResBlock is the VelocityNet's residual block with FiLM time conditioning
// (Perez et al., "FiLM: Visual Reasoning with a General Conditioning
// Layer", AAAI 2018; the reference network of docs/reference.md):
//
//	h = Conv1(SiLU(Norm1(x)))
//	(scale, shift) = chunk(Film(SiLU(temb)), 2)
//	h = h·(1 + scale) + shift
//	y = x + Conv2(SiLU(Norm2(h)))
//
// Conv1 and Conv2 are 3×3 with padding 1, Norm1 and Norm2 GroupNorms with
// their SiLU fused, and Film a Linear(TimeDim, 2·Channels), which PyTorch
// names film.1 (it is index 1 of Sequential(SiLU, Linear)).
type ResBlock struct {
	Channels, TimeDim int
	Norm1             *GroupNorm
	Conv1             *Conv2d
	Film              *Linear
	Norm2             *GroupNorm
	Conv2             *Conv2d

	filmAct SiLU
	film    FiLM
	add     Add

	// Activations of the last Forward, kept for Backward.
	a1, h1, h2, a2 Tensor // SiLU(Norm1(x)), Conv1 output, after FiLM, SiLU(Norm2(h2))
	st, ss         Tensor // SiLU(temb) [B,TimeDim], Film output [B,2C]
	// Gradient buffers of the small tensors.
	dss, dst Tensor
	// Headers for scratch gradients borrowed from layerScratch.
	ta, tb Tensor
}

// NewResBlock returns a ResBlock for ch channels, time embeddings of width
// timeDim and GroupNorms of the given number of groups, its layers
// initialised as PyTorch does, in PyTorch's order.
func NewResBlock(ch, timeDim, groups int, rng *rand.Rand) *ResBlock {
	if ch%groups != 0 {
		panic(fmt.Sprintf("nn: ResBlock(%d channels): not a multiple of %d groups", ch, groups))
	}
	r := &ResBlock{Channels: ch, TimeDim: timeDim}
	r.Norm1 = NewGroupNorm(groups, ch)
	r.Norm1.SiLU = true
	r.Conv1 = NewConv2d(ch, ch, 3, 1, 1, rng)
	r.Film = NewLinear(timeDim, 2*ch, rng)
	r.Norm2 = NewGroupNorm(groups, ch)
	r.Norm2.SiLU = true
	r.Conv2 = NewConv2d(ch, ch, 3, 1, 1, rng)
	return r
}

// SetBackend makes every layer of the block use b (nil: DefaultBackend()).
func (r *ResBlock) SetBackend(b Backend) {
	r.Norm1.Backend, r.Conv1.Backend, r.Film.Backend = b, b, b
	r.Norm2.Backend, r.Conv2.Backend = b, b
	r.filmAct.Backend, r.film.Backend, r.add.Backend = b, b, b
}

// Params returns the block's parameters with their PyTorch state_dict names
// relative to the block (norm1.weight, …, film.1.weight, …, conv2.bias).
func (r *ResBlock) Params() []*Param {
	var ps []*Param
	ps = append(ps, prefix("norm1", r.Norm1.Params())...)
	ps = append(ps, prefix("conv1", r.Conv1.Params())...)
	ps = append(ps, prefix("film.1", r.Film.Params())...)
	ps = append(ps, prefix("norm2", r.Norm2.Params())...)
	ps = append(ps, prefix("conv2", r.Conv2.Params())...)
	return ps
}

// Forward computes y from x [B,Channels,H,W] and temb [B,TimeDim]; y may not
// alias x. It keeps what Backward needs.
func (r *ResBlock) Forward(y, x, temb *Tensor) {
	if x == nil || len(x.Shape) != 4 {
		panic(fmt.Sprintf("nn: ResBlock input %v is not [B,C,H,W]", x))
	}
	B, H, W := x.Dim(0), x.Dim(2), x.Dim(3)
	checkShape("ResBlock input", x, B, r.Channels, H, W)
	checkShape("ResBlock time embedding", temb, B, r.TimeDim)
	checkShape("ResBlock output", y, x.Shape...)
	r.run(y, x, temb, &r.a1, &r.h1, &r.h2, &r.a2)
}

// infer computes y as Forward does, with the caller's temporaries ta and
// tb (resized to x's shape) in place of the block's own activations, so
// that blocks can share them; Backward may not follow. Where the backend
// has it, FiLM and Norm2 run as one layer (filmGroupNormer), which saves a
// pass over the activations and rounds differently from Forward in the
// last bits.
func (r *ResBlock) infer(y, x, temb, ta, tb *Tensor) {
	fg, ok := backendOr(r.Norm2.Backend).(filmGroupNormer)
	if !ok {
		r.run(y, x, temb, ta, tb, ta, tb)
		return
	}
	ta.Resize(x.Shape...)
	tb.Resize(x.Shape...)
	r.st.Resize(x.Dim(0), r.TimeDim)
	r.ss.Resize(x.Dim(0), 2*r.Channels)
	r.Norm1.Forward(ta, x)
	r.Conv1.Forward(tb, ta)
	r.filmAct.Forward(&r.st, temb)
	r.Film.Forward(&r.ss, &r.st)
	n := r.Norm2
	fg.FiLMGroupNorm(ta, tb, &r.ss, n.Weight.Value, n.Bias.Value, n.Groups, n.Eps, n.SiLU)
	r.Conv2.ForwardAdd(y, ta, x)
}

// run is the block's forward pass with its activations in a1, h1, h2 and
// a2 (resized to x's shape): SiLU(Norm1(x)), Conv1's output, FiLM's output
// and SiLU(Norm2(h2)). a1 may be h2 and h1 may be a2 when nothing is kept
// for Backward.
func (r *ResBlock) run(y, x, temb, a1, h1, h2, a2 *Tensor) {
	for _, t := range []*Tensor{a1, h1, h2, a2} {
		t.Resize(x.Shape...)
	}
	r.st.Resize(x.Dim(0), r.TimeDim)
	r.ss.Resize(x.Dim(0), 2*r.Channels)

	r.Norm1.Forward(a1, x)
	r.Conv1.Forward(h1, a1)
	r.filmAct.Forward(&r.st, temb)
	r.Film.Forward(&r.ss, &r.st)
	r.film.Forward(h2, h1, &r.ss)
	r.Norm2.Forward(a2, h2)
	r.Conv2.ForwardAdd(y, a2, x)
}

// Backward adds the parameter gradients for output gradient dy, writes the
// gradient of the input to dx (dx may be dy; skipped when nil) and the
// gradient of the time embedding to dtemb [B,TimeDim] (overwritten; skipped
// when nil).
func (r *ResBlock) Backward(dx, dtemb, dy *Tensor) {
	if r.Norm1.x == nil {
		panic("nn: ResBlock.Backward before Forward")
	}
	shape := r.a1.Shape
	checkShape("ResBlock output gradient", dy, shape...)
	B, n := shape[0], r.a1.Len()
	bufA, bufB := layerScratch.get(n), layerScratch.get(n)
	defer layerScratch.put(bufA)
	defer layerScratch.put(bufB)
	r.ta.setView(bufA, shape...)
	r.tb.setView(bufB, shape...)
	r.dss.Resize(B, 2*r.Channels)
	r.dst.Resize(B, r.TimeDim)

	r.Conv2.Backward(&r.ta, dy)           // d a2
	r.Norm2.Backward(&r.ta, &r.ta)        // d h2
	r.film.Backward(&r.ta, &r.dss, &r.ta) // d h1, d(scale, shift)
	r.Film.Backward(&r.dst, &r.dss)       // d SiLU(temb)
	if dtemb != nil {
		r.filmAct.Backward(dtemb, &r.dst)
	}
	r.Conv1.Backward(&r.tb, &r.ta) // d a1
	if dx == nil {
		// Norm1's parameter gradients are still needed.
		r.Norm1.Backward(nil, &r.tb)
		return
	}
	r.Norm1.Backward(&r.tb, &r.tb)
	r.add.Forward(dx, dy, &r.tb)
}
