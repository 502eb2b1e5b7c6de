package main

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/ode"
)

// The samples of a short training run pass the two-sample test against the
// target, and the test can fail: the untrained model's samples and the
// noise itself do not pass it.
//
// The threshold is not chosen: it is the largest MMD² of 19 independent
// samples of the target against the same reference, so a sample of the
// target itself would fail with probability 1/20. 500 points a sample keep
// the statistic cheap; at that size it separates the noise from the target
// by a factor of more than ten (measured).
func TestLearnedSamplesMatchTarget(t *testing.T) {
	const (
		n, draws = 500, 19
		seed     = 1
	)
	ctx := context.Background()
	pts, err := drawTarget("moons", 20000, seed, streamTrain)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := drawTarget("moons", n, seed, streamRef)
	stat := newMMD(ref)
	thr, null := stat.nullThreshold(draws, func(i int) []float32 {
		x, _ := drawTarget("moons", n, seed, streamNull+uint64(i))
		return x
	})
	t.Logf("threshold %.3g from the null values %.2g", thr, null)
	noise := make([]float32, 2*n)
	flowmatch.Noise(noise, seed)

	sample := func(f *flowmatch.VelocityField) float64 {
		x := make([]float32, 2*n)
		if _, err := flowmatch.Sample(ctx, x, f, noise, &flowmatch.SampleSettings{Method: ode.RK4, Settings: ode.Settings{Steps: 8}, Batch: n}); err != nil {
			t.Fatal(err)
		}
		return stat.Of(x)
	}

	cfg := recipe(4000, false, seed)
	tr, err := train(ctx, cfg, pts)
	if err != nil {
		t.Fatal(err)
	}
	trained := sample(tr.Model().Field())
	untrainedTr, err := flowmatch.NewTrainer(cfg, cloud{pts: pts})
	if err != nil {
		t.Fatal(err)
	}
	untrained := sample(untrainedTr.Model().Field())
	raw := stat.Of(noise)
	t.Logf("MMD²: trained %.3g, untrained %.3g, noise %.3g", trained, untrained, raw)

	if !(trained <= thr) {
		t.Errorf("trained model: MMD² %.3g > threshold %.3g: its samples do not match the target", trained, thr)
	}
	if !(untrained > thr) {
		t.Errorf("untrained model: MMD² %.3g ≤ threshold %.3g: the test cannot tell it from the target", untrained, thr)
	}
	if !(raw > thr) {
		t.Errorf("noise: MMD² %.3g ≤ threshold %.3g: the test cannot tell it from the target", raw, thr)
	}
}

// The statistic of the reference against itself is the small negative
// value the unbiased estimate gives it, and grows with a shift of the
// sample: the diagonal k(a, a) = 1 is left out of the within-sample means
// and kept in the cross mean, so MMD²_u(Y, Y) = 2(refK − 1)/n exactly.
func TestMMDOfShift(t *testing.T) {
	ref, _ := drawTarget("8gaussians", 400, 3, streamRef)
	stat := newMMD(ref)
	n := float64(len(ref) / 2)
	want := 2 * (stat.refK - 1) / n
	if got := stat.Of(ref); math.Abs(got-want) > 1e-12 {
		t.Errorf("MMD²_u(ref, ref) = %v, want %v", got, want)
	}
	prev := stat.Of(ref)
	for _, d := range []float32{0.05, 0.2, 1} {
		x := make([]float32, len(ref))
		for i := range x {
			x[i] = ref[i] + d
		}
		got := stat.Of(x)
		if !(got > prev) {
			t.Errorf("shift %v: MMD² %v, not above %v of the smaller shift", d, got, prev)
		}
		prev = got
	}
}

// Each target has its documented support.
func TestTargets(t *testing.T) {
	const n = 5000
	check := func(name string, ok func(x, y float64) bool) {
		pts, err := drawTarget(name, n, 1, streamTrain)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for i := 0; i < len(pts); i += 2 {
			if !ok(float64(pts[i]), float64(pts[i+1])) {
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d points off the support", name, bad, n)
		}
	}
	// Dark squares: the column and row indices have an even sum.
	check("checkerboard", func(x, y float64) bool {
		return x >= -2 && x < 2 && y >= -2 && y < 2 && (int(math.Floor(x))+int(math.Floor(y)))%2 == 0
	})
	// Within 6 standard deviations (0.9) of a centre at radius 2.
	check("8gaussians", func(x, y float64) bool {
		a := math.Round(math.Atan2(y, x)/(math.Pi/4)) * math.Pi / 4
		return math.Hypot(x-2*math.Cos(a), y-2*math.Sin(a)) < 0.9
	})
	// Within 6 standard deviations (0.45: 0.05 scaled by 1.5) of one of
	// the circles of radius 1.5 centred at (−0.75, −0.375) and (0.75,
	// 0.375), on which the half circles lie.
	check("moons", func(x, y float64) bool {
		d1 := math.Abs(math.Hypot(x+0.75, y+0.375) - 1.5)
		d2 := math.Abs(math.Hypot(x-0.75, y-0.375) - 1.5)
		return min(d1, d2) < 0.45
	})
	if _, err := drawTarget("spiral", 10, 1, streamTrain); err == nil {
		t.Error("an unknown target was accepted")
	}
}

// run prints the table and writes both plots; bad flags are errors.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-train-steps", "200", "-n", "200", "-out-dir", dir}, &out); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) == 8 && (f[0] == "independent" || f[0] == "ot" || f[1] == "noise") {
			rows++
		}
	}
	if want := 2*len(methods) + 1; rows != want {
		t.Errorf("%d table rows, want %d:\n%s", rows, want, out.String())
	}
	for _, name := range []string{"toy2d_samples.png", "toy2d_trajectories.png"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 300 {
			t.Errorf("%s is %v", name, b)
		}
	}
	for _, args := range [][]string{{"-nope"}, {"-data", "spiral"}, {"-steps", "0"}, {"-n", "1"}, {"extra"}} {
		if err := run(append(args, "-out-dir", dir), new(bytes.Buffer)); err == nil {
			t.Errorf("run(%q) did not fail", args)
		}
	}
}
