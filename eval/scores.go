package eval

import (
	"fmt"
	"math"
)

// MeanConfidence returns the mean over images of the largest class
// probability, for probs holding 10 probabilities per image as Classify
// writes them. A model whose samples look like clear digits scores near the
// classifier's confidence on real test digits; blobs score lower.
func MeanConfidence(probs []float64) float64 {
	n := checkProbs(probs)
	var s float64
	for i := range n {
		p := probs[i*Classes : (i+1)*Classes]
		s += p[argmax(p)]
	}
	return s / float64(n)
}

// ClassHistogram returns how many images have each class as their most
// probable one.
func ClassHistogram(probs []float64) [Classes]int {
	n := checkProbs(probs)
	var h [Classes]int
	for i := range n {
		h[argmax(probs[i*Classes:(i+1)*Classes])]++
	}
	return h
}

// HistogramEntropy returns the entropy in nats, −Σ p_k ln p_k, of the class
// frequencies p_k = h[k]/Σh: ln 10 ≈ 2.303 when the ten digits are equally
// frequent, 0 when every image is the same digit (mode collapse). It returns
// 0 for an empty histogram.
func HistogramEntropy(h [Classes]int) float64 {
	var n int
	for _, c := range h {
		n += c
	}
	var e float64
	for _, c := range h {
		if c > 0 {
			p := float64(c) / float64(n)
			e -= p * math.Log(p)
		}
	}
	return e
}

func checkProbs(probs []float64) int {
	if len(probs) == 0 || len(probs)%Classes != 0 {
		panic(fmt.Sprintf("eval: %d probabilities are not a whole number of images' %d", len(probs), Classes))
	}
	return len(probs) / Classes
}
