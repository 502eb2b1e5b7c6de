package flowmatch

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// sampleCounter counts the samples its field is evaluated on, as a plain
// VectorField (Eval) of samples of dim values.
type sampleCounter struct {
	f       ode.VectorField[float32]
	dim     int
	samples int
}

func (c *sampleCounter) Eval(dst []float32, t float64, x []float32) {
	c.samples += len(x) / c.dim
	c.f.Eval(dst, t, x)
}

// TestSamplePerSample: with PerSample, a sample's result does not depend on
// Batch (bit for bit, on the exactly per-sample Gaussian flow), equals an
// ode.Solver on that sample alone, and is the exact flow to within the
// tolerance; SampleEvals counts the samples the field saw.
func TestSamplePerSample(t *testing.T) {
	const dim, n = 5, 7
	g := &gaussianFlow{mean: []float64{0.5, -1, 0, 2, -0.25}, s: 0.3, sigma: SigmaMin}
	noise := make([]float32, n*dim)
	Noise(noise, 3)
	var first []float32
	for _, batch := range []int{1, 3, n} {
		c := &sampleCounter{f: g, dim: dim}
		set := &SampleSettings{Method: ode.DOPRI5, Dim: dim, Batch: batch, PerSample: true, Settings: ode.Settings{RTol: 1e-6, ATol: 1e-6}}
		x := make([]float32, len(noise))
		res, err := Sample(context.Background(), x, c, noise, set)
		if err != nil {
			t.Fatalf("Batch %d: %v", batch, err)
		}
		if first == nil {
			first = x
		}
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(first[i]) {
				t.Fatalf("Batch %d: x[%d] = %v, with Batch 1 %v", batch, i, x[i], first[i])
			}
			// DOPRI5 at rtol = atol = 1e-6 (TestSampleGaussianFlow's
			// tolerance for it).
			if e := g.exact(1, noise[i], i); math.Abs(float64(x[i])-e) > 2e-5 {
				t.Errorf("Batch %d: x(1)[%d] = %v, exact %v", batch, i, x[i], e)
			}
		}
		if res.SampleEvals != c.samples {
			t.Errorf("Batch %d: SampleEvals %d, the field saw %d samples", batch, res.SampleEvals, c.samples)
		}
		// The field is not an ode.BatchField: Sample evaluates it one
		// sample at a time, so its calls are its sample evaluations,
		// gathered into Stats.FieldEvals rounds of up to Batch samples.
		if rounds := res.Stats.FieldEvals; rounds*batch < res.SampleEvals || rounds > res.SampleEvals {
			t.Errorf("Batch %d: %d rounds for %d sample evaluations", batch, rounds, res.SampleEvals)
		}
		if res.Stats.Accepted == 0 || res.Stats.Steps != res.Stats.Accepted+res.Stats.Rejected {
			t.Errorf("Batch %d: stats %+v", batch, res.Stats)
		}
	}
	// Each sample is what a Solver makes of it alone.
	s := ode.NewSolver[float32](ode.DOPRI5, dim)
	for i := range n {
		r, err := s.Solve(context.Background(), ode.Problem[float32]{Field: g, T0: 0, T1: 1, X0: noise[i*dim : (i+1)*dim]}, &ode.Settings{RTol: 1e-6, ATol: 1e-6})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range r.X {
			if first[i*dim+k] != v {
				t.Fatalf("sample %d: x(1)[%d] = %v, alone %v", i, k, first[i*dim+k], v)
			}
		}
	}
}

// TestSampleEvalsShared: without PerSample, SampleEvals counts every batch
// evaluation once per sample of the batch (7 samples in batches of 3, 3
// and 1).
func TestSampleEvalsShared(t *testing.T) {
	const dim, n = 5, 7
	g := &gaussianFlow{mean: []float64{0.5, -1, 0, 2, -0.25}, s: 0.3, sigma: SigmaMin}
	noise := make([]float32, n*dim)
	Noise(noise, 3)
	for _, set := range []*SampleSettings{
		{Method: ode.BS3, Settings: ode.Settings{RTol: 1e-5, ATol: 1e-5}},
		{Method: ode.RK4, Settings: ode.Settings{Steps: 4}},
		{TutorialRK4: true, Settings: ode.Settings{Steps: 4}},
	} {
		set.Dim, set.Batch = dim, 3
		c := &sampleCounter{f: g, dim: dim}
		res, err := Sample(context.Background(), make([]float32, len(noise)), c, noise, set)
		if err != nil {
			t.Fatal(err)
		}
		if res.SampleEvals != c.samples || res.SampleEvals <= res.Stats.FieldEvals {
			t.Errorf("%+v: SampleEvals %d, the field saw %d samples in %d evaluations", set, res.SampleEvals, c.samples, res.Stats.FieldEvals)
		}
	}
}

