package flowmatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/windrose/windrose/ode"
)

// SampleSettings says how Sample integrates. The embedded ode.Settings is
// the stepping of every batch on the span from t = 0 to t = 1, with ode's
// rules and no silent default: exactly one of Steps > 0, Grid (from exactly
// 0 to exactly 1) or RTol/ATol must be set, and MaxSteps, PI, the step
// bounds and SaveAt mean what they mean for ode.Solver.Solve; ode validates
// them (Settings.Validate) and Sample returns its ErrInvalidInput errors.
// DefaultSampleSettings is the command line's choice. The remaining fields
// are what sampling adds.
type SampleSettings struct {
	ode.Settings

	// Method is the Runge–Kutta method (ode.RK4, ode.DOPRI5, …; see
	// ode.MethodByName). Nil means ode.RK4.
	Method *ode.Tableau
	// TutorialRK4 replaces the field by the reference tutorial's shifted
	// one (TutorialField, solved by ode.RK4; Method is ignored), for
	// reproducing its images. It needs Steps.
	TutorialRK4 bool
	// PerSample steps every sample on its own (ode.BatchSolver): each keeps
	// its own time, step size and error norm, so easy samples are not held
	// to the steps of the hardest one in their batch, and a sample's result
	// depends neither on Batch nor on the other samples (except through
	// the rounding of the network's batched arithmetic). The field still
	// runs on up to Batch samples per call, each at its own time: a
	// VelocityField (any ode.BatchField) in one call, any other field one
	// sample at a time. Samples enter as others finish, across all of
	// noise, so the calls stay full until the last samples. It needs
	// adaptive stepping (RTol or ATol) and no SaveAt.
	//
	// Without PerSample the error norm of adaptive stepping runs over a
	// whole batch, so the steps, and to within the tolerance the samples,
	// depend on Batch.
	PerSample bool
	// Batch is the number of samples integrated together. Zero means 256.
	Batch int
	// Dim is the number of values in one sample. Zero means the field's
	// own Dim() when it has such a method, as a VelocityField does; for
	// any other field it must be set. ATolVec, when set, holds Dim
	// tolerances, one per component of a sample.
	Dim int
}

// DefaultSampleGrid is the TimeGrid schedule of DefaultSampleSettings.
const DefaultSampleGrid = "early"

// DefaultSampleSettings returns the settings of "windrose sample" without
// stepping flags: the explicit midpoint method (ode.Midpoint) with 10 steps
// on the early grid (TimeGrid(DefaultSampleGrid, 10): t_k = (k/10)², small
// steps near the noise, where the learned field changes fastest), 20 field
// evaluations per sample, in batches of 256. docs/sampling.md chose them
// by measurement on the shipped model among the samplers of at most 20
// evaluations: their FID is within 1% of the converged one (RK4 with 25
// steps) and below RK4's with 5 uniform steps, the previous default.
func DefaultSampleSettings() SampleSettings { return midpointEarly(10) }

// DefaultGuidedSampleSettings returns the settings of "windrose sample"
// for a GuidedField: those of DefaultSampleSettings with 5 steps instead
// of 10 on the same early grid. Each evaluation of a guided field runs two
// networks, so its 10 evaluations per sample are the 20 network passes of
// the unguided default, fewer in time when the guide is the smaller
// network. On the shipped model and its guide they score as 10 steps do
// (docs/flowmatch.md, "Autoguidance").
func DefaultGuidedSampleSettings() SampleSettings { return midpointEarly(5) }

// midpointEarly returns the midpoint method with steps steps on the
// DefaultSampleGrid schedule, in batches of 256.
func midpointEarly(steps int) SampleSettings {
	grid, err := TimeGrid(DefaultSampleGrid, steps)
	if err != nil {
		panic(err) // a constant schedule: not reached
	}
	return SampleSettings{Settings: ode.Settings{Grid: grid}, Method: ode.Midpoint, Batch: 256}
}

// SampleResult reports the work of Sample.
type SampleResult struct {
	// Stats sums the solver statistics over the batches; FieldEvals counts
	// batch evaluations of the field (calls, each on up to Batch samples).
	// With PerSample, Steps, Accepted and Rejected are summed over the
	// samples, each of which steps on its own.
	Stats ode.Stats
	// SampleEvals is the number of field evaluations summed over the
	// samples: each batch evaluation counts once per sample it holds
	// (FieldEvals × batch size without PerSample). SampleEvals/n, the mean
	// evaluations per sample, compares the cost of the two modes.
	SampleEvals int
	// Wall is the wall-clock time of the integration.
	Wall time.Duration
	// Saved[k] holds every sample's state at SaveAt[k], samples one after
	// the other like the noise.
	Saved [][]float32
}

