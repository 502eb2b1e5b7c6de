package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/npy"
)

// writeIDX writes a tiny MNIST training split into dir: n synthetic 28×28
// images (a bright square at a varying place) and their labels, gzipped
// IDX files under the standard names.
func writeIDX(t *testing.T, dir string, n int) {
	t.Helper()
	img := []byte{0, 0, 8, 3}
	img = binary.BigEndian.AppendUint32(img, uint32(n))
	img = binary.BigEndian.AppendUint32(img, 28)
	img = binary.BigEndian.AppendUint32(img, 28)
	lab := []byte{0, 0, 8, 1}
	lab = binary.BigEndian.AppendUint32(lab, uint32(n))
	for k := range n {
		p := make([]byte, 784)
		y0, x0 := 4+k%12, 4+(k*5)%12
		for y := y0; y < y0+10; y++ {
			for x := x0; x < x0+8; x++ {
				p[y*28+x] = 255
			}
		}
		img = append(img, p...)
		lab = append(lab, byte(k%10))
	}
	for name, data := range map[string][]byte{"train-images-idx3-ubyte.gz": img, "train-labels-idx1-ubyte.gz": lab} {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Write(data)
		z.Close()
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// quietProgress sends the progress display to a buffer for the test.
func quietProgress(t *testing.T) *bytes.Buffer {
	var b bytes.Buffer
	old := progressOut
	progressOut = &b
	t.Cleanup(func() { progressOut = old })
	return &b
}

func wantRun(t *testing.T, code int, args ...string) (stdout, stderr string) {
	t.Helper()
	got, stdout, stderr := runCLI(t, args...)
	if got != code {
		t.Fatalf("windrose %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, code, stdout, stderr)
	}
	return stdout, stderr
}

func contains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}

func pngSize(t *testing.T, path string) (w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img.Bounds().Dx(), img.Bounds().Dy()
}

// TestTrainSampleInterpolate runs the three commands end to end on a tiny
// generated data set and a tiny network: train, resume, export, sample (with
// trajectory, .npy output and .npy noise input) and interpolate.
func TestTrainSampleInterpolate(t *testing.T) {
	progress := quietProgress(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o755)
	writeIDX(t, data, 24)
	ck := filepath.Join(dir, "fm.safetensors")
	model := filepath.Join(dir, "model.safetensors")

	out, _ := wantRun(t, exitOK, "train", "-data", data, "-out", ck, "-base", "8", "-batch", "8", "-steps", "4", "-seed", "3")
	contains(t, "train output", out, "UNet widths [8 16 32]", "batch 8", "24 images", "stopped (step limit reached) after 4 steps, 32 images (1 epochs)", "fm.loss.csv")
	contains(t, "progress", progress.String(), "step 1 ", "loss")
	for _, p := range []string{ck, filepath.Join(dir, "fm.loss.csv"), filepath.Join(dir, "fm.loss.png")} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	out, _ = wantRun(t, exitOK, "train", "-resume", "-data", data, "-out", ck, "-steps", "6", "-export", model)
	contains(t, "resume output", out, "resuming", "at step 4, epoch 1 (32 images seen)", "after 6 steps", "model (EMA weights) "+model)

	// Sampling from the exported model and from the checkpoint (raw).
	s := filepath.Join(dir, "s.png")
	npyOut := filepath.Join(dir, "s.npy")
	traj := filepath.Join(dir, "traj.png")
	out, _ = wantRun(t, exitOK, "sample", "-ckpt", model, "-n", "5", "-cols", "3", "-method", "heun", "-steps", "3", "-grid", "uniform",
		"-out", s, "-npy", npyOut, "-trajectory", traj, "-batch", "2")
	contains(t, "sample output", out, "6 training steps", "5 samples, heun with 3 steps: 18 field evaluations (9 steps",
		"over 3 batch(es) of up to 2", "wrote "+s, "t = 0, 0.333, 0.667, 1")
	if w, h := pngSize(t, s); w != 3*30+2 || h != 2*30+2 {
		t.Errorf("grid %dx%d, want 92x62 (3 columns, 2 rows of 28+2 pixels, 2 more)", w, h)
	}
	if w, h := pngSize(t, traj); w != 4*30+2 || h != 5*30+2 {
		t.Errorf("trajectory %dx%d, want 4 times × 5 samples", w, h)
	}
	pix, n, err := readImagesNPY(npyOut)
	if err != nil || n != 5 || len(pix) != 5*784 {
		t.Errorf("sample -npy: %d images, %v", n, err)
	}
	wantRun(t, exitOK, "sample", "-ckpt", ck, "-weights", "raw", "-n", "2", "-method", "dopri5", "-rtol", "1e-2", "-atol", "1e-2", "-out", s)
	wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "2", "-method", "tutorial-rk4", "-steps", "2", "-out", s, "-trajectory", traj)

	// Noise from a NumPy file: the count comes from the file, and the
	// same noise gives the same images as the seed it was drawn from.
	noise := make([]float32, 2*784)
	flowmatch.Noise(noise, 9)
	nf := filepath.Join(dir, "noise.npy")
	if err := npy.WriteFloat32(nf, noise, 2, 1, 28, 28); err != nil {
		t.Fatal(err)
	}
	npy2 := filepath.Join(dir, "s2.npy")
	wantRun(t, exitOK, "sample", "-ckpt", model, "-noise", nf, "-steps", "2", "-out", s, "-npy", npy2)
	wantRun(t, exitOK, "sample", "-ckpt", model, "-seed", "9", "-n", "2", "-steps", "2", "-out", s, "-npy", npyOut)
	a, _, err1 := readImagesNPY(npyOut)
	b, _, err2 := readImagesNPY(npy2)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Errorf("-noise file and -seed 9 disagree (%v, %v)", err1, err2)
	}

	ip := filepath.Join(dir, "i.png")
	out, _ = wantRun(t, exitOK, "interpolate", "-ckpt", model, "-k", "4", "-steps", "2", "-out", ip)
	contains(t, "interpolate output", out, "4 points from seed 1 to seed 2", "midpoint with 2 steps on the early grid: 4 field evaluations")
	if w, h := pngSize(t, ip); w != 4*30+2 || h != 2*30+2 {
		t.Errorf("interpolation strip %dx%d, want 4 × 2 images", w, h)
	}
}

