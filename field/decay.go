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
//
// The loop is unrolled by four for the reason given at ode's comb1: a loop
// this short runs at the mercy of its placement by the linker.
func (d Decay) Eval(dst []float64, _ float64, x []float64) {
	k := -d.Rate
	n := len(x)
	dst = dst[:n]
	i := 0
	for ; i <= n-4; i += 4 {
		o, v := dst[i:i+4:i+4], x[i:i+4:i+4]
		o[0] = k * v[0]
		o[1] = k * v[1]
		o[2] = k * v[2]
		o[3] = k * v[3]
	}
	for ; i < n; i++ {
		dst[i] = k * x[i]
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
