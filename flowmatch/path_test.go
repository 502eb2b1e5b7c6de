package flowmatch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPathInterpolate checks the OT path against its defining properties:
// x_0 = x0, x_1 = σ·x0 + x1 (a Gaussian of width σ around x1), and u is
// the time derivative of x_t (x_t is linear in t, so a difference quotient
// over any interval equals it up to rounding).
func TestPathInterpolate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const B, P = 4, 10
	x0 := make([]float32, B*P)
	x1 := make([]float32, B*P)
	for i := range x0 {
		x0[i] = float32(r.NormFloat64())
		x1[i] = float32(2*r.Float64() - 1)
	}
	xt := make([]float32, B*P)
	u := make([]float32, B*P)
	at := func(tt float64) []float32 {
		ts := []float64{tt, tt, tt, tt}
		out := make([]float32, B*P)
		ReferencePath.Interpolate(out, u, x0, x1, ts)
		return out
	}
	a, b := at(0), at(1)
	for i := range x0 {
		if a[i] != x0[i] {
			t.Fatalf("x_0[%d] = %v, want x0 = %v", i, a[i], x0[i])
		}
		// float32 arithmetic: a few ulps of values of size ~3.
		if want := 0.1*float64(x0[i]) + float64(x1[i]); math.Abs(float64(b[i])-want) > 1e-6 {
			t.Fatalf("x_1[%d] = %v, want σ·x0 + x1 = %v", i, b[i], want)
		}
		if want := float64(x1[i]) - 0.9*float64(x0[i]); math.Abs(float64(u[i])-want) > 1e-6 {
			t.Fatalf("u[%d] = %v, want x1 − 0.9·x0 = %v", i, u[i], want)
		}
	}
	// Per-sample times: sample b at ts[b]; u independent of t.
	ts := []float64{0.1, 0.4, 0.7, 0.95}
	ReferencePath.Interpolate(xt, u, x0, x1, ts)
	const dt = 0.125
	for s, tt := range ts {
		lo := at(tt - dt)
		hi := at(tt + dt)
		for p := range P {
			i := s*P + p
			if want := (1-0.9*tt)*float64(x0[i]) + tt*float64(x1[i]); math.Abs(float64(xt[i])-want) > 1e-6 {
				t.Errorf("sample %d: x_t[%d] = %v, want %v", s, p, xt[i], want)
			}
			deriv := (float64(hi[i]) - float64(lo[i])) / (2 * dt)
			if math.Abs(deriv-float64(u[i])) > 1e-5 {
				t.Errorf("sample %d: dx_t/dt[%d] ≈ %v, u = %v", s, p, deriv, u[i])
			}
		}
	}
}

func TestPathSampleTime(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := Path{TEps: 0.25}
	var sum float64
	const n = 10000
	for range n {
		tt := p.SampleTime(r)
		if tt < 0.25 || tt >= 0.75 {
			t.Fatalf("t = %v outside [0.25, 0.75)", tt)
		}
		sum += tt
	}
	// Mean of U(0.25, 0.75) is 0.5, standard error 0.5/√12/√n ≈ 0.0014:
	// 0.01 is 7 standard errors.
	if m := sum / n; math.Abs(m-0.5) > 0.01 {
		t.Errorf("mean time %v, want 0.5", m)
	}
	if ReferencePath.Sigma != 0.1 || ReferencePath.TEps != 1e-5 {
		t.Errorf("ReferencePath = %+v, want σ 0.1, t_eps 1e-5 (docs/reference.md)", ReferencePath)
	}
}

func TestPathPanics(t *testing.T) {
	mustPanic(t, "lengths", func() {
		ReferencePath.Interpolate(make([]float32, 4), make([]float32, 4), make([]float32, 4), make([]float32, 3), []float64{0.5})
	})
	mustPanic(t, "batch", func() {
		ReferencePath.Interpolate(make([]float32, 3), make([]float32, 3), make([]float32, 3), make([]float32, 3), []float64{0.5, 0.5})
	})
}

func TestLearningRate(t *testing.T) {
	c := Config{LR: 1e-3, WarmupSteps: 10, Cosine: true, FinalLR: 1e-4}
	for _, tc := range []struct {
		n, horizon int
		want       float64
	}{
		{0, 110, 1e-4},  // LR·1/10
		{4, 110, 5e-4},  // LR·5/10
		{9, 110, 1e-3},  // end of warm-up
		{10, 110, 1e-3}, // p = 0
		{60, 110, 5.5e-4},
		{110, 110, 1e-4}, // p = 1
		{500, 110, 1e-4}, // after the horizon
		{50, 0, 1e-3},    // horizon unknown: constant
	} {
		if got := c.LearningRate(tc.n, tc.horizon); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("LearningRate(%d, %d) = %v, want %v", tc.n, tc.horizon, got, tc.want)
		}
	}
	// A quarter of the way: FinalLR + (LR − FinalLR)(1 + cos(π/4))/2.
	want := 1e-4 + 9e-4*(1+math.Sqrt2/2)/2
	if got := c.LearningRate(35, 110); math.Abs(got-want) > 1e-15 {
		t.Errorf("LearningRate(35, 110) = %v, want %v", got, want)
	}
	c.Cosine = false
	if got := c.LearningRate(100, 110); got != 1e-3 {
		t.Errorf("constant schedule: %v, want 1e-3", got)
	}
	if got := (Config{}).LearningRate(0, 0); got != 2e-4 {
		t.Errorf("zero Config: LR %v, want the reference 2e-4", got)
	}
}