// TestSampleShippedModel samples the embedded model from any directory.
func TestSampleShippedModel(t *testing.T) {
	dir := t.TempDir()
	s := filepath.Join(dir, "samples.png")
	out, _ := wantRun(t, exitOK, "sample", "-n", "2", "-steps", "1", "-out", s)
	contains(t, "output", out, "shipped models/mnist.safetensors", "2 samples")
	if _, err := os.Stat(s); err != nil {
		t.Error(err)
	}
}

// TestTrainInterrupted runs train with a context already canceled, as after
// Ctrl-C: it must save the checkpoint, print the whole command that resumes
// (with -data and -limit) and exit 130, as for SIGINT.
func TestTrainInterrupted(t *testing.T) {
	quietProgress(t)
	dir := t.TempDir()
	writeIDX(t, dir, 8)
	ck := filepath.Join(dir, "fm.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	if code := run(ctx, []string{"train", "-data", dir, "-out", ck, "-base", "8", "-batch", "4", "-limit", "6"}, &o, &e); code != 130 {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, o.String(), e.String())
	}
	contains(t, "output", o.String(), "stopped (canceled) after 0 steps", "interrupted: continue with windrose train -resume -out "+ck+" -data "+dir+" -limit 6\n")
	contains(t, "stderr", e.String(), "windrose train: interrupted by SIGINT")
	if _, err := os.Stat(ck); err != nil {
		t.Error(err)
	}
}

// tinyCheckpoint trains a width-8 model for steps steps on 8 synthetic
// images in a fresh directory and returns the directory and the checkpoint.
func tinyCheckpoint(t *testing.T, steps int) (dir, ck string) {
	t.Helper()
	quietProgress(t)
	dir = t.TempDir()
	writeIDX(t, dir, 8)
	ck = filepath.Join(dir, "fm.safetensors")
	wantRun(t, exitOK, "train", "-data", dir, "-out", ck, "-base", "8", "-batch", "4", "-steps", strconv.Itoa(steps))
	return dir, ck
}

