package flowmatch

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// gaussianFlow is the exact marginal velocity field of the OT path with
// σmin = sigma from N(0, I) to data distributed as N(m, s²I), per
// component j of each sample (m = mean[j]): with a(t) = 1 − (1 − σ)t the
// path's marginal at t is N(t·m, σ_t²), σ_t² = a² + t²s², and the field
// that moves a Gaussian along it is
//
//	v(x, t) = m + (σ_t'/σ_t)·(x − t·m),   σ_t' = (a·a' + t·s²)/σ_t,  a' = −(1 − σ),
//
// whose flow from x(0) = x0 is x(t) = t·m + σ_t·x0, and at t = 1,
// m + √(σ² + s²)·x0. It is the field a perfectly trained network would
// learn on Gaussian data, with a known endpoint.
type gaussianFlow struct {
	mean     []float64
	s, sigma float64
	evals    int
}

func (g *gaussianFlow) Eval(dst []float32, t float64, x []float32) {
	g.evals++
	a, da := 1-(1-g.sigma)*t, -(1 - g.sigma)
	st := math.Sqrt(a*a + t*t*g.s*g.s)
	k := (a*da + t*g.s*g.s) / (st * st)
	d := len(g.mean)
	for i := range x {
		m := g.mean[i%d]
		dst[i] = float32(m + k*(float64(x[i])-t*m))
	}
}

func (g *gaussianFlow) exact(t float64, x0 float32, j int) float64 {
	a := 1 - (1-g.sigma)*t
	st := math.Sqrt(a*a + t*t*g.s*g.s)
	return t*g.mean[j%len(g.mean)] + st*float64(x0)
}

// TestSampleGaussianFlow samples the exact Gaussian flow with every
// built-in method through Sample's batching (7 samples in batches of 3)
// and checks the endpoints and a saved trajectory against the closed form.
func TestSampleGaussianFlow(t *testing.T) {
	const dim, n = 5, 7
	g := &gaussianFlow{mean: []float64{0.5, -1, 0, 2, -0.25}, s: 0.3, sigma: SigmaMin}
	noise := make([]float32, n*dim)
	Noise(noise, 11)
	for _, tc := range []struct {
		set *SampleSettings
		tol float64
	}{
		// Fixed-step tolerances: the global error of each method with
		// these steps on this smooth field, bounded by the float32 state
		// (relative 6e-8 per step) from below; measured errors are 2 to
		// 10 times smaller.
		{&SampleSettings{Method: ode.Euler, Settings: ode.Settings{Steps: 400}}, 5e-3},
		{&SampleSettings{Method: ode.Heun, Settings: ode.Settings{Steps: 50}}, 5e-4},
		{&SampleSettings{Method: ode.Midpoint, Settings: ode.Settings{Steps: 50}}, 5e-4},
		{&SampleSettings{Method: ode.RK4, Settings: ode.Settings{Steps: 20}}, 1e-5},
		{&SampleSettings{Method: ode.BS3, Settings: ode.Settings{Steps: 30}}, 1e-4},
		{&SampleSettings{Method: ode.DOPRI5, Settings: ode.Settings{RTol: 1e-6, ATol: 1e-6}}, 2e-5},
		{&SampleSettings{Method: ode.Tsit5, Settings: ode.Settings{RTol: 1e-6, ATol: 1e-6}}, 2e-5},
		// The tutorial's stepper integrates the field delayed by half a
		// step, an error of order dt: measured 6e-3 at 150 steps.
		{&SampleSettings{TutorialRK4: true, Settings: ode.Settings{Steps: 150}}, 1.5e-2},
	} {
		tc.set.Dim, tc.set.Batch = dim, 3
		tc.set.SaveAt = []float64{0, 0.4, 1}
		name := "tutorial-rk4"
		if tc.set.Method != nil {
			name = tc.set.Method.Name
		}
		g.evals = 0
		x := make([]float32, len(noise))
		res, err := Sample(context.Background(), x, g, noise, tc.set)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for i := range x {
			if e := g.exact(1, noise[i], i); math.Abs(float64(x[i])-e) > tc.tol {
				t.Errorf("%s: x(1)[%d] = %v, exact %v", name, i, x[i], e)
			}
			for k, ts := range tc.set.SaveAt {
				if e := g.exact(ts, noise[i], i); math.Abs(float64(res.Saved[k][i])-e) > tc.tol {
					t.Errorf("%s: x(%v)[%d] = %v, exact %v", name, ts, i, res.Saved[k][i], e)
				}
			}
		}
		if res.Stats.FieldEvals != g.evals {
			t.Errorf("%s: reported %d evaluations, the field saw %d", name, res.Stats.FieldEvals, g.evals)
		}
		if tc.set.Steps > 0 && !tc.set.TutorialRK4 && res.Stats.Accepted != 3*tc.set.Steps {
			t.Errorf("%s: %d steps over 3 batches, want %d", name, res.Stats.Accepted, 3*tc.set.Steps)
		}
	}
}

