package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windrose/windrose/eval"
	"github.com/windrose/windrose/internal/report"
	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/npy"
)

// TestEvalBadInput checks that unusable input files are refused with an
// error that names the file, before any MNIST loading or scoring.
func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(path("empty.npy"), nil, 0o644))
	must(npy.WriteUint8(path("shape.npy"), make([]uint8, 2*27*28), 2, 27, 28))
	must(npy.WriteUint8(path("one.npy"), make([]uint8, 784), 1, 28, 28))
	nan := make([]float32, 4*784)
	nan[900] = float32(math.NaN())
	must(npy.WriteFloat32(path("nan.npy"), nan, 4, 28, 28))
	must(os.Mkdir(path("pngs"), 0o755))
	f, err := os.Create(path("pngs/a.png"))
	must(err)
	must(png.Encode(f, image.NewGray(image.Rect(0, 0, 30, 28))))
	must(f.Close())
	for _, n := range []string{"b", "c", "d"} {
		must(os.WriteFile(path("pngs/"+n+".png"), []byte("not a png"), 0o644))
	}

	for _, c := range []struct{ file, want string }{
		{"empty.npy", "empty.npy"},
		{"shape.npy", "[2 27 28]"},
		{"one.npy", "1 image(s): FID needs at least 2"},
		{"nan.npy", "NaN"},
		{"missing.npy", "missing.npy"},
		{"pngs", "a.png: image is 30×28"},
	} {
		_, stderr := wantRun(t, exitFailure, "eval", path(c.file))
		contains(t, "stderr for "+c.file, stderr, c.file, c.want)
	}
	// Usage mistakes.
	wantRun(t, exitUsage, "eval")
	wantRun(t, exitUsage, "eval", "a.npy", "b.npy")
	wantRun(t, exitUsage, "eval", "-epochs", "3", "a.npy")
	wantRun(t, exitUsage, "eval", "-train", path("c.safetensors"), "a.npy")
}

// TestEvalReadImages checks the accepted formats: uint8 [N,28,28] and
// [N,1,28,28], float32 in [−1, 1] mapped as windrose sample maps them, and a
// directory of 28×28 PNGs read in name order.
func TestEvalReadImages(t *testing.T) {
	dir := t.TempDir()
	pix := make([]uint8, 4*784)
	for i := range pix {
		pix[i] = uint8(i * 7)
	}
	p := filepath.Join(dir, "u8.npy")
	if err := npy.WriteUint8(p, pix, 4, 1, 28, 28); err != nil {
		t.Fatal(err)
	}
	got, err := readEvalImages(p)
	if err != nil || string(got) != string(pix) {
		t.Fatalf("uint8 [4,1,28,28]: %v, equal %v", err, string(got) == string(pix))
	}
	x := make([]float32, 4*784)
	x[0], x[1], x[2] = -1, 1, 0
	p = filepath.Join(dir, "f32.npy")
	if err := npy.WriteFloat32(p, x, 4, 28, 28); err != nil {
		t.Fatal(err)
	}
	got, err = readEvalImages(p)
	if err != nil {
		t.Fatal(err)
	}
	// −1 → 0, 1 → 255, 0 → ⌊255·0.5 + 0.5⌋ = 128.
	if got[0] != 0 || got[1] != 255 || got[2] != 128 {
		t.Errorf("float32 −1, 1, 0 → %v", got[:3])
	}
	pd := filepath.Join(dir, "pngs")
	if err := os.Mkdir(pd, 0o755); err != nil {
		t.Fatal(err)
	}
	for k := range 4 {
		g := image.NewGray(image.Rect(0, 0, 28, 28))
		copy(g.Pix, pix[k*784:(k+1)*784])
		f, err := os.Create(filepath.Join(pd, "img"+strconv.Itoa(k)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, g); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	got, err = readEvalImages(pd)
	if err != nil || string(got) != string(pix) {
		t.Fatalf("PNG directory: %v, equal %v", err, string(got) == string(pix))
	}
}

// TestEvalScores runs the whole command on 500 MNIST test images, which
// must score as clean digits: all ten classes predicted, a mean confidence
// above 0.9 (the classifier is over 98% accurate on them), and, since each
// is one of the reference's own images and so inside its own ball, a
// density of at least 1/3 and a coverage of at least 500/10,000. It loads MNIST
// and scores 10,500 images (seconds), so it is skipped under -short; the
// package eval tests cover the parts.
func TestEvalScores(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 10,500 images")
	}
	test := loadMNISTTest(t)
	p := filepath.Join(t.TempDir(), "test.npy")
	if err := npy.WriteUint8(p, test.Images.Pixels[:500*784], 500, 28, 28); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	oldOut, oldDelay := progressOut, progressDelay
	progressOut, progressDelay = &progress, 0
	t.Cleanup(func() { progressOut, progressDelay = oldOut, oldDelay })
	grid := filepath.Join(t.TempDir(), "grid.png")
	stdout, _ := wantRun(t, exitOK, "eval", "-grid", grid, p)
	contains(t, "eval -grid output", stdout, "grid: 0 of the first 100 images in no test image's ball")
	if !strings.HasPrefix(stdout, "classifier ") {
		t.Errorf("output does not start with the classifier line:\n%s", stdout)
	}
	// Not a terminal: a line at the first report of each pass.
	contains(t, "eval progress", progress.String(), "reference 250/10000", p+" 250/500", "img/s")
	var row []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, p) {
			row = strings.Fields(strings.TrimPrefix(l, p))
		}
	}
	if len(row) < 6 {
		t.Fatalf("no score row for %s:\n%s", p, stdout)
	}
	var v [5]float64
	for i := range v {
		var err error
		if v[i], err = strconv.ParseFloat(row[1+i], 64); err != nil {
			t.Fatalf("score row %q: %v", row, err)
		}
	}
	fid, density, coverage, conf, ent := v[0], v[1], v[2], v[3], v[4]
	if density < 1.0/3 || coverage < 0.05 || coverage > 1 {
		t.Errorf("500 MNIST test images: density %v, coverage %v; want ≥ 1/3 and in [0.05, 1]", density, coverage)
	}
	// 500 test images against all 10,000: the FID is only the sampling
	// noise of 500 draws, far below the uniform-noise value (about 1,800
	// measured, docs/eval.md); 100 leaves a wide margin and still fails a
	// broken feature path.
	if fid < 0 || fid > 100 || conf < 0.9 || ent < 2.0 {
		t.Errorf("500 MNIST test images: FID %v, confidence %v, entropy %v; want FID < 100, confidence > 0.9, entropy > 2 (ln 10 = 2.30)", fid, conf, ent)
	}
}

