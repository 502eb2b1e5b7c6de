package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/npy"
	"github.com/windrose/windrose/ode"
)

// fieldImages returns the grey levels that flowmatch.Sample draws from n
// samples of noise seed seed through field, with the midpoint method in
// steps uniform steps.
func fieldImages(t *testing.T, field ode.VectorField[float32], n int, seed uint64, steps int) []uint8 {
	t.Helper()
	noise := make([]float32, n*784)
	flowmatch.Noise(noise, seed)
	x := make([]float32, len(noise))
	if _, err := flowmatch.Sample(context.Background(), x, field, noise,
		&flowmatch.SampleSettings{Method: ode.Midpoint, Batch: 2, Settings: ode.Settings{Steps: steps}}); err != nil {
		t.Fatal(err)
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	return pix
}

// npyBytes returns the content of the uint8 .npy file of the n images pix.
func npyBytes(t *testing.T, pix []uint8, n int) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "want.npy")
	if err := npy.WriteUint8(p, pix, n, 28, 28); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSampleGuidance: -guide G -guidance W draws bit for bit the images of
// flowmatch.Sample through flowmatch.GuidedField, unlike the model's own;
// the shipped model goes with the shipped guide and weight unless
// -guidance 1; a model from -ckpt goes alone; bad weights and files are
// refused.
func TestSampleGuidance(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 2)
	gk := filepath.Join(dir, "guide.safetensors")
	wantRun(t, exitOK, "train", "-data", dir, "-out", gk, "-base", "8", "-batch", "4", "-steps", "1", "-seed", "3")
	model, err := flowmatch.LoadModel(ck, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	guide, err := flowmatch.LoadModel(gk, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	// sample runs windrose sample with the midpoint method in uniform steps
	// on noise seed 6, in batches of 2, and returns its output and .npy file.
	sample := func(n, steps string, extra ...string) (string, []byte) {
		p := filepath.Join(dir, "s.npy")
		args := append([]string{"sample", "-n", n, "-batch", "2", "-method", "midpoint", "-steps", steps, "-grid", "uniform",
			"-seed", "6", "-out", filepath.Join(dir, "t.png"), "-npy", p}, extra...)
		out, _ := wantRun(t, exitOK, args...)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return out, b
	}

	out, got := sample("5", "3", "-ckpt", ck, "-guide", gk, "-guidance", "2.5")
	contains(t, "guided output", out, "guide "+gk+" (1 training steps", "weight 2.5", "5 samples guided with weight 2.5")
	if !bytes.Equal(got, npyBytes(t, fieldImages(t, flowmatch.NewGuidedField(model.Field(), guide.Field(), 2.5), 5, 6, 3), 5)) {
		t.Error("-guide -guidance 2.5 differs from Sample through GuidedField")
	}
	out, alone := sample("5", "3", "-ckpt", ck)
	if strings.Contains(out, "guide") {
		t.Errorf("-ckpt without -guide is guided:\n%s", out)
	}
	if !bytes.Equal(alone, npyBytes(t, fieldImages(t, model.Field(), 5, 6, 3), 5)) {
		t.Error("-ckpt alone differs from Sample through the model's field")
	}
	if bytes.Equal(alone, got) {
		t.Error("guidance did not change the images")
	}

	// The shipped pair, one step of two samples.
	shipped, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	shippedGuide, err := flowmatch.ReadModel(models.MNISTGuideName, models.MNISTGuide, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	out, got = sample("2", "1")
	contains(t, "shipped output", out, "guide shipped "+models.MNISTGuideName, fmt.Sprintf("weight %v", float64(models.MNISTGuidance)))
	if !bytes.Equal(got, npyBytes(t, fieldImages(t, flowmatch.NewGuidedField(shipped.Field(), shippedGuide.Field(), models.MNISTGuidance), 2, 6, 1), 2)) {
		t.Error("the shipped model by default differs from Sample through its guided field")
	}
	out, got = sample("2", "1", "-guidance", "1")
	if strings.Contains(out, "guide") {
		t.Errorf("-guidance 1 is guided:\n%s", out)
	}
	if !bytes.Equal(got, npyBytes(t, fieldImages(t, shipped.Field(), 2, 6, 1), 2)) {
		t.Error("-guidance 1 differs from Sample through the shipped model's field")
	}

	// Guided, -steps defaults to 5 (DefaultGuidedSampleSettings); alone, to
	// 10 (DefaultSampleSettings).
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "midpoint with 5 steps on the early grid"},
		{[]string{"-guidance", "1"}, "midpoint with 10 steps on the early grid"},
		{[]string{"-ckpt", ck}, "midpoint with 10 steps on the early grid"},
		{[]string{"-ckpt", ck, "-guide", gk}, "midpoint with 5 steps on the early grid"},
		{[]string{"-ckpt", ck, "-guide", gk, "-steps", "3"}, "midpoint with 3 steps on the early grid"},
	} {
		args := append([]string{"sample", "-n", "1", "-out", filepath.Join(dir, "d.png")}, tc.args...)
		out, _ := wantRun(t, exitOK, args...)
		contains(t, "output of "+strings.Join(tc.args, " "), out, tc.want)
	}

	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"-guidance", "-1"}, exitUsage, []string{"-guidance -1", "[0, 100]"}},
		{[]string{"-guidance", "NaN"}, exitUsage, []string{"-guidance NaN"}},
		{[]string{"-guidance", "+Inf"}, exitUsage, []string{"-guidance +Inf"}},
		{[]string{"-guidance", "101"}, exitUsage, []string{"-guidance 101"}},
		{[]string{"-ckpt", ck, "-guidance", "2"}, exitUsage, []string{"-guidance needs -guide"}},
		{[]string{"-guide", filepath.Join(dir, "missing.safetensors")}, exitFailure, []string{"missing.safetensors"}},
	} {
		args := append([]string{"sample", "-n", "1", "-steps", "1", "-out", filepath.Join(dir, "u.png")}, tc.args...)
		_, stderr := wantRun(t, tc.code, args...)
		contains(t, "stderr of "+strings.Join(tc.args, " "), stderr, tc.want...)
	}
}