// tutorialRK4 is the reference tutorial's sampler written from its
// definition (its sample() function), the oracle of TutorialField: with
// dt = 1/steps, step i evaluates f at t = clamp((i + ½)dt), clamp(t + dt/2)
// twice and clamp(t + dt), every time a float32 as in the tutorial, and
// updates the float32 state in the tutorial's order. It returns the final
// state and the number of field evaluations.
func tutorialRK4(f ode.VectorField[float32], x0 []float32, steps int) ([]float32, int) {
	n := len(x0)
	x := slices.Clone(x0)
	tmp, k1, k2, k3, k4 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	dt := 1 / float64(steps)
	half, full, sixth := float32(0.5*dt), float32(dt), float32(dt/6)
	clamp := func(t float32) float64 {
		return float64(min(max(t, float32(TEps)), float32(1-TEps)))
	}
	evals := 0
	eval := func(dst []float32, t float64, x []float32) {
		f.Eval(dst, t, x)
		evals++
	}
	for i := range steps {
		// The tutorial clamps t0 in Python (float64), then makes a float32
		// tensor of it; the later clamps are float32 tensor operations.
		t := float32(math.Min(math.Max((float64(i)+0.5)*dt, TEps), 1-TEps))
		tm := clamp(t + half)
		eval(k1, float64(t), x)
		// The conversions round each product, as PyTorch's separate
		// multiply and add kernels do (Go may otherwise fuse them).
		for p := range tmp {
			tmp[p] = x[p] + float32(half*k1[p])
		}
		eval(k2, tm, tmp)
		for p := range tmp {
			tmp[p] = x[p] + float32(half*k2[p])
		}
		eval(k3, tm, tmp)
		for p := range tmp {
			tmp[p] = x[p] + float32(full*k3[p])
		}
		eval(k4, clamp(t+full), tmp)
		for p := range x {
			s := k1[p] + float32(2*k2[p]) + float32(2*k3[p]) + k4[p]
			x[p] += float32(sixth * s)
		}
	}
	return x, evals
}

