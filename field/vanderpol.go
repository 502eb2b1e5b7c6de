package field

// VanDerPol is the Van der Pol oscillator (B. van der Pol, On
// "relaxation-oscillations", Phil. Mag. 2 (1926) 978–992),
//
//	x'' = μ (1 − x²) x' − x,
//
// as a first-order system on the state (x, y = x'):
//
//	x' = y,  y' = μ (1 − x²) y − x.
//
// Every solution except the origin approaches one limit cycle. For small μ
// the cycle is nearly circular; for μ of a few units it is a relaxation
// oscillation with slow drifts and fast jumps, where adaptive steps pay; for
// large μ (10³ and more) the problem is stiff and explicit methods need tiny
// steps. There is no closed-form solution.
type VanDerPol struct {
	// Mu is the damping parameter μ; the zero value is the harmonic
	// oscillator x'' = −x.
	Mu float64
}

// Eval writes the Van der Pol field into dst. The state must have two
// components.
func (v VanDerPol) Eval(dst []float64, _ float64, x []float64) {
	if len(x) != 2 || len(dst) != 2 {
		panic("field: VanDerPol needs a 2-element state (x, x')")
	}
	dst[0] = x[1]
	dst[1] = v.Mu*(1-x[0]*x[0])*x[1] - x[0]
}