// TestInterpolateGuidance: interpolate decodes with the guidance of
// sample: the shipped model with its guide in 5 steps by default, alone in
// 10 with -guidance 1, a -ckpt model alone, the same usage errors.
func TestInterpolateGuidance(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 1)
	strip := func(args ...string) (string, []byte) {
		p := filepath.Join(dir, "i.png")
		out, _ := wantRun(t, exitOK, append([]string{"interpolate", "-k", "2", "-out", p}, args...)...)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return out, b
	}
	out, guided := strip()
	contains(t, "interpolate output", out, "; guide shipped "+models.MNISTGuideName, fmt.Sprintf("weight %v;", float64(models.MNISTGuidance)), "midpoint with 5 steps on the early grid")
	out, alone := strip("-guidance", "1")
	contains(t, "interpolate -guidance 1 output", out, "midpoint with 10 steps on the early grid")
	if strings.Contains(out, "guide") {
		t.Errorf("-guidance 1 is guided:\n%s", out)
	}
	if bytes.Equal(guided, alone) {
		t.Error("guidance did not change the strip")
	}
	out, _ = strip("-ckpt", ck)
	if strings.Contains(out, "guide") {
		t.Errorf("-ckpt without -guide is guided:\n%s", out)
	}
	_, stderr := wantRun(t, exitUsage, "interpolate", "-ckpt", ck, "-guidance", "2", "-out", filepath.Join(dir, "u.png"))
	contains(t, "stderr", stderr, "-guidance needs -guide")
	_, stderr = wantRun(t, exitUsage, "interpolate", "-guidance", "NaN", "-out", filepath.Join(dir, "u.png"))
	contains(t, "stderr", stderr, "-guidance NaN")
}