// TestEvalGrid draws MNIST test images (inside the reference's balls,
// being part of it) and images of uniform noise with eval -grid, and checks
// that the framed ones are exactly those whose realism, computed here with
// package eval, is below 1: some noise images, never a test image. Skipped
// under -short, like TestEvalScores.
func TestEvalGrid(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 10,000 images twice")
	}
	test := loadMNISTTest(t)
	const n = 12
	pix := make([]uint8, n*784)
	rng := rand.New(rand.NewPCG(7, 8))
	for k := range n {
		if k%2 == 0 {
			copy(pix[k*784:(k+1)*784], test.Images.Pixels[k*784:])
			continue
		}
		for i := range 784 {
			pix[k*784+i] = uint8(rng.IntN(256))
		}
	}
	ctx := context.Background()
	clf, _, err := eval.LoadClassifier(models.ClassifierName, models.Classifier)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := clf.Reference(ctx, test.Images.Pixels)
	if err != nil {
		t.Fatal(err)
	}
	feat := make([]float32, n*eval.FeatureDim)
	if err := clf.Features(ctx, feat, pix); err != nil {
		t.Fatal(err)
	}
	realism := make([]float64, n)
	if err := ref.Manifold.Realism(ctx, realism, feat); err != nil {
		t.Fatal(err)
	}
	framed := 0
	for k, r := range realism {
		if r < 1 {
			framed++
			if k%2 == 0 {
				t.Fatalf("test image %d: realism %v, want ≥ 1 (it is a reference point)", k, r)
			}
		}
	}
	if framed == 0 {
		t.Fatalf("test data: no noise image outside the balls (realism %v)", realism)
	}

	tmp := t.TempDir()
	p, grid := filepath.Join(tmp, "mixed.npy"), filepath.Join(tmp, "grid.png")
	if err := npy.WriteUint8(p, pix, n, 28, 28); err != nil {
		t.Fatal(err)
	}
	stdout, _ := wantRun(t, exitOK, "eval", p, "-grid", grid)
	contains(t, "eval -grid output", stdout, fmt.Sprintf("grid: %d of the first %d images in no test image's ball (framed in red) → %s", framed, n, grid))
	f, err := os.Open(grid)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The drawing itself is report.FrameMosaic's, tested there; here the
	// frames must be where the realism says.
	marked := make([]bool, n)
	for k, r := range realism {
		marked[k] = r < 1
	}
	want := report.FrameMosaic(report.Mosaic(pix, n, 28, 28, 10), n, 28, 28, 10, marked)
	if img.Bounds() != want.Bounds() {
		t.Fatalf("grid of 12 images in rows of 10 is %v, want %v", img.Bounds(), want.Bounds())
	}
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			if got := color.RGBAModel.Convert(img.At(x, y)); got != want.At(x, y) {
				t.Fatalf("pixel (%d, %d) = %v, want %v (realism %.3v)", x, y, got, want.At(x, y), realism)
			}
		}
	}
	wantRun(t, exitUsage, "eval", "-grid", grid)
}

// loadMNISTTest loads the MNIST test set from the Go module cache's copy.
func loadMNISTTest(t *testing.T) *mnist.Dataset {
	t.Helper()
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	test, err := mnist.Load(dir, mnist.Test)
	if err != nil {
		t.Fatal(err)
	}
	return test
}