// TestSamplePerSampleRefuses: PerSample is adaptive and keeps no
// trajectory.
func TestSamplePerSampleRefuses(t *testing.T) {
	g := &gaussianFlow{mean: []float64{0}, s: 1, sigma: SigmaMin}
	noise := []float32{0.5, -0.5}
	for _, set := range []*SampleSettings{
		{Method: ode.RK4, Settings: ode.Settings{Steps: 10}},
		{Method: ode.Euler, Settings: ode.Settings{Grid: []float64{0, 0.5, 1}}},
		{TutorialRK4: true, Settings: ode.Settings{Steps: 10}},
		{Method: ode.DOPRI5, Settings: ode.Settings{RTol: 1e-4, ATol: 1e-4, SaveAt: []float64{0.5}}},
	} {
		set.Dim, set.PerSample = 1, true
		if _, err := Sample(context.Background(), make([]float32, 2), g, noise, set); err == nil || !strings.Contains(err.Error(), "PerSample") {
			t.Errorf("%+v: error %v, want one naming PerSample", set, err)
		}
	}
	// A method without an error estimate is refused by the solver.
	_, err := Sample(context.Background(), make([]float32, 2), g, noise, &SampleSettings{Method: ode.RK4, Dim: 1, PerSample: true, Settings: ode.Settings{RTol: 1e-4}})
	if !errors.Is(err, ode.ErrInvalidInput) {
		t.Errorf("rk4 per sample: %v, want ErrInvalidInput", err)
	}
}

// batchCounter is a VelocityField that counts its batched calls.
type batchCounter struct {
	*VelocityField
	calls, samples int
}

func (c *batchCounter) EvalBatch(dst []float32, t []float64, x []float32) {
	c.calls++
	c.samples += len(t)
	c.VelocityField.EvalBatch(dst, t, x)
}

// TestVelocityFieldEvalBatch: EvalBatch gives each image its own time in
// one network pass. With one time for all it is Eval bit for bit; with
// different times each image matches the network run on it alone, to
// float32 rounding (the batched convolutions may sum in another order).
// Sample with PerSample calls it once per round.
func TestVelocityFieldEvalBatch(t *testing.T) {
	const h, w, b = 8, 8, 3
	net := nn.NewVelocityNet(nn.Config{Base: 8, TimeDim: 16, Groups: 4}, rand.New(rand.NewPCG(5, 6)))
	f := NewVelocityField(net, 1, h, w)
	x := make([]float32, b*h*w)
	Noise(x, 9)
	times := []float64{0.1, 0.5, 0.9}
	got := make([]float32, len(x))
	f.EvalBatch(got, times, x)
	one := make([]float32, h*w)
	for j, tj := range times {
		f.Eval(one, tj, x[j*h*w:(j+1)*h*w])
		scale := 0.0
		for _, v := range one {
			scale = max(scale, math.Abs(float64(v)))
		}
		if scale == 0 {
			t.Fatalf("image %d: zero velocity, the test net is degenerate", j)
		}
		for k, v := range one {
			// 1e-5 relative to the largest value: float32 rounding of sums
			// of a few hundred terms, with margin.
			if d := math.Abs(float64(got[j*h*w+k] - v)); d > 1e-5*scale {
				t.Fatalf("image %d at t = %v: v[%d] = %v in the batch, %v alone", j, tj, k, got[j*h*w+k], v)
			}
		}
	}
	same := make([]float32, len(x))
	f.EvalBatch(got, []float64{0.5, 0.5, 0.5}, x)
	f.Eval(same, 0.5, x)
	for i := range got {
		if got[i] != same[i] {
			t.Fatalf("one time: EvalBatch v[%d] = %v, Eval %v", i, got[i], same[i])
		}
	}
	mustPanic(t, "EvalBatch with too few times", func() { f.EvalBatch(got, times[:2], x) })

	c := &batchCounter{VelocityField: f}
	noise := make([]float32, 5*h*w)
	Noise(noise, 4)
	res, err := Sample(context.Background(), make([]float32, len(noise)), c, noise,
		&SampleSettings{Method: ode.BS3, Dim: h * w, Batch: 2, PerSample: true, Settings: ode.Settings{RTol: 1e-3, ATol: 1e-3}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.FieldEvals != c.calls || res.SampleEvals != c.samples || c.samples > 2*c.calls {
		t.Errorf("%d calls on %d samples; result says %d and %d", c.calls, c.samples, res.Stats.FieldEvals, res.SampleEvals)
	}
}
