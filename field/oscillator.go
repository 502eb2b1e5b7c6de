package field

import "math"

// Oscillator is the harmonic oscillator d²q/dt² = −ω² q as a first-order system
// on the state (q, p) = (position, velocity):
//
//	q' = p,  p' = −ω² q.
//
// Its energy p² + ω² q² is conserved and its flow is a rotation in the
// scaled plane (ω q, p), so global errors grow only linearly in time.
type Oscillator struct {
	// Omega is the angular frequency ω; the zero value is the free particle
	// q'' = 0.
	Omega float64
}

// Eval writes (p, −ω² q) into dst. The state must have two components.
func (o Oscillator) Eval(dst []float64, _ float64, x []float64) {
	if len(x) != 2 || len(dst) != 2 {
		panic("field: Oscillator needs a 2-element state (q, p)")
	}
	dst[0] = x[1]
	dst[1] = -o.Omega * o.Omega * x[0]
}

// Exact writes the solution
//
//	q(t) = q0 cos(ωτ) + p0 sin(ωτ)/ω,  p(t) = −q0 ω sin(ωτ) + p0 cos(ωτ),
//
// τ = t − t0, into dst; for ω = 0, sin(ωτ)/ω is its limit τ.
func (o Oscillator) Exact(dst []float64, t, t0 float64, x0 []float64) {
	if len(x0) != 2 || len(dst) != 2 {
		panic("field: Oscillator.Exact needs a 2-element state (q, p)")
	}
	tau := t - t0
	w := o.Omega
	s, c := math.Sincos(w * tau)
	sinc := tau // sin(ωτ)/ω
	if w != 0 {
		sinc = s / w
	}
	q0, p0 := x0[0], x0[1]
	dst[0] = q0*c + p0*sinc
	dst[1] = -q0*w*s + p0*c
}
