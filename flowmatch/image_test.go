package flowmatch

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestGridLayout places 5 images of 2×3 pixels in rows of 2 and checks
// every pixel of the result: image k at row k/2, column k%2, each at an
// offset of 2 + index·(size + 2), black elsewhere (make_grid's layout).
func TestGridLayout(t *testing.T) {
	const n, h, w, cols = 5, 2, 3, 2
	pix := make([]uint8, n*h*w)
	for i := range pix {
		pix[i] = uint8(10 + i) // distinct, never 0
	}
	img := Grid(pix, n, h, w, cols)
	W, H := cols*(w+2)+2, 3*(h+2)+2
	if b := img.Bounds(); b.Dx() != W || b.Dy() != H {
		t.Fatalf("grid %v, want %d×%d", b, W, H)
	}
	want := make([]uint8, W*H)
	for k := range n {
		r, c := k/cols, k%cols
		for y := range h {
			for x := range w {
				want[(2+r*(h+2)+y)*W+2+c*(w+2)+x] = pix[(k*h+y)*w+x]
			}
		}
	}
	for y := range H {
		for x := range W {
			if got := img.GrayAt(x, y).Y; got != want[y*W+x] {
				t.Fatalf("pixel (%d, %d) = %d, want %d", x, y, got, want[y*W+x])
			}
		}
	}
	p := filepath.Join(t.TempDir(), "g.png")
	if err := WriteGridPNG(p, pix, n, h, w, cols); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if dec.Bounds() != img.Bounds() {
		t.Errorf("PNG bounds %v, want %v", dec.Bounds(), img.Bounds())
	}
	mustPanic(t, "pixel count", func() { Grid(pix[:5], n, h, w, cols) })
}

func TestLerpSlerp(t *testing.T) {
	a := []float32{3, 0, 0, 0}
	b := []float32{0, 3, 0, 0}
	dst := make([]float32, 4)
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	for _, l := range []float64{0, 0.25, 0.5, 1} {
		Slerp(dst, a, b, l)
		// On the circle of radius 3 at angle λ·π/2.
		if wx, wy := 3*math.Cos(l*math.Pi/2), 3*math.Sin(l*math.Pi/2); math.Abs(float64(dst[0])-wx) > 1e-6 || math.Abs(float64(dst[1])-wy) > 1e-6 {
			t.Errorf("Slerp λ=%v: %v, want (%v, %v, 0, 0)", l, dst, wx, wy)
		}
		Lerp(dst, a, b, l)
		if math.Abs(float64(dst[0])-3*(1-l)) > 1e-7 || math.Abs(float64(dst[1])-3*l) > 1e-7 {
			t.Errorf("Lerp λ=%v: %v", l, dst)
		}
	}
	// The midpoint of the chord is shorter by 1/√2, of the arc not.
	Lerp(dst, a, b, 0.5)
	if math.Abs(norm(dst)-3/math.Sqrt2) > 1e-6 {
		t.Errorf("Lerp midpoint norm %v, want 3/√2", norm(dst))
	}
	// Parallel vectors: Slerp falls back to Lerp instead of dividing by 0.
	c := []float32{6, 0, 0, 0}
	Slerp(dst, a, c, 0.5)
	if dst[0] != 4.5 || dst[1] != 0 {
		t.Errorf("Slerp of parallel vectors: %v, want (4.5, 0, 0, 0)", dst)
	}
	Slerp(dst, a, make([]float32, 4), 0.5)
	if dst[0] != 1.5 {
		t.Errorf("Slerp to zero: %v, want (1.5, 0, 0, 0)", dst)
	}
	mustPanic(t, "lengths", func() { Slerp(dst, a, b[:3], 0.5) })
}

// TestWriteCurve checks the CSV rows against the losses (images counted
// with a partial last batch: 20 images in batches of 8 are epochs of 8, 8,
// 4) and that the PNG decodes.
func TestWriteCurve(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "run.safetensors")
	losses := make([]float32, 250)
	for i := range losses {
		losses[i] = float32(1 / float64(i+1))
	}
	if err := WriteCurve(ck, losses, 8, 20); err != nil {
		t.Fatal(err)
	}
	csvPath, pngPath := CurveFiles(ck)
	if csvPath != filepath.Join(dir, "run.loss.csv") || pngPath != filepath.Join(dir, "run.loss.png") {
		t.Errorf("CurveFiles = %s, %s", csvPath, pngPath)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 251 || rows[0][0] != "step" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for i, row := range rows[1:] {
		step := i + 1
		img := step/3*20 + []int{0, 8, 16}[step%3]
		var sum float64
		lo := max(0, step-100)
		for _, l := range losses[lo:step] {
			sum += float64(l)
		}
		mean := sum / float64(step-lo)
		gotStep, _ := strconv.Atoi(row[0])
		gotImg, _ := strconv.Atoi(row[1])
		gotLoss, _ := strconv.ParseFloat(row[2], 32)
		gotMean, _ := strconv.ParseFloat(row[3], 64)
		if gotStep != step || gotImg != img || float32(gotLoss) != losses[i] || math.Abs(gotMean-mean) > 1e-6*mean {
			t.Fatalf("row %d = %v, want %d,%d,%v,%v", step, row, step, img, losses[i], mean)
		}
	}
	b, err := os.ReadFile(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("loss PNG: %v", err)
	}
}

// TestWriteToFIFO writes a PNG grid to a named pipe: the bytes must arrive
// through the pipe, and the pipe must still be a pipe afterwards (an
// atomic write by rename would have replaced it with a plain file).
func TestWriteToFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(p); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(p)
		got <- b
	}()
	pix := make([]uint8, 2*4*4)
	if err := WriteGridPNG(p, pix, 2, 4, 4, 2); err != nil {
		t.Fatal(err)
	}
	b := <-got
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("through the pipe: %v", err)
	}
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("after the write: %v, %v; want a named pipe", fi.Mode(), err)
	}
	// A checkpoint is refused outright.
	path, tr := trainedCheckpoint(t)
	_ = path
	if err := tr.Save(p); err == nil {
		t.Error("Save to a named pipe succeeded")
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("after Save: %v, %v; want a named pipe", fi.Mode(), err)
	}
}

// TestProgressPrinter checks both displays: log lines with the step, the
// smoothed loss and the speed, and a bar redrawn with carriage returns and
// ended by Done.
func TestProgressPrinter(t *testing.T) {
	var b bytes.Buffer
	pp := &ProgressPrinter{W: &b}
	pp.Report(Progress{Step: 1, Loss: 2, LR: 1e-3, ImagesPerSec: 0, ETA: -1})
	pp.Report(Progress{Step: 2, Loss: 1}) // within the interval: not printed
	got := b.String()
	if !strings.Contains(got, "step 1  epoch 0") || !strings.Contains(got, "loss 2.0000") || !strings.Contains(got, "? img/s") ||
		strings.Contains(got, "step 2") || strings.Count(got, "\n") != 1 {
		t.Errorf("log lines:\n%s", got)
	}
	b.Reset()
	pp = &ProgressPrinter{W: &b, Terminal: true}
	pp.Report(Progress{Step: 7, Loss: 0.5, ImagesPerSec: 300, Fraction: 0.5, ETA: 90 * time.Second})
	pp.Done()
	got = b.String()
	for _, want := range []string{"\r 50% [============>", "step 7", "300 img/s", "ETA 1m30s"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}
	if !strings.HasSuffix(got, "\n") {
		t.Errorf("bar %q not ended by Done", got)
	}
}
