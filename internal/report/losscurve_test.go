package report

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

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot"
)

// TestWriteLossCurve checks every CSV row against the losses and image
// counts given, the trailing mean of 100 included, and that the PNG
// decodes.
func TestWriteLossCurve(t *testing.T) {
	dir := t.TempDir()
	csvPath, pngPath := filepath.Join(dir, "loss.csv"), filepath.Join(dir, "loss.png")
	losses := make([]float32, 250)
	images := make([]int, len(losses))
	for i := range losses {
		losses[i] = float32(1 / float64(i+1))
		images[i] = 7*i + 3 // any increasing counts
	}
	if err := WriteLossCurve(csvPath, pngPath, losses, images); err != nil {
		t.Fatal(err)
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
	if len(rows) != 251 || strings.Join(rows[0], ",") != "step,images,loss,loss_mean100" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for i, row := range rows[1:] {
		step := i + 1
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
		if gotStep != step || gotImg != images[i] || float32(gotLoss) != losses[i] || math.Abs(gotMean-mean) > 1e-6*mean {
			t.Fatalf("row %d = %v, want %d,%d,%v,%v", step, row, step, images[i], losses[i], mean)
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

// TestWriteLossCurveEmpty: no steps, no files; no positive loss, a CSV but
// no plot; mismatched lengths, a panic.
func TestWriteLossCurveEmpty(t *testing.T) {
	dir := t.TempDir()
	csvPath, pngPath := filepath.Join(dir, "loss.csv"), filepath.Join(dir, "loss.png")
	if err := WriteLossCurve(csvPath, pngPath, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(csvPath); !os.IsNotExist(err) {
		t.Errorf("empty curve: %s exists (%v)", csvPath, err)
	}
	if err := WriteLossCurve(csvPath, pngPath, []float32{0, 0}, []int{1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(csvPath); err != nil {
		t.Errorf("zero losses: %v", err)
	}
	if _, err := os.Stat(pngPath); !os.IsNotExist(err) {
		t.Errorf("zero losses: %s exists (%v)", pngPath, err)
	}
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "report: WriteLossCurve") {
			t.Errorf("mismatched lengths: panic %q", r)
		}
	}()
	WriteLossCurve(csvPath, pngPath, []float32{1}, nil)
}

// TestTicks125 labels 1, 2 and 5 times the powers of ten in range and
// leaves the other integer multiples unlabelled.
func TestTicks125(t *testing.T) {
	var labels []string
	var n int
	for _, tk := range (ticks125{}).Ticks(0.025, 0.65) {
		n++
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "0.05 0.1 0.2 0.5" || n != 13 {
		t.Errorf("ticks on [0.025, 0.65]: %d, labelled %q; want 13, labelled \"0.05 0.1 0.2 0.5\"", n, got)
	}
}

// TestCountTicks checks that countTicks marks the values plot.DefaultTicks
// marks, labelled by countLabel, and countLabel's format.
func TestCountTicks(t *testing.T) {
	type mark struct {
		Value float64
		Label string
	}
	var got, want []mark
	for _, tk := range (countTicks{}).Ticks(0, 1330496) {
		got = append(got, mark{tk.Value, tk.Label})
	}
	for _, tk := range (plot.DefaultTicks{}).Ticks(0, 1330496) {
		m := mark{Value: tk.Value}
		if tk.Label != "" {
			m.Label = countLabel(tk.Value)
		}
		want = append(want, m)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ticks on [0, 1330496] (-want +got):\n%s", diff)
	}
	for v, want := range map[float64]string{0: "0", 750: "750", 2500: "2.5k", 250000: "250k", 1.2e6: "1.2M", 12e6: "12M"} {
		if got := countLabel(v); got != want {
			t.Errorf("countLabel(%v) = %q, want %q", v, got, want)
		}
	}
}