// TestTutorialRK4IsShiftedRK4 checks TutorialField solved by ode.RK4, as
// Sample runs it with TutorialRK4, against the tutorial's sampler written
// from its definition (tutorialRK4). The two round the times and the
// states in different orders, so they agree to float32 rounding only.
func TestTutorialRK4IsShiftedRK4(t *testing.T) {
	const dim, steps = 4, 8
	// A time-dependent linear field, so that the evaluation times matter.
	f := ode.Func[float32](func(dst []float32, t float64, x []float32) {
		for i := range x {
			dst[i] = float32(math.Cos(3*t)*float64(x[i]) + t*t*float64(i+1))
		}
	})
	counted := &countField{f: f}
	x0 := []float32{1, -0.5, 0.25, 2}
	want, wantEvals := tutorialRK4(f, x0, steps)
	got := make([]float32, dim)
	res, err := Sample(context.Background(), got, counted, x0, &SampleSettings{TutorialRK4: true, Dim: dim,
		Settings: ode.Settings{Steps: steps, SaveAt: []float64{0, 0.5, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		// float32 times and states perturb each step by ~1e-7.
		if math.Abs(float64(got[i]-want[i])) > 1e-5*math.Max(1, math.Abs(float64(want[i]))) {
			t.Errorf("x(1)[%d] = %v, the tutorial's sampler gives %v", i, got[i], want[i])
		}
		if res.Saved[0][i] != x0[i] || res.Saved[2][i] != got[i] {
			t.Errorf("saved endpoints differ at %d", i)
		}
	}
	if res.Stats.FieldEvals != wantEvals || counted.n != wantEvals || res.Stats.Accepted != steps {
		t.Errorf("%d evaluations reported, %d made, in %d steps; want %d in %d",
			res.Stats.FieldEvals, counted.n, res.Stats.Accepted, wantEvals, steps)
	}
	// And it differs from the classical RK4 on the unshifted field by
	// much more than rounding: it is another method.
	classic, _ := ode.Solve(context.Background(), ode.Problem[float32]{Field: f, T0: 0, T1: 1, X0: x0}, &ode.Settings{Steps: steps}, ode.RK4)
	if math.Abs(float64(classic.X[3]-got[3])) < 1e-3 {
		t.Errorf("tutorial RK4 %v and classical RK4 %v agree: the shift is missing", got[3], classic.X[3])
	}
}

// countField counts the evaluations of f.
type countField struct {
	f ode.VectorField[float32]
	n int
}

func (c *countField) Eval(dst []float32, t float64, x []float32) {
	c.n++
	c.f.Eval(dst, t, x)
}

// TestVelocityFieldBroadcastsTime checks that the field runs the network
// on the solver's buffer with the scalar time given to every image.
func TestVelocityFieldBroadcastsTime(t *testing.T) {
	net := nn.NewVelocityNet(nn.Config{Base: 8, TimeDim: 8, Groups: 8}, rand.New(rand.NewPCG(1, 1)))
	const B = 3
	x := make([]float32, B*784)
	Noise(x, 3)
	got := make([]float32, len(x))
	f := NewVelocityField(net, 1, 28, 28)
	f.Eval(got, 0.3, x)
	want := nn.NewTensor(B, 1, 28, 28)
	// Infer is the pass a field runs (Forward rounds the fused layers of
	// the inference pass differently).
	net.Infer(want, &nn.Tensor{Shape: []int{B, 1, 28, 28}, Data: x}, []float64{0.3, 0.3, 0.3})
	want.ToHost()
	for i := range got {
		if got[i] != want.Data[i] {
			t.Fatalf("v[%d] = %v, Infer gives %v", i, got[i], want.Data[i])
		}
	}
	// A batch of one, through the same field, is the first image's, up to
	// rounding: GroupNorm statistics are per sample, but the products are
	// blocked differently for another batch size.
	one := make([]float32, 784)
	f.Eval(one, 0.3, x[:784])
	for i := range one {
		if math.Abs(float64(one[i]-want.Data[i])) > 1e-5*math.Max(1, math.Abs(float64(want.Data[i]))) {
			t.Fatalf("batch of one: v[%d] = %v, in a batch %v", i, one[i], want.Data[i])
		}
	}
	mustPanic(t, "ragged state", func() { f.Eval(make([]float32, 100), 0.5, make([]float32, 100)) })
}

func TestSampleSettingsErrors(t *testing.T) {
	g := &gaussianFlow{mean: []float64{0}, s: 1, sigma: 0.1}
	x := make([]float32, 4)
	noise := make([]float32, 4)
	for _, tc := range []struct {
		set  *SampleSettings
		want string
	}{
		{&SampleSettings{Dim: 1}, "must set one of Steps > 0"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Steps: 3, RTol: 1e-3}}, "exactly one"},
		{&SampleSettings{Dim: 1, Method: ode.RK4, Settings: ode.Settings{RTol: 1e-3}}, "error estimate"},
		{&SampleSettings{Dim: 1, TutorialRK4: true, Settings: ode.Settings{RTol: 1e-3}}, "uniform steps only"},
		{&SampleSettings{Dim: 1, TutorialRK4: true, Settings: ode.Settings{Grid: []float64{0, 1}}}, "uniform steps only"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Steps: 2, Grid: []float64{0, 1}}}, "exactly one"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Grid: []float64{0, 0.5}}}, "want from T0 = 0 to T1 = 1"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Grid: []float64{1}}}, "Grid runs from 1 to 1"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Grid: []float64{0, 0.6, 0.4, 1}}}, "index 2 (0.4 after 0.6)"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Steps: 2, SaveAt: []float64{0.5, 0.2}}}, "SaveAt"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Steps: 2, SaveAt: []float64{1.5}}}, "SaveAt"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Steps: -1}}, "Steps = -1"},
		{&SampleSettings{Dim: 1, Settings: ode.Settings{Steps: 2, MaxSteps: -1}}, "MaxSteps = -1"},
		{&SampleSettings{Dim: 1, PerSample: true, Settings: ode.Settings{Steps: 2}}, "PerSample needs adaptive"},
		{&SampleSettings{Dim: 1, PerSample: true, Method: ode.DOPRI5, Settings: ode.Settings{RTol: 1e-3, SaveAt: []float64{0.5}}}, "does not record SaveAt"},
		{&SampleSettings{Dim: 1, Method: ode.DOPRI5, Settings: ode.Settings{RTol: 1e-3, ATolVec: []float64{1e-3, 1e-3}}}, "len(ATolVec) = 2"},
		{&SampleSettings{Batch: -1, Settings: ode.Settings{Steps: 2}}, "Batch = -1"},
		{&SampleSettings{Settings: ode.Settings{Steps: 2}}, "no Dim method"},
	} {
		g.evals = 0
		_, err := Sample(context.Background(), x, g, noise, tc.set)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.set, err, tc.want)
		}
		// Every settings error comes before the first batch.
		if g.evals != 0 {
			t.Errorf("%+v: %d field evaluations before the error", tc.set, g.evals)
		}
		// ode's refusals keep their ErrInvalidInput, sampling's own do not.
		own := tc.set.PerSample || tc.set.TutorialRK4 || tc.set.Batch < 0 || tc.set.Steps == 2 && tc.set.Dim == 0
		if errors.Is(err, ode.ErrInvalidInput) == own {
			t.Errorf("%+v: errors.Is(%v, ode.ErrInvalidInput) = %v", tc.set, err, !own)
		}
	}
	mustPanic(t, "dst length", func() {
		Sample(context.Background(), x[:3], g, noise, &SampleSettings{Dim: 1, Settings: ode.Settings{Steps: 1}})
	})
	mustPanic(t, "dim", func() {
		Sample(context.Background(), x, g, noise, &SampleSettings{Dim: 3, Settings: ode.Settings{Steps: 1}})
	})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, set := range []*SampleSettings{{Dim: 1, Settings: ode.Settings{Steps: 3}}, {Dim: 1, TutorialRK4: true, Settings: ode.Settings{Steps: 3}}} {
		if _, err := Sample(ctx, x, g, noise, set); err == nil {
			t.Errorf("%+v: canceled context, no error", set)
		}
	}
}

