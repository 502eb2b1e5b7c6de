package eval

import (
	"math"
	"testing"
)

func TestScores(t *testing.T) {
	var uniform [Classes]int
	for i := range uniform {
		uniform[i] = 7
	}
	if got := HistogramEntropy(uniform); math.Abs(got-math.Log(10)) > 1e-15 {
		t.Errorf("uniform histogram: entropy %v, want ln 10", got)
	}
	if got := HistogramEntropy([Classes]int{3: 12}); got != 0 {
		t.Errorf("one class: entropy %v, want 0", got)
	}
	// Two equal classes: ln 2.
	if got := HistogramEntropy([Classes]int{1: 5, 8: 5}); math.Abs(got-math.Log(2)) > 1e-15 {
		t.Errorf("two classes: entropy %v, want ln 2", got)
	}
	probs := make([]float64, 2*Classes)
	probs[3] = 0.9
	probs[4] = 0.1
	probs[Classes+7] = 0.5
	probs[Classes+2] = 0.3
	probs[Classes+1] = 0.2
	if got := MeanConfidence(probs); math.Abs(got-0.7) > 1e-15 {
		t.Errorf("mean confidence %v, want (0.9 + 0.5)/2", got)
	}
	if h := ClassHistogram(probs); h[3] != 1 || h[7] != 1 {
		t.Errorf("histogram %v, want one 3 and one 7", h)
	}
}
