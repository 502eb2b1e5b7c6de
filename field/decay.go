package field

import "math"

// Decay is exponential decay, x' = −Rate·x, applied to each component of the
// state independently.
type Decay struct {
	// Rate is the decay rate k; negative values give exponential growth and
	// the zero value the constant field x' = 0.
	Rate float64
}

// Eval writes −Rate·x into dst.
func (d Decay) Eval(dst []float64, _ float64, x []float64) {
	k := -d.Rate
	for i, v := range x {
		dst[i] = k * v
	}
}

// Exact writes x0·exp(−Rate·(t − t0)) into dst.
func (d Decay) Exact(dst []float64, t, t0 float64, x0 []float64) {
	if len(dst) != len(x0) {
		panic("field: Decay.Exact length mismatch")
	}
	e := math.Exp(-d.Rate * (t - t0))
	for i, v := range x0 {
		dst[i] = v * e
	}
}
