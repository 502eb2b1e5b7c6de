package main

import (
	"math"
	"slices"
)

// mmd is the squared maximum mean discrepancy of Gretton et al., "A Kernel
// Two-Sample Test" (JMLR 2012), against a fixed reference sample of the
// target, with a sum of Gaussian kernels
//
//	k(a, b) = ¼ Σ_s exp(−|a − b|²/(2(sσ)²)),  s = 1, ½, ¼, ⅛.
//
// σ is the median heuristic of that paper: the median distance between
// points of the reference. A single kernel of that width (1.7 on the
// moons) sees only the coarse shape: it passed samples that filled the gap
// between the two moons with stray points. The narrower kernels, down to
// σ/8 (0.2, the gap's scale), see that; a sum of characteristic kernels is
// characteristic, so the MMD still vanishes only for equal distributions
// (the multiple-kernel MMD of Gretton et al., "Optimal kernel choice for
// large-scale two-sample tests", NeurIPS 2012, with fixed equal weights).
//
// σ is computed once, from the target alone, so that every sample is
// measured by the same statistic; taking the median of each pooled sample
// instead would give noise a wider kernel than the target gets, and the
// threshold (from target samples) would be for another statistic.
type mmd struct {
	ref   []float32 // the reference sample: x, y of each point
	sigma float64
	refK  float64 // the mean of k over distinct pairs of ref
}

// newMMD returns the statistic against the reference sample ref.
func newMMD(ref []float32) *mmd {
	m := &mmd{ref: ref, sigma: medianDistance(ref)}
	m.refK = m.meanK(ref, ref, true)
	return m
}

// medianDistance returns the median Euclidean distance between distinct
// points of pts, over its first 1000 points (the median of half a million
// distances is settled to well under a percent).
func medianDistance(pts []float32) float64 {
	n := min(len(pts)/2, 1000)
	d := make([]float64, 0, n*(n-1)/2)
	for i := range n {
		for j := range i {
			dx := float64(pts[2*i] - pts[2*j])
			dy := float64(pts[2*i+1] - pts[2*j+1])
			d = append(d, math.Sqrt(dx*dx+dy*dy))
		}
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// meanK returns the mean of k(a_i, b_j) over all pairs, or over the pairs
// i ≠ j when distinct (a and b then the same sample).
func (m *mmd) meanK(a, b []float32, distinct bool) float64 {
	// exp(−d²/(2(σ/8)²)) = e^64 for e = exp(−d²/(2σ²)), and the other
	// kernels are e^4 and e^16: one exp and three squarings per pair.
	c := -1 / (2 * m.sigma * m.sigma)
	na, nb := len(a)/2, len(b)/2
	var s float64
	for i := range na {
		ax, ay := float64(a[2*i]), float64(a[2*i+1])
		for j := range nb {
			if distinct && i == j {
				continue
			}
			dx, dy := ax-float64(b[2*j]), ay-float64(b[2*j+1])
			e1 := math.Exp(c * (dx*dx + dy*dy))
			e2 := e1 * e1
			e4 := e2 * e2
			e16 := e4 * e4 * e4 * e4
			e64 := e16 * e16 * e16 * e16
			s += (e1 + e4 + e16 + e64) / 4
		}
	}
	if distinct {
		return s / float64(na*(na-1))
	}
	return s / float64(na*nb)
}

// Of returns the unbiased estimate MMD²_u (Gretton et al. 2012, Lemma 6)
// between the points x and the reference: zero in expectation when x is
// drawn from the target, and positive when x's distribution differs (the
// Gaussian kernel is characteristic). It can be slightly negative.
func (m *mmd) Of(x []float32) float64 {
	return m.meanK(x, x, true) + m.refK - 2*m.meanK(x, m.ref, false)
}

// nullThreshold returns the largest MMD²_u of k independent samples of the
// target against the reference, and the k values: samples drawn by
// draw(i), i = 0 … k−1. A sample from the target itself exceeds the
// largest of k such values with probability 1/(k+1), so requiring a
// model's samples to stay at or under it is a test at that level. It is
// derived from the data alone, like a permutation test's threshold, with
// nothing hand-picked but k.
func (m *mmd) nullThreshold(k int, draw func(i int) []float32) (float64, []float64) {
	null := make([]float64, k)
	for i := range k {
		null[i] = m.Of(draw(i))
	}
	return slices.Max(null), null
}
