package main

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestWriteLossCurve checks the CSV rows against the losses (images counted
// with a partial last batch: 20 images in batches of 8 are epochs of 8, 8,
// 4) and that the PNG decodes.
func TestWriteLossCurve(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "run.safetensors")
	losses := make([]float32, 250)
	for i := range losses {
		losses[i] = float32(1 / float64(i+1))
	}
	if err := writeLossCurve(ck, losses, 8, 20); err != nil {
		t.Fatal(err)
	}
	csvPath, pngPath := curveFiles(ck)
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
