package nn

import (
	"math"
	"testing"
)

// binom returns C(n, k) in float64.
func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// TestEMAWarmUp: averaging a constant 0 starting from 1, the average after n
// warm-up updates is Π_{k<n} (1+k)/(10+k) = n!·9!/(n+9)! = 1/C(n+9, 9)
// (while (1+k)/(10+k) < Decay, i.e. k < 8991 at 0.999); without warm-up it is
// Decayⁿ.
func TestEMAWarmUp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		for _, warm := range []bool{true, false} {
			p := &Param{Name: "w", Value: &Tensor{Shape: []int{2}, Data: []float32{1, 1}}}
			e := NewEMA([]*Param{p}, 0.999)
			e.NoWarmUp = !warm
			e.Backend = bk
			p.Value.Data[0], p.Value.Data[1] = 0, 0
			p.Value.HostChanged()
			for n := 1; n <= 50; n++ {
				e.Update([]*Param{p})
				want := math.Pow(0.999, float64(n))
				if warm {
					want = 1 / binom(n+9, 9)
				}
				got := float64(e.Params()[0].Value.ToHost()[0])
				// float32 products of n factors: ≤ n ulps relative.
				if !(math.Abs(got-want) <= 1e-6*want*float64(n)) { // NaN fails too
					t.Fatalf("warm-up %v: average after %d updates %g, want %g", warm, n, got, want)
				}
			}
			if e.Updates != 50 {
				t.Errorf("Updates = %d, want 50", e.Updates)
			}
		}
	})
}

func TestEMADecayCap(t *testing.T) {
	e := NewEMA(nil, 0.5)
	// (1+n)/(10+n) reaches 0.5 at n = 8 and exceeds it from n = 9.
	want := []float64{0.1, 2.0 / 11, 3.0 / 12, 4.0 / 13, 5.0 / 14, 6.0 / 15, 7.0 / 16, 8.0 / 17, 0.5, 0.5, 0.5}
	for n, w := range want {
		if got := e.NextDecay(); math.Abs(got-w) > 1e-15 {
			t.Errorf("n=%d: decay %g, want %g", n, got, w)
		}
		e.Update(nil)
	}
}

func TestEMACopyTo(t *testing.T) {
	p := &Param{Name: "a.weight", Value: &Tensor{Shape: []int{3}, Data: []float32{1, 2, 3}}}
	e := NewEMA([]*Param{p}, 0.9)
	p.Value.Data[0] = 5
	e.Update([]*Param{p}) // d = 0.1: 0.1·1 + 0.9·5 = 4.6
	if n := e.Params()[0].Name; n != "a.weight" {
		t.Errorf("shadow name %q", n)
	}
	q := &Param{Name: "a.weight", Value: NewTensor(3)}
	e.CopyTo([]*Param{q})
	checkClose(t, "CopyTo", q.Value.ToHost(), []float64{4.6, 2, 3}, 1e-7)
}