func TestPixels(t *testing.T) {
	x := []float32{-1, 1, 0, -3, 7, float32(math.NaN()), float32(math.Inf(1)), 0.5}
	// ⌊255·(x+1)/2 + 0.5⌋ after clamping; NaN black.
	want := []uint8{0, 255, 128, 0, 255, 0, 255, 191}
	got := make([]uint8, len(x))
	Pixels(got, x)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Pixels(%v) = %d, want %d", x[i], got[i], want[i])
		}
	}
}

func TestNoiseIsPrefixStable(t *testing.T) {
	a := make([]float32, 10)
	b := make([]float32, 30)
	Noise(a, 5)
	Noise(b, 5)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("Noise(10)[%d] = %v, Noise(30)[%d] = %v", i, a[i], i, b[i])
		}
	}
	// A stream filled in pieces of any sizes gives the same values.
	st := NewNoiseStream(5)
	piece := make([]float32, 30)
	st.Fill(piece[:7])
	st.Fill(piece[7:7])
	st.Fill(piece[7:30])
	if !slices.Equal(piece, b) {
		t.Errorf("NoiseStream in pieces %v, Noise %v", piece, b)
	}
	c := make([]float32, 10)
	Noise(c, 6)
	if c[0] == a[0] && c[1] == a[1] {
		t.Error("seeds 5 and 6 give the same noise")
	}
	// Moments of 10,000 draws: mean 0 ± 0.04, variance 1 ± 0.06 (4 standard errors).
	d := make([]float32, 10000)
	Noise(d, 1)
	var s, ss float64
	for _, v := range d {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	m := s / 1e4
	if v := ss/1e4 - m*m; math.Abs(m) > 0.04 || math.Abs(v-1) > 0.06 {
		t.Errorf("noise mean %v, variance %v", m, v)
	}
}

