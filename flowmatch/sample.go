package flowmatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/windrose/windrose/ode"
)

// SampleSettings says how Sample integrates. As in package ode there is no
// default stepping: exactly one of Steps > 0, len(Grid) > 0 or RTol > 0
// must be set.
type SampleSettings struct {
	// Method is the Runge–Kutta method (ode.Euler, ode.RK4, ode.DOPRI5,
	// …; see ode.MethodByName). Nil means ode.Euler.
	Method *ode.Tableau
	// TutorialRK4 replaces Method by the reference tutorial's shifted RK4
	// (see TutorialRK4), for reproducing its images. It needs Steps.
	TutorialRK4 bool
	// Steps > 0 integrates with that many uniform steps from t = 0 to 1.
	Steps int
	// Grid, when not empty, integrates with fixed steps on these times:
	// from exactly 0 to exactly 1, increasing (TimeGrid and
	// EquidistributedGrid make such grids).
	Grid []float64
	// RTol > 0 integrates adaptively with these tolerances (ode.Settings);
	// the method needs an error estimate (heun, bs3, dopri5, tsit5). The
	// error norm runs over a whole batch, so the steps, and to within the
	// tolerance the samples, depend on Batch, unless PerSample is set.
	RTol, ATol float64
	// PerSample steps every sample on its own (ode.BatchSolver): each keeps
	// its own time, step size and error norm, so easy samples are not held
	// to the steps of the hardest one in their batch, and a sample's result
	// depends neither on Batch nor on the other samples (except through
	// the rounding of the network's batched arithmetic). The field still
	// runs on up to Batch samples per call, each at its own time: a
	// VelocityField (any ode.BatchField) in one call, any other field one
	// sample at a time. Samples enter as others finish, across all of
	// noise, so the calls stay full until the last samples. It needs RTol
	// > 0 and no SaveAt.
	PerSample bool
	// SaveAt lists times in [0, 1], increasing, at which the states are
	// recorded into SampleResult.Saved (a trajectory). With TutorialRK4
	// they must lie on its grid k/Steps.
	SaveAt []float64
	// Batch is the number of samples integrated together. Zero means 256.
	Batch int
	// Dim is the number of values in one sample. Zero means 784 (28×28).
	Dim int
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
// Settings errors and solver failures are returned as errors; a failure
// leaves dst partly written. Sample panics with a "flowmatch: ..." message
// if len(dst) != len(noise) or len(noise) is not a positive multiple of
// Dim.
func Sample(ctx context.Context, dst []float32, f ode.VectorField[float32], noise []float32, s *SampleSettings) (*SampleResult, error) {
	if s == nil {
		s = &SampleSettings{}
	}
	dim, batch := s.Dim, s.Batch
	if dim == 0 {
		dim = 784
	}
	if batch == 0 {
		batch = 256
	}
	if len(noise) == 0 || len(noise)%dim != 0 || len(dst) != len(noise) {
		panic(fmt.Sprintf("flowmatch: Sample: len(noise) = %d, len(dst) = %d, want the same positive multiple of Dim = %d", len(noise), len(dst), dim))
	}
	if batch < 0 || dim < 0 {
		return nil, fmt.Errorf("flowmatch: Sample: Batch = %d, Dim = %d, want ≥ 0", s.Batch, s.Dim)
	}
	if modes := btoi(s.Steps > 0) + btoi(len(s.Grid) > 0) + btoi(s.RTol > 0); modes != 1 {
		return nil, fmt.Errorf("flowmatch: Sample: set exactly one of Steps > 0 (uniform steps), Grid (fixed steps on a grid) or RTol > 0 (adaptive); have Steps = %d, %d grid times, RTol = %g", s.Steps, len(s.Grid), s.RTol)
	}
	if s.Steps < 0 || s.RTol < 0 || s.ATol < 0 {
		return nil, fmt.Errorf("flowmatch: Sample: Steps = %d, RTol = %g, ATol = %g, want ≥ 0", s.Steps, s.RTol, s.ATol)
	}
	m := s.Method
	if m == nil {
		m = ode.Euler
	}
	if s.TutorialRK4 && s.Steps == 0 {
		return nil, errors.New("flowmatch: Sample: the tutorial's RK4 has uniform steps only: set Steps, not Grid or RTol")
	}
	if g := s.Grid; len(g) > 0 {
		if len(g) < 2 || g[0] != 0 || g[len(g)-1] != 1 {
			return nil, fmt.Errorf("flowmatch: Sample: Grid from %v to %v (%d times), want at least 2 times from exactly 0 to exactly 1", g[0], g[len(g)-1], len(g))
		}
		for i := 1; i < len(g); i++ {
			if !(g[i] > g[i-1]) {
				return nil, fmt.Errorf("flowmatch: Sample: Grid[%d] = %v after %v: times must increase", i, g[i], g[i-1])
			}
		}
	}
	if s.PerSample && s.RTol == 0 {
		return nil, errors.New("flowmatch: Sample: PerSample needs adaptive stepping (RTol > 0): fixed steps are the same for every sample")
	}
	if s.PerSample && len(s.SaveAt) > 0 {
		return nil, errors.New("flowmatch: Sample: PerSample does not record SaveAt")
	}
	if !s.TutorialRK4 {
		if err := m.Validate(); err != nil {
			return nil, err
		}
	}
	for i, ts := range s.SaveAt {
		if !(ts >= 0 && ts <= 1) || i > 0 && !(ts > s.SaveAt[i-1]) {
			return nil, fmt.Errorf("flowmatch: Sample: SaveAt[%d] = %v: times must increase within [0, 1]", i, ts)
		}
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
	var tut *TutorialRK4
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		x0 := noise[lo*dim : hi*dim]
		out := dst[lo*dim : hi*dim]
		if s.TutorialRK4 {
			if tut == nil || tut.dim != len(x0) {
				tut = &TutorialRK4{Steps: s.Steps}
			}
			saved, err := tut.Solve(ctx, out, f, x0, s.SaveAt)
			res.Stats.FieldEvals += tut.FieldEvals
			res.SampleEvals += tut.FieldEvals * (hi - lo)
			res.Stats.Steps += tut.Accepted
			res.Stats.Accepted += tut.Accepted
			if err != nil {
				return res, fmt.Errorf("flowmatch: samples %d to %d: %w", lo, hi-1, err)
			}
			for k := range saved {
				copy(res.Saved[k][lo*dim:hi*dim], saved[k])
			}
			continue
		}
		if solver == nil || solver.Dim() != len(x0) {
			solver = ode.NewSolver[float32](m, len(x0))
		}
		set := &ode.Settings{Steps: s.Steps, Grid: s.Grid, RTol: s.RTol, ATol: s.ATol, SaveAt: s.SaveAt}
		r, err := solver.Solve(ctx, ode.Problem[float32]{Field: f, T0: 0, T1: 1, X0: x0}, set)
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
	r, err := bs.Solve(ctx, dst, bf, 0, 1, noise, &ode.Settings{RTol: s.RTol, ATol: s.ATol})
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

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
