package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/npy"
	"github.com/windrose/windrose/ode"
)

// TestSampleStreams: sample draws, integrates and writes its samples a
// batch at a time, and its .npy file is bit for bit the images of one
// flowmatch.Sample call on all the noise at once (same batch), the mosaic
// shows the first mosaicMax images, and progress goes to standard error.
func TestSampleStreams(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 1)
	const n, batch = 7, 3
	streamed := filepath.Join(dir, "streamed.npy")
	wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "7", "-batch", "3", "-method", "heun", "-steps", "2",
		"-grid", "uniform", "-seed", "4", "-out", filepath.Join(dir, "s.png"), "-npy", streamed)

	model, err := flowmatch.LoadModel(ck, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	noise := make([]float32, n*784)
	flowmatch.Noise(noise, 4)
	x := make([]float32, len(noise))
	if _, err := flowmatch.Sample(context.Background(), x, model.Field(), noise,
		&flowmatch.SampleSettings{Method: ode.Heun, Batch: batch, Settings: ode.Settings{Steps: 2}}); err != nil {
		t.Fatal(err)
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	whole := filepath.Join(dir, "whole.npy")
	if err := npy.WriteUint8(whole, pix, n, 28, 28); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(whole)
	b, _ := os.ReadFile(streamed)
	if !bytes.Equal(a, b) {
		t.Error("the streamed .npy differs from the images of one Sample call on all the noise")
	}

	// More samples than the mosaic shows: 256 images in 8 columns, 32
	// rows; the .npy holds all of them; the report says what was shown.
	png := filepath.Join(dir, "many.png")
	many := filepath.Join(dir, "many.npy")
	out, _ := wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "260", "-batch", "130", "-method", "euler", "-steps", "1",
		"-out", png, "-npy", many)
	contains(t, "sample -n 260 output", out, "wrote "+png+" (the first 256 images)", "wrote "+many)
	if w, h := pngSize(t, png); w != 8*30+2 || h != 32*30+2 {
		t.Errorf("mosaic %dx%d, want 8 columns and 32 rows", w, h)
	}
	if _, got, err := readImagesNPY(many); err != nil || got != 260 {
		t.Errorf("sample -n 260 -npy: %d images, %v", got, err)
	}

	// A failed run leaves no .npy file (the model file is bad).
	bad := filepath.Join(dir, "bad.npy")
	wantRun(t, exitFailure, "sample", "-ckpt", ck, "-n", "2", "-steps", "2", "-maxsteps", "1", "-out", filepath.Join(dir, "b.png"), "-npy", bad)
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed sample left its .npy file")
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		}
	}
}

// TestSampleProgress: a sample run longer than progressDelay shows its
// progress on standard error, as train does, after the model line.
func TestSampleProgress(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 1)
	var progress bytes.Buffer
	oldOut, oldDelay := progressOut, progressDelay
	progressOut, progressDelay = &progress, 0
	t.Cleanup(func() { progressOut, progressDelay = oldOut, oldDelay })
	out, _ := wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "3", "-batch", "1", "-method", "euler", "-steps", "1",
		"-out", filepath.Join(dir, "p.png"))
	if !strings.HasPrefix(out, "model ") {
		t.Errorf("output does not start with the model line:\n%s", out)
	}
	// Not a terminal: a line at the first report, then every 10 seconds.
	contains(t, "progress", progress.String(), "samples 1/3", "img/s", "ETA")
}

// TestSampleTemperature: -temperature T integrates T times the noise of
// -seed, so its images are bit for bit those of one flowmatch.Sample call
// on the scaled noise, differ from T = 1's, and T must be a positive,
// finite factor.
func TestSampleTemperature(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 1)
	const n = 5
	run := func(name string, extra ...string) []byte {
		p := filepath.Join(dir, name)
		args := append([]string{"sample", "-ckpt", ck, "-n", "5", "-batch", "2", "-method", "midpoint", "-steps", "3", "-grid", "uniform",
			"-seed", "6", "-out", filepath.Join(dir, "t.png"), "-npy", p}, extra...)
		out, _ := wantRun(t, exitOK, args...)
		if len(extra) > 0 {
			contains(t, "sample "+strings.Join(extra, " ")+" output", out, "5 samples at temperature 0.5, ")
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cold := run("cold.npy", "-temperature", "0.5")
	plain := run("plain.npy")

	model, err := flowmatch.LoadModel(ck, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	noise := make([]float32, n*784)
	flowmatch.Noise(noise, 6)
	for i := range noise {
		noise[i] *= 0.5
	}
	x := make([]float32, len(noise))
	if _, err := flowmatch.Sample(context.Background(), x, model.Field(), noise,
		&flowmatch.SampleSettings{Method: ode.Midpoint, Batch: 2, Settings: ode.Settings{Steps: 3}}); err != nil {
		t.Fatal(err)
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	want := filepath.Join(dir, "want.npy")
	if err := npy.WriteUint8(want, pix, n, 28, 28); err != nil {
		t.Fatal(err)
	}
	w, _ := os.ReadFile(want)
	if !bytes.Equal(cold, w) {
		t.Error("-temperature 0.5 differs from Sample on half the noise")
	}
	if bytes.Equal(cold, plain) {
		t.Error("-temperature 0.5 gave the images of temperature 1")
	}
	for _, v := range []string{"0", "-1", "NaN", "+Inf", "1000"} {
		_, stderr := wantRun(t, exitUsage, "sample", "-ckpt", ck, "-n", "1", "-temperature", v, "-out", filepath.Join(dir, "u.png"))
		contains(t, "stderr for -temperature "+v, stderr, "-temperature")
	}
}
