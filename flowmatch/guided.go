package flowmatch

import (
	"fmt"

	"github.com/windrose/windrose/ode"
)

// GuidedField is autoguidance (Karras et al., "Guiding a Diffusion Model
// with a Bad Version of Itself", NeurIPS 2024): the velocity of a main
// model extrapolated away from that of a weaker guide model of the same
// data,
//
//	v(t, x) = v_guide(t, x) + w·(v_main(t, x) − v_guide(t, x)).
//
// Where the two models agree, the data is easy and v is v_main; where the
// guide is wrong, the main model is probably wrong in the same direction,
// only less, and w > 1 moves the sample further from both errors, towards
// the core of the data. It is how a model with a few malformed samples in a
// hundred gets cleaner ones without the loss of variety of a lower
// temperature (docs/flowmatch.md measures both). The guide works best when
// it is a smaller and shorter-trained model of the same recipe: its errors
// are then those of the main model, magnified.
//
// On the straight path x_t = (1 − t)·x₀ + t·x₁ the velocity is an affine
// function of the predicted image, v = (E[x₁ | x_t] − x_t)/(1 − t), so
// extrapolating velocities extrapolates the two models' predicted images
// by the same w, which is the combination Karras et al. apply to their
// denoisers.
//
// Weight 1 is the main model alone (the guide is still evaluated); Weight
// 0 is the guide alone. A GuidedField evaluates both networks at each call
// (two network passes per field evaluation). It is an ode.BatchField too,
// so PerSample sampling works through it. Like a VelocityField it is not
// safe for concurrent use.
type GuidedField struct {
	Main, Guide *VelocityField
	// Weight is w above; 1 means no guidance.
	Weight float64

	g []float32 // the guide's velocity
}

var (
	_ ode.VectorField[float32] = (*GuidedField)(nil)
	_ ode.BatchField[float32]  = (*GuidedField)(nil)
)

// MaxGuidance bounds the weight of a GuidedField: beyond it the guided
// velocity is mostly the amplified difference of two models, and float32
// overflows sooner.
const MaxGuidance = 100

// CheckGuidance returns an error unless 0 ≤ w ≤ MaxGuidance (0 is the
// guide alone, 1 the main model alone).
func CheckGuidance(w float64) error {
	if !(w >= 0 && w <= MaxGuidance) {
		return fmt.Errorf("flowmatch: guidance weight %v: want a weight in [0, %d]", w, MaxGuidance)
	}
	return nil
}

// NewGuidedField returns the autoguided field of main by guide with weight
// w. It panics if the two fields' sample shapes differ or CheckGuidance(w)
// fails; Model.Guided returns those as errors.
func NewGuidedField(main, guide *VelocityField, w float64) *GuidedField {
	if main.C != guide.C || main.H != guide.H || main.W != guide.W {
		panic(fmt.Sprintf("flowmatch: NewGuidedField: main samples %d×%d×%d, guide samples %d×%d×%d", main.C, main.H, main.W, guide.C, guide.H, guide.W))
	}
	if err := CheckGuidance(w); err != nil {
		panic(err)
	}
	return &GuidedField{Main: main, Guide: guide, Weight: w}
}

// Guided returns the field of m autoguided by guide with weight w
// (NewGuidedField), or an error if guide's samples have another shape than
// m's, or CheckGuidance's if w is out of range.
func (m *Model) Guided(guide *Model, w float64) (*GuidedField, error) {
	if guide.Shape != m.Shape {
		return nil, fmt.Errorf("flowmatch: the guide's samples are %d×%d×%d, the model's %d×%d×%d", guide.Shape[0], guide.Shape[1], guide.Shape[2], m.Shape[0], m.Shape[1], m.Shape[2])
	}
	if err := CheckGuidance(w); err != nil {
		return nil, err
	}
	return NewGuidedField(m.Field(), guide.Field(), w), nil
}

// Dim returns the number of values in one sample.
func (f *GuidedField) Dim() int { return f.Main.Dim() }

// Eval writes the guided velocity of the samples x at time t into dst,
// with the panics of VelocityField.Eval.
func (f *GuidedField) Eval(dst []float32, t float64, x []float32) {
	f.g = grow(f.g, len(x))
	f.Guide.Eval(f.g, t, x)
	f.Main.Eval(dst, t, x)
	f.combine(dst)
}

// EvalBatch writes the guided velocity of each sample of x at its own time
// into dst, with the panics of VelocityField.EvalBatch.
func (f *GuidedField) EvalBatch(dst []float32, t []float64, x []float32) {
	f.g = grow(f.g, len(x))
	f.Guide.EvalBatch(f.g, t, x)
	f.Main.EvalBatch(dst, t, x)
	f.combine(dst)
}

// combine turns dst = v_main into v_guide + w·(v_main − v_guide), the
// guide's velocity being in f.g.
func (f *GuidedField) combine(dst []float32) {
	w := float32(f.Weight)
	for i, g := range f.g[:len(dst)] {
		dst[i] = g + w*(dst[i]-g)
	}
}
