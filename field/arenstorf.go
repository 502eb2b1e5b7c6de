package field

import "math"

// Arenstorf is the restricted three-body problem in the rotating frame of two
// bodies of reduced masses μ' = 1 − μ and μ, as in Hairer, Nørsett & Wanner,
// Solving Ordinary Differential Equations I, 2nd ed., Section II.0:
//
//	y1'' = y1 + 2 y2' − μ' (y1 + μ)/D1 − μ (y1 − μ')/D2,
//	y2'' = y2 − 2 y1' − μ' y2/D1 − μ y2/D2,
//	D1 = ((y1 + μ)² + y2²)^(3/2),  D2 = ((y1 − μ')² + y2²)^(3/2),
//
// on the state (y1, y2, y1', y2'). With μ = 0.012277471 (Earth and Moon) and
// the initial values ArenstorfX0 the solution is the periodic Arenstorf
// orbit (R. F. Arenstorf, Amer. J. Math. 85 (1963) 27–35) of period
// ArenstorfPeriod: it returns to its initial value after one period, which
// is the only place its exact value is known. The orbit passes close to the
// second body, so its step sizes vary over orders of magnitude: the classic
// showcase for adaptive step control.
type Arenstorf struct {
	// Mu is the mass ratio μ; zero means ArenstorfMu, so Arenstorf{} is the
	// problem of HNW I, II.0.
	Mu float64
}

// Constants of the Arenstorf orbit, HNW I, Section II.0: the mass ratio,
// and the initial velocity y2'(0) and the period to the 30 digits printed
// there (float64 keeps about 17).
const (
	ArenstorfMu     = 0.012277471
	ArenstorfV0     = -2.00158510637908252240537862224
	ArenstorfPeriod = 17.0652165601579625588917206249
)

// ArenstorfX0 returns, in a new slice, the initial values of the periodic
// orbit, HNW I, II.0: y1(0) = 0.994, y2(0) = 0, y1'(0) = 0,
// y2'(0) = ArenstorfV0.
func ArenstorfX0() []float64 {
	return []float64{0.994, 0, 0, ArenstorfV0}
}

// Eval writes the Arenstorf field into dst. The state must have four
// components.
func (a Arenstorf) Eval(dst []float64, _ float64, x []float64) {
	if len(x) != 4 || len(dst) != 4 {
		panic("field: Arenstorf needs a 4-element state (y1, y2, y1', y2')")
	}
	mu := a.Mu
	if mu == 0 {
		mu = ArenstorfMu
	}
	mup := 1 - mu
	y1, y2, v1, v2 := x[0], x[1], x[2], x[3]
	r1 := (y1+mu)*(y1+mu) + y2*y2
	r2 := (y1-mup)*(y1-mup) + y2*y2
	d1 := r1 * math.Sqrt(r1)
	d2 := r2 * math.Sqrt(r2)
	dst[0] = v1
	dst[1] = v2
	dst[2] = y1 + 2*v2 - mup*(y1+mu)/d1 - mu*(y1-mup)/d2
	dst[3] = y2 - 2*v1 - mup*y2/d1 - mu*y2/d2
}
