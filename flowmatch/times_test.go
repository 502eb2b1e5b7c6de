package flowmatch

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestLogitNormalTimes checks the quantiles of the logit-normal draws
// against the closed form: the q-quantile of sigmoid(m + s·N(0,1)) is
// sigmoid(m + s·Φ⁻¹(q)).
func TestLogitNormalTimes(t *testing.T) {
	for _, c := range []Config{
		{Times: TimesLogitNormal},
		{Times: TimesLogitNormal, TimeLoc: 0.5, TimeScale: 0.8},
	} {
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 100000
		ts := make([]float64, n)
		for i := range ts {
			ts[i] = c.sampleTime(rng)
		}
		sort.Float64s(ts)
		s := c.TimeScale
		if s == 0 {
			s = 1
		}
		for _, q := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
			want := 1 / (1 + math.Exp(-(c.TimeLoc + s*math.Sqrt2*math.Erfinv(2*q-1))))
			// The empirical quantile's standard error is below 0.003 here.
			if got := ts[int(q*n)]; math.Abs(got-want) > 0.006 {
				t.Errorf("%v m %g s %g: %g-quantile %.4f, want %.4f", c.Times, c.TimeLoc, c.TimeScale, q, got, want)
			}
		}
	}
	// Uniform: the tutorial's U(TEps, 1 − TEps), its mean 1/2.
	rng := rand.New(rand.NewPCG(1, 2))
	var sum float64
	for range 100000 {
		sum += Config{}.sampleTime(rng)
	}
	if m := sum / 100000; math.Abs(m-0.5) > 0.005 {
		t.Errorf("uniform times: mean %.4f, want 0.5", m)
	}
}
