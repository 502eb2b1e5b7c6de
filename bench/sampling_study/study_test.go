package main

import (
	"context"
	"testing"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/ode"
)

// TestSettingsRun checks that every setting of the study has its own label
// and turns into SampleSettings that Sample runs, with the evaluation
// count its label promises for the fixed-step ones.
func TestSettingsRun(t *testing.T) {
	// A linear field with an exact flow keeps the test fast; the model is
	// not needed to check the plumbing.
	f := ode.Func[float32](func(dst []float32, tm float64, x []float32) {
		for i, v := range x {
			dst[i] = 0.5*v - float32(tm)
		}
	})
	pilot := []float64{0, 0.1, 0.5, 0.9, 1}
	seen := map[string]bool{}
	noise := make([]float32, 2*784)
	flowmatch.Noise(noise, 1)
	x := make([]float32, len(noise))
	for _, s := range studySettings() {
		label := s.Label()
		if seen[label] {
			t.Errorf("label %q twice", label)
		}
		seen[label] = true
		set, err := sampleSettings(s, pilot)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		set.Dim = 784 // f is a plain function, without a VelocityField's Dim
		res, err := flowmatch.Sample(context.Background(), x, f, noise, set)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if s.Steps > 0 {
			stages := map[string]int{"euler": 1, "midpoint": 2, "heun": 2, "rk4": 4, "tutorial-rk4": 4}[s.Method]
			if got, want := res.SampleEvals, 2*stages*s.Steps; got != want {
				t.Errorf("%s: %d evaluations over 2 samples, want %d", label, got, want)
			}
		}
	}
}

// TestMeasuredSet: a row counts as measured only for its own N, seed and
// model (the floor for any model).
func TestMeasuredSet(t *testing.T) {
	done := measuredSet([]row{
		{Label: "rk4 5", N: 1024, Seed: 7, Model: "a"},
		{Label: floorLabel, N: 1024, Seed: 7, Model: "a"},
	})
	for _, c := range []struct {
		label string
		n     int
		seed  uint64
		model string
		want  bool
	}{
		{"rk4 5", 1024, 7, "a", true},
		{"rk4 5", 1024, 8, "a", false},
		{"rk4 5", 512, 7, "a", false},
		{"rk4 5", 1024, 7, "b", false},
		{"rk4 3", 1024, 7, "a", false},
		{floorLabel, 1024, 7, "b", true},
		{floorLabel, 1024, 9, "a", false},
	} {
		if got := done(c.label, c.n, c.seed, c.model); got != c.want {
			t.Errorf("%s, N %d, seed %d, model %s: measured %v, want %v", c.label, c.n, c.seed, c.model, got, c.want)
		}
	}
}
