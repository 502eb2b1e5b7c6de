package flowmatch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bestByEnumeration returns the least total cost of an n×n assignment by
// trying every permutation (Heap's algorithm).
func bestByEnumeration(cost []float64, n int) float64 {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	total := func() float64 {
		var s float64
		for i, j := range p {
			s += cost[i*n+j]
		}
		return s
	}
	best := total()
	c := make([]int, n)
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				p[0], p[i] = p[i], p[0]
			} else {
				p[c[i]], p[i] = p[i], p[c[i]]
			}
			best = math.Min(best, total())
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return best
}

// TestOTCoupleIsOptimal checks the assignment against enumeration of all
// n! pairings on random batches of up to 7 samples, and that x0 is
// reordered by perm.
func TestOTCoupleIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// One coupler for every trial: its buffers are reused across batch
	// sizes, as in training.
	var coupler OTCoupler
	for trial := range 60 {
		n, dim := 1+trial%7, 1+trial%5
		x0 := make([]float32, n*dim)
		x1 := make([]float32, n*dim)
		for i := range x0 {
			x0[i], x1[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		orig := append([]float32(nil), x0...)
		cost := make([]float64, n*n)
		for i := range n {
			for j := range n {
				for k := range dim {
					d := float64(x1[i*dim+k]) - float64(orig[j*dim+k])
					cost[i*n+j] += d * d
				}
			}
		}
		perm := make([]int, n)
		coupler.Couple(perm, x0, x1, dim)
		var got float64
		seen := make([]bool, n)
		for i, j := range perm {
			if seen[j] {
				t.Fatalf("trial %d: perm %v is not a permutation", trial, perm)
			}
			seen[j] = true
			got += cost[i*n+j]
			for k := range dim {
				if x0[i*dim+k] != orig[j*dim+k] {
					t.Fatalf("trial %d: x0 sample %d is not the old sample %d", trial, i, j)
				}
			}
		}
		if want := bestByEnumeration(cost, n); math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("trial %d (n %d): cost %.12g, the best of all pairings %.12g", trial, n, got, want)
		}
	}
}

// TestOTCoupleShortensPaths: on a batch of 64 the coupled pairs are
// closer than the random ones (the point of the coupling).
func TestOTCoupleShortensPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, dim = 64, 16
	x0 := make([]float32, n*dim)
	x1 := make([]float32, n*dim)
	for i := range x0 {
		x0[i], x1[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()+2)
	}
	dist := func() float64 {
		var s float64
		for i := range x0 {
			d := float64(x0[i] - x1[i])
			s += d * d
		}
		return s
	}
	before := dist()
	var c OTCoupler
	c.Couple(make([]int, n), x0, x1, dim)
	if after := dist(); !(after < before) {
		t.Errorf("total squared distance %g after coupling, %g before", after, before)
	}
}
