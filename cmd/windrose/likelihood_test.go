package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/npy"
)

// twoDigits writes two synthetic 28×28 grey-level images (a bright bar on a
// dark background) to an .npy file and returns its path and pixels.
func twoDigits(t *testing.T) (string, []uint8) {
	t.Helper()
	pix := make([]uint8, 2*784)
	for k := range 2 {
		for y := 6; y < 22; y++ {
			for x := 12 + 2*k; x < 16+2*k; x++ {
				pix[k*784+y*28+x] = 200 + uint8(20*k)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "two.npy")
	if err := npy.WriteUint8(path, pix, 2, 28, 28); err != nil {
		t.Fatal(err)
	}
	return path, pix
}

func floatAfter(t *testing.T, s, pattern string) float64 {
	t.Helper()
	m := regexp.MustCompile(pattern + `\s*([-+0-9.eE]+)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %q in:\n%s", pattern, s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The command reports what flowmatch.Likelihood computes on the same
// dequantized images, probes and settings.
func TestLikelihoodCommand(t *testing.T) {
	progress := quietProgress(t)
	path, pix := twoDigits(t)
	stdout, _ := wantRun(t, exitOK, "likelihood", "-npy", path, "-probes", "2", "-seed", "3", "-rtol", "1e-3", "-atol", "1e-3")
	contains(t, "likelihood output", stdout, "2 images", "Hutchinson divergence, 2 Rademacher", "dopri5 with rtol 0.001", "σmin = 0: no floor")
	contains(t, "progress", progress.String(), "likelihood: 2/2 images")

	m, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(pix))
	flowmatch.Dequantize(x, pix, 3)
	set := &flowmatch.LikelihoodSettings{Probes: 2, Seed: 3}
	set.RTol, set.ATol = 1e-3, 1e-3
	res, err := flowmatch.Likelihood(context.Background(), m.Net, x, set)
	if err != nil {
		t.Fatal(err)
	}
	want := (res.BitsPerDim[0] + res.BitsPerDim[1]) / 2
	if got := floatAfter(t, stdout, "bits/dim:"); math.Abs(got-want) > 1e-4 {
		t.Errorf("reported %.4f bits/dim, Likelihood gives %.4f", got, want)
	}
	if got, want := floatAfter(t, stdout, "blurred\\)\n"), float64(res.Stats.FieldEvals); got != want {
		t.Errorf("reported %v field evaluations, Likelihood made %v", got, want)
	}
}

// Encoding then decoding reconstructs the images to within the solver's
// error, and the noise file decodes back to them. The model is the
// previous shipped one (σmin = 0.1): its flow is well conditioned at t = 1.
// A σmin = 0 model such as today's contracts onto the data there, so
// encoding, which runs that contraction backward, amplifies the solver's
// error (docs/likelihood.md).
func TestEncodeDecodeCommands(t *testing.T) {
	path, _ := twoDigits(t)
	dir := t.TempDir()
	noise := filepath.Join(dir, "noise.npy")
	ckpt := filepath.Join("..", "..", "models", "budget", "small-shipped.safetensors")
	stdout, _ := wantRun(t, exitOK, "encode", "-ckpt", ckpt, "-npy", path, "-out", noise, "-rtol", "1e-6", "-atol", "1e-6")
	contains(t, "encode output", stdout, "encoded 2 images", "wrote "+noise, "0 of 1568 pixels changed")
	if e := floatAfter(t, stdout, `max \|x − decode\(encode\(x\)\)\|`); !(e < 1e-3) {
		t.Errorf("encode round trip error %v, want < 1e-3 at rtol 1e-6", e)
	}
	z, n, err := readNoise(noise)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(z) != 2*784 {
		t.Fatalf("noise file holds %d samples (%d values), want 2", n, len(z))
	}
	png, npyPath := filepath.Join(dir, "d.png"), filepath.Join(dir, "d.npy")
	stdout, _ = wantRun(t, exitOK, "decode", "-ckpt", ckpt, "-noise", noise, "-out", png, "-npy", npyPath, "-rtol", "1e-6", "-atol", "1e-6")
	contains(t, "decode output", stdout, "decoded 2 samples", "wrote "+png)
	got, m, err := readImagesNPY(npyPath)
	if err != nil {
		t.Fatal(err)
	}
	_, want := twoDigits(t)
	if m != 2 {
		t.Fatalf("%d images decoded, want 2", m)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pixel %d: decoded %d, encoded image had %d", i, got[i], want[i])
		}
	}
	if e := floatAfter(t, stdout, `max \|z − encode\(decode\(z\)\)\|`); !(e < 1e-2) {
		t.Errorf("decode round trip error %v, want < 1e-2 at rtol 1e-6", e)
	}
}

func TestLikelihoodUsageErrors(t *testing.T) {
	path, _ := twoDigits(t)
	for _, args := range [][]string{
		{"likelihood", "-exact", "-probes", "3"},
		{"likelihood", "-probes", "0"},
		{"likelihood", "-blur", "-0.1"},
		{"likelihood", "-npy", path, "-n", "3"},
		{"likelihood", "-steps", "4", "-rtol", "1e-3"},
		{"likelihood", "-method", "rk4"},
		{"likelihood", "-method", "nope"},
		{"encode", "-batch", "0"},
		{"decode", "-noise", path, "-seed", "2"},
	} {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			wantRun(t, exitUsage, args...)
		})
	}
}