// TestTutorialRK4IsFirstOrder measures the tutorial sampler's error on the
// exact Gaussian flow at 75, 150 and 300 steps: it halves with the step
// (first order, from the half-step shift of its times), where the
// classical RK4's would fall sixteen-fold.
func TestTutorialRK4IsFirstOrder(t *testing.T) {
	g := &gaussianFlow{mean: []float64{0.5, -1, 2}, s: 0.3, sigma: SigmaMin}
	x0 := []float32{1, -0.5, 0.25}
	maxErr := func(steps int) float64 {
		x := make([]float32, 3)
		if _, err := Sample(context.Background(), x, g, x0, &SampleSettings{TutorialRK4: true, Dim: 3, Settings: ode.Settings{Steps: steps}}); err != nil {
			t.Fatal(err)
		}
		var e float64
		for i := range x {
			e = math.Max(e, math.Abs(float64(x[i])-g.exact(1, x0[i], i)))
		}
		return e
	}
	e75, e150, e300 := maxErr(75), maxErr(150), maxErr(300)
	t.Logf("errors %.3g, %.3g, %.3g", e75, e150, e300)
	// First order: ratios near 2 (1.6 to 2.5 allows for the float32 times
	// and the clamp at the end); fourth order would give 16.
	for _, r := range []float64{e75 / e150, e150 / e300} {
		if r < 1.6 || r > 2.5 {
			t.Errorf("error ratio %.3g on halving the step, want about 2", r)
		}
	}
}

// TestSampleGrid: a uniform Grid is the same integration as Steps, bit for
// bit, and a non-uniform one is used as given (the step count and the
// result change).
func TestSampleGrid(t *testing.T) {
	g := &gaussianFlow{mean: []float64{0.5, -0.3}, s: 1, sigma: 0.2}
	noise := []float32{0.3, -1.2, 0.8, 2.1}
	a := make([]float32, 4)
	b := make([]float32, 4)
	if _, err := Sample(context.Background(), a, g, noise, &SampleSettings{Dim: 2, Method: ode.Heun, Settings: ode.Settings{Steps: 6}}); err != nil {
		t.Fatal(err)
	}
	uni, err := TimeGrid("uniform", 6)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Sample(context.Background(), b, g, noise, &SampleSettings{Dim: 2, Method: ode.Heun, Settings: ode.Settings{Grid: uni}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Accepted != 6 || res.Stats.FieldEvals != 12 {
		t.Errorf("uniform grid of 6 steps: %d steps, %d evaluations, want 6 and 12", res.Stats.Accepted, res.Stats.FieldEvals)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("sample value %d: Steps %v, uniform Grid %v", i, a[i], b[i])
		}
	}
	late, _ := TimeGrid("late", 6)
	if _, err := Sample(context.Background(), b, g, noise, &SampleSettings{Dim: 2, Method: ode.Heun, Settings: ode.Settings{Grid: late}}); err != nil {
		t.Fatal(err)
	}
	same := true
	for i := range a {
		same = same && a[i] == b[i]
	}
	if same {
		t.Error("the late grid gave the uniform grid's result: Grid ignored?")
	}
}

// TestSampleATolVec: ATolVec holds one tolerance per component of a
// sample, repeated over each batch; equal tolerances give ATol's steps and
// results bit for bit, with and without PerSample.
func TestSampleATolVec(t *testing.T) {
	g := &gaussianFlow{mean: []float64{0.5, -0.3}, s: 1, sigma: 0.2}
	noise := []float32{0.3, -1.2, 0.8, 2.1, -0.4, 1.5}
	for _, per := range []bool{false, true} {
		a := make([]float32, len(noise))
		b := make([]float32, len(noise))
		ra, err := Sample(context.Background(), a, g, noise, &SampleSettings{Dim: 2, Batch: 2, PerSample: per, Method: ode.BS3,
			Settings: ode.Settings{RTol: 1e-4, ATol: 1e-5}})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := Sample(context.Background(), b, g, noise, &SampleSettings{Dim: 2, Batch: 2, PerSample: per, Method: ode.BS3,
			Settings: ode.Settings{RTol: 1e-4, ATolVec: []float64{1e-5, 1e-5}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) || ra.Stats != rb.Stats {
			t.Errorf("PerSample %v: ATol gives %v (%+v), ATolVec %v (%+v)", per, a, ra.Stats, b, rb.Stats)
		}
	}
}
