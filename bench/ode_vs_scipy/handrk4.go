package main

import "github.com/windrose/windrose/ode"

// handRK4 advances x in place by n classical RK4 steps of f from t0 to t1:
// the loop a programmer writes by hand for one method and tunes, with the
// coefficients inlined and hoisted out of the loops (the Go compiler does
// not move loop-invariant divisions such as h/6 out of a loop by itself),
// slices resliced to one length so that the compiler drops the bounds
// checks, four stage buffers, and the field called through the same
// interface as the solver. It is the practical limit for windrose's general
// stepper on the same work.
func handRK4(f ode.VectorField[float64], x, k1, k2, k3, k4, tmp []float64, t0, t1 float64, n int) {
	h := (t1 - t0) / float64(n)
	h2, h6 := h/2, h/6
	d := len(x)
	k1, k2, k3, k4, tmp = k1[:d], k2[:d], k3[:d], k4[:d], tmp[:d]
	for step := range n {
		// t is computed, not accumulated, as ode's fixed grid is.
		t := t0 + (t1-t0)*float64(step)/float64(n)
		f.Eval(k1, t, x)
		for i, v := range x {
			tmp[i] = v + h2*k1[i]
		}
		f.Eval(k2, t+h2, tmp)
		for i, v := range x {
			tmp[i] = v + h2*k2[i]
		}
		f.Eval(k3, t+h2, tmp)
		for i, v := range x {
			tmp[i] = v + h*k3[i]
		}
		f.Eval(k4, t+h, tmp)
		for i, v := range x {
			x[i] = v + h6*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
		}
	}
}