func TestFlowmatchCLIErrors(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 1)
	bad := filepath.Join(dir, "bad.npy")
	if err := npy.WriteFloat32(bad, make([]float32, 6), 2, 3); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.safetensors")
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"train", "-data", dir, "-out", ck}, exitUsage, []string{"exists", "-resume"}},
		{[]string{"train", "-resume", "-data", dir, "-out", ck, "-lr", "1"}, exitUsage, []string{"-lr cannot change on -resume"}},
		{[]string{"train", "-resume", "-data", dir, "-out", missing}, exitFailure, []string{missing}},
		{[]string{"train", "-preset", "fast"}, exitUsage, []string{`-preset "fast"`}},
		{[]string{"train", "-base", "12"}, exitUsage, []string{"-base 12", "multiple of 8"}},
		{[]string{"train", "-loss", "l1"}, exitUsage, []string{`-loss "l1"`}},
		{[]string{"train", "-ema", "1"}, exitUsage, []string{"-ema 1"}},
		{[]string{"train", "-minutes", "-3"}, exitUsage, []string{"-minutes -3"}},
		{[]string{"train", "-data", filepath.Join(dir, "nowhere"), "-out", filepath.Join(dir, "x.safetensors")}, exitFailure, []string{"nowhere"}},
		{[]string{"sample", "-method", "rk5"}, exitUsage, []string{`-method "rk5"`, "tutorial-rk4"}},
		{[]string{"sample", "-rtol", "1e-3"}, exitUsage, []string{"both -rtol and -atol"}},
		{[]string{"sample", "-steps", "4", "-rtol", "1e-3", "-atol", "1e-3"}, exitUsage, []string{"exclude each other"}},
		{[]string{"sample", "-method", "rk4", "-rtol", "1e-3", "-atol", "1e-3"}, exitUsage, []string{"no error estimate"}},
		{[]string{"sample", "-steps", "0"}, exitUsage, []string{"-steps 0"}},
		{[]string{"sample", "-n", "0"}, exitUsage, []string{"-n 0"}},
		{[]string{"sample", "-weights", "best"}, exitUsage, []string{`-weights "best"`}},
		{[]string{"sample", "-ckpt", missing}, exitFailure, []string{missing}},
		{[]string{"sample", "-noise", bad}, exitFailure, []string{bad, "[2 3]"}},
		{[]string{"sample", "-noise", bad, "-n", "3"}, exitUsage, []string{"-n and -noise"}},
		{[]string{"interpolate", "-k", "1"}, exitUsage, []string{"-k 1"}},
		{[]string{"interpolate", "-seed-a", "3", "-seed-b", "3"}, exitUsage, []string{"both 3"}},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != tc.code {
			t.Errorf("windrose %s: exit %d, want %d\n%s%s", strings.Join(tc.args, " "), code, tc.code, stdout, stderr)
		}
		contains(t, "stderr of windrose "+strings.Join(tc.args, " "), stderr, tc.want...)
	}
}

func TestFlowmatchHelp(t *testing.T) {
	for cmd, flags := range map[string][]string{
		"train":       {"-data", "-out", "-resume", "-minutes", "-epochs", "-steps", "-base", "-batch", "-lr", "-warmup", "-cosine", "-ema", "-loss", "-seed", "-export", "-every", "-preset", "-attention"},
		"sample":      {"-ckpt", "-method", "-steps", "-rtol", "-atol", "-n", "-seed", "-noise", "-npy", "-out", "-trajectory", "-weights", "-guide", "-guidance"},
		"interpolate": {"-ckpt", "-seed-a", "-seed-b", "-k", "-out", "-method", "-guide", "-guidance"},
	} {
		out, _ := wantRun(t, exitOK, "help", cmd)
		contains(t, "help "+cmd, out, flags...)
	}
}

// TestTrainAttention: -attention trains a UNet with attention in the middle,
// whose checkpoint resumes and samples (the configuration travels in the
// file), and cannot be changed on -resume.
func TestTrainAttention(t *testing.T) {
	quietProgress(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o755)
	writeIDX(t, data, 8)
	ck := filepath.Join(dir, "fm.safetensors")
	out, _ := wantRun(t, exitOK, "train", "-data", data, "-out", ck, "-base", "8", "-batch", "4", "-steps", "2", "-attention")
	contains(t, "train output", out, "UNet widths [8 16 32], 1 block(s) per level, 2 in the middle with attention")
	out, _ = wantRun(t, exitOK, "train", "-resume", "-data", data, "-out", ck, "-steps", "3")
	contains(t, "resume output", out, "with attention", "after 3 steps")
	code, stdout, stderr := runCLI(t, "train", "-resume", "-data", data, "-out", ck, "-steps", "4", "-attention=false")
	if code != exitUsage {
		t.Errorf("-attention on -resume: exit %d, want %d\n%s%s", code, exitUsage, stdout, stderr)
	}
	wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "2", "-method", "euler", "-steps", "2", "-out", filepath.Join(dir, "s.png"))
}