// Sample integrates dx/dt = f(t, x) from t = 0 to t = 1 for each sample of
// noise (len(noise)/Dim samples of Dim values one after the other), Batch
// samples at a time, and writes x(1) to dst. f is evaluated on whole
// batches (len(x) = Dim·batch, the last batch possibly smaller), as a
// VelocityField is; with PerSample, see SampleSettings.PerSample. Use
// Pixels to turn the result into images.
//
// Settings are checked before any batch is integrated: those that ode
// refuses come back as errors wrapping ode.ErrInvalidInput, those that only
// sampling refuses (PerSample with fixed steps or SaveAt, TutorialRK4
// without Steps, a negative Batch or Dim, no Dim for a field without one)
// as plain errors. Solver failures are returned as errors too, and leave dst
// partly written. A nil s means DefaultSampleSettings. Sample panics with a
// "flowmatch: ..." message if len(dst) != len(noise) or len(noise) is not a
// positive multiple of Dim.
func Sample(ctx context.Context, dst []float32, f ode.VectorField[float32], noise []float32, s *SampleSettings) (*SampleResult, error) {
	if s == nil {
		d := DefaultSampleSettings()
		s = &d
	}
	dim, batch := s.Dim, s.Batch
	if batch == 0 {
		batch = 256
	}
	if batch < 0 || dim < 0 {
		return nil, fmt.Errorf("flowmatch: Sample: Batch = %d, Dim = %d, want ≥ 0", s.Batch, s.Dim)
	}
	if dim == 0 {
		d, ok := f.(interface{ Dim() int })
		if !ok {
			return nil, fmt.Errorf("flowmatch: Sample: Dim = 0 and the field (%T) has no Dim method: set Dim", f)
		}
		dim = d.Dim()
	}
	if len(noise) == 0 || dim == 0 || len(noise)%dim != 0 || len(dst) != len(noise) {
		panic(fmt.Sprintf("flowmatch: Sample: len(noise) = %d, len(dst) = %d, want the same positive multiple of Dim = %d", len(noise), len(dst), dim))
	}
	m := s.Method
	if m == nil {
		m = ode.RK4
	}
	if s.TutorialRK4 {
		if s.Steps <= 0 {
			return nil, errors.New("flowmatch: Sample: the tutorial's RK4 has uniform steps only: set Steps, not Grid or RTol")
		}
		m = ode.RK4
		f = &TutorialField{Field: f, Steps: s.Steps}
	}
	// ode decides, once for all batches, whether it can run the settings:
	// a batch differs from a sample only in its length, which ATolVec
	// follows (tiled below).
	if err := s.Settings.Validate(m, 0, 1, dim); err != nil {
		return nil, fmt.Errorf("flowmatch: Sample: %w", err)
	}
	// Validate passed, so exactly one stepping mode is set.
	if s.PerSample && (s.Steps > 0 || len(s.Grid) > 0) {
		return nil, errors.New("flowmatch: Sample: PerSample needs adaptive stepping (RTol or ATol): fixed steps are the same for every sample")
	}
	if s.PerSample && len(s.SaveAt) > 0 {
		return nil, errors.New("flowmatch: Sample: PerSample does not record SaveAt")
	}

	n := len(noise) / dim
	res := &SampleResult{Saved: make([][]float32, len(s.SaveAt))}
	for k := range res.Saved {
		res.Saved[k] = make([]float32, len(noise))
	}
	start := time.Now()
	defer func() { res.Wall = time.Since(start) }()
	if s.PerSample {
		return res, samplePerSample(ctx, res, dst, f, noise, m, dim, min(batch, n), s)
	}

	var solver *ode.Solver[float32]
	set := s.Settings
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		x0 := noise[lo*dim : hi*dim]
		out := dst[lo*dim : hi*dim]
		if solver == nil || solver.Dim() != len(x0) {
			solver = ode.NewSolver[float32](m, len(x0))
			if s.ATolVec != nil {
				set.ATolVec = make([]float64, len(x0))
				for i := range set.ATolVec {
					set.ATolVec[i] = s.ATolVec[i%dim]
				}
			}
		}
		r, err := solver.Solve(ctx, ode.Problem[float32]{Field: f, T0: 0, T1: 1, X0: x0}, &set)
		if r != nil {
			res.Stats.FieldEvals += r.Stats.FieldEvals
			res.SampleEvals += r.Stats.FieldEvals * (hi - lo)
			res.Stats.Steps += r.Stats.Steps
			res.Stats.Accepted += r.Stats.Accepted
			res.Stats.Rejected += r.Stats.Rejected
		}
		if err != nil {
			return res, fmt.Errorf("flowmatch: samples %d to %d: %w", lo, hi-1, err)
		}
		copy(out, r.X)
		for k := range r.Saved {
			copy(res.Saved[k][lo*dim:hi*dim], r.Saved[k])
		}
	}
	return res, nil
}

// samplePerSample is Sample with PerSample: one ode.BatchSolver of the
// given width for all the samples of noise.
func samplePerSample(ctx context.Context, res *SampleResult, dst []float32, f ode.VectorField[float32], noise []float32, m *ode.Tableau, dim, width int, s *SampleSettings) error {
	bf, ok := f.(ode.BatchField[float32])
	if !ok {
		bf = ode.Batch[float32]{Field: f, Dim: dim}
	}
	bs := ode.NewBatchSolver[float32](m, dim, width)
	r, err := bs.Solve(ctx, dst, bf, 0, 1, noise, &s.Settings)
	if r != nil {
		res.Stats = r.Stats
		res.Stats.FieldEvals = r.Calls
		res.SampleEvals = r.Stats.FieldEvals
	}
	if err != nil {
		return fmt.Errorf("flowmatch: per-sample solve: %w", err)
	}
	return nil
}

// Pixels converts states in the data scale [−1, 1] to 8-bit grey levels as
// the reference does (the tutorial's (x.clamp(−1, 1) + 1)/2, then
// torchvision's save_image: ⌊255·p + 0.5⌋ clamped to [0, 255]). It panics
// if the lengths differ.
func Pixels(dst []uint8, x []float32) {
	if len(dst) != len(x) {
		panic(fmt.Sprintf("flowmatch: Pixels: len(dst) = %d, len(x) = %d", len(dst), len(x)))
	}
	for i, v := range x {
		if v != v { // NaN: the background
			dst[i] = 0
			continue
		}
		v = min(max(v, -1), 1)
		dst[i] = uint8((v+1)/2*255 + 0.5) // in [0.5, 255.5]: truncation rounds
	}
}
