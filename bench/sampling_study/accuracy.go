package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/ode"
)

// referenceTol is the tolerance of the reference solution the accuracy
// pass compares against: dopri5 at rtol = atol = 1e-6, ten times float32's
// epsilon, the tightest at which a float32 state still converges without
// chasing rounding noise (ode.Settings.RTol).
const referenceTol = 1e-6

// accuracyRow is one line of an accuracy file: how far a sampler's states
// at t = 1 lie from the exact flow's, before clamping to pixels.
type accuracyRow struct {
	Label string  `json:"label"`
	N     int     `json:"n"`
	Seed  uint64  `json:"seed"`
	RMS   float64 `json:"rms"` // root mean square over every value of every sample
	Max   float64 `json:"max"` // the largest per-sample RMS
}

// runAccuracy integrates the first n noise vectors of seed with every
// setting and with the reference, and appends the deviations to out.
func runAccuracy(ctx context.Context, n int, seed uint64, out, only string) error {
	var re *regexp.Regexp
	if only != "" {
		var err error
		if re, err = regexp.Compile(only); err != nil {
			return fmt.Errorf("-only: %w", err)
		}
	}
	model, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		return err
	}
	field := model.Field()
	noise := make([]float32, n*784)
	flowmatch.Noise(noise, seed)
	ref := make([]float32, len(noise))
	if _, err := flowmatch.Sample(ctx, ref, field, noise, &flowmatch.SampleSettings{Method: ode.DOPRI5, Batch: batch, Settings: ode.Settings{RTol: referenceTol, ATol: referenceTol}}); err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	x := make([]float32, len(noise))
	plan := &samplers{field: field, pilotSeed: seed + 1}
	for _, s := range studySettings() {
		label := s.Label()
		if re != nil && !re.MatchString(label) {
			continue
		}
		set, err := plan.settings(ctx, s)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		if _, err := flowmatch.Sample(ctx, x, field, noise, set); err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		r := accuracyRow{Label: label, N: n, Seed: seed}
		var total float64
		for i := range n {
			var sum float64
			for j := i * 784; j < (i+1)*784; j++ {
				d := float64(x[j]) - float64(ref[j])
				sum += d * d
			}
			total += sum
			r.Max = max(r.Max, math.Sqrt(sum/784))
		}
		r.RMS = math.Sqrt(total / float64(len(x)))
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%-28s RMS %.2e  worst sample %.2e\n", label, r.RMS, r.Max)
		if _, err := f.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}
