package field

import "math"

// Tutorial is the example ODE of the flow-matching tutorial in seed/:
//
//	dx/dt = (x + t² − 2)/(t + 1),
//
// applied to each component of the state independently. The tutorial uses
// it to illustrate Euler's method; the catalogue (Problems) poses it with
// x(0) = 2 on [0, 5].
//
// The field has a pole at t = −1 and is only defined for t > −1; Eval at
// t ≤ −1 gives infinities or NaNs. The zero value is ready to use.
type Tutorial struct{}

// Eval writes (x_i + t² − 2)/(t + 1) into dst[i].
func (Tutorial) Eval(dst []float64, t float64, x []float64) {
	c := t*t - 2
	r := 1 / (t + 1)
	for i, v := range x {
		dst[i] = (v + c) * r
	}
}

// Exact writes the closed-form solution of the tutorial's ODE.
//
// The equation is linear of first order: x' − x/(t+1) = (t² − 2)/(t+1).
// With u = t + 1 and the integrating factor 1/u,
//
//	(x/u)' = (t² − 2)/u² = (u² − 2u − 1)/u² = 1 − 2/u − 1/u²,
//
// so x/u = u − 2 ln u + 1/u + C, that is
//
//	x(t) = u² − 2u ln u + 1 + C u,  C = x0/u0 − u0 + 2 ln u0 − 1/u0,
//
// with u0 = t0 + 1. For the tutorial's x(0) = 2, C = 0 and
// x(t) = (t+1)² − 2(t+1) ln(t+1) + 1. Both t and t0 must exceed −1.
func (Tutorial) Exact(dst []float64, t, t0 float64, x0 []float64) {
	if len(dst) != len(x0) {
		panic("field: Tutorial.Exact length mismatch")
	}
	u0 := t0 + 1
	u := t + 1
	base := u*u - 2*u*math.Log(u) + 1
	c0 := -u0 + 2*math.Log(u0) - 1/u0
	for i, v := range x0 {
		dst[i] = base + (v/u0+c0)*u
	}
}
