package nn

import "fmt"

// TimeEmbedding is the sinusoidal time embedding of the reference
// VelocityNet (docs/reference.md; the transformer's positional encoding, Vaswani et al. 2017, §3.5, applied to a
// continuous time and scaled by 2π): for per-sample times t and Dim = 2·half,
//
//	y[b,i]      = sin(2π·t[b]·f_i),
//	y[b,half+i] = cos(2π·t[b]·f_i),   f_i = exp(−ln(10000)·i/(half−1)),
//
// so the frequencies run geometrically from 1 to 1/10000 (the reference's
// 64 frequencies for Dim 128). It has no parameters, and no Backward: the
// flow-matching time is never differentiated.
type TimeEmbedding struct {
	// Dim is the embedding width, even and at least 4.
	Dim int
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend
}

// Forward writes the embedding of t to y [len(t),Dim].
func (e *TimeEmbedding) Forward(y *Tensor, t []float64) {
	if e.Dim < 4 || e.Dim%2 != 0 {
		panic(fmt.Sprintf("nn: TimeEmbedding.Dim = %d, want an even number ≥ 4", e.Dim))
	}
	checkShape("TimeEmbedding output", y, len(t), e.Dim)
	backendOr(e.Backend).SinusoidalEmbedding(y, t)
}
