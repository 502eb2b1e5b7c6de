package flowmatch

import (
	"fmt"
	"math/rand/v2"
)

// The constants of the reference recipe (docs/reference.md, on the
// conditional optimal-transport path of Lipman et al., "Flow Matching for
// Generative Modeling", ICLR 2023; the tutorial's CFG.sigma_min and
// CFG.t_eps).
const (
	// SigmaMin is the width of the Gaussian around each data point at t = 1.
	SigmaMin = 0.1
	// TEps keeps training times away from the endpoints 0 and 1, where the
	// loss weight t(1 − t) vanishes; the tutorial's sampler also clamps its
	// shifted evaluation times to [TEps, 1 − TEps].
	TEps = 1e-5
)

// Path is the conditional optimal-transport probability path of Lipman et
// al., "Flow Matching for Generative Modeling" (ICLR 2023, eq. 20–23):
// from noise x0 ~ N(0, I) at t = 0 to a data point x1 at t = 1,
//
//	x_t = (1 − (1 − σ)·t)·x0 + t·x1,     u = dx_t/dt = x1 − (1 − σ)·x0,
//
// a straight line travelled at constant velocity u, which is the regression
// target of the velocity network. σ = SigmaMin leaves a Gaussian of
// standard deviation σ around x1 at t = 1 instead of a point.
//
// The zero value is the path with σ = 0 and TEps = 0 (rectified flow, Liu et
// al. 2022, times drawn from all of [0, 1)); ReferencePath is the recipe's.
type Path struct {
	// Sigma is σmin.
	Sigma float64
	// TEps: training times are drawn from U(TEps, 1 − TEps).
	TEps float64
}

// ReferencePath is the path of the reference recipe: σ = 0.1, t_eps = 1e-5.
var ReferencePath = Path{Sigma: SigmaMin, TEps: TEps}

// SampleTime draws t ~ U(TEps, 1 − TEps) as the tutorial does
// (t = rand·(1 − 2·t_eps) + t_eps), in float64.
func (p Path) SampleTime(rng *rand.Rand) float64 {
	return rng.Float64()*(1-2*p.TEps) + p.TEps
}

// Interpolate writes, for a batch of len(t) samples of equal length stored
// one after the other, the point x_t of the path into xt and the target
// velocity u into u. Sample b uses time t[b]. xt and u may not alias x0 or
// x1. It panics with a "flowmatch: ..." message when the lengths disagree.
func (p Path) Interpolate(xt, u, x0, x1 []float32, t []float64) {
	n := len(x0)
	if len(x1) != n || len(xt) != n || len(u) != n || len(t) == 0 || n%len(t) != 0 {
		panic(fmt.Sprintf("flowmatch: Interpolate: lengths xt %d, u %d, x0 %d, x1 %d for %d times",
			len(xt), len(u), len(x0), len(x1), len(t)))
	}
	d := n / len(t)
	c := float32(1 - p.Sigma)
	for b, tb := range t {
		a := float32(1 - (1-p.Sigma)*tb)
		tf := float32(tb)
		lo, hi := b*d, (b+1)*d
		x0b, x1b, xtb, ub := x0[lo:hi], x1[lo:hi], xt[lo:hi], u[lo:hi]
		for i := range x0b {
			xtb[i] = a*x0b[i] + tf*x1b[i]
			ub[i] = x1b[i] - c*x0b[i]
		}
	}
}
