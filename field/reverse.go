package field

import "github.com/windrose/windrose/ode"

// Reverse is the time reversal of a vector field f:
//
//	g(s, x) = −f(−s, x).
//
// If x(t) solves x' = f(t, x), then y(s) = x(−s) solves y' = g(s, y). So
// integrating Reverse{f} forward from s0 = −t1 to s1 = −t0, starting from
// x(t1), integrates f backward from t1 to t0 and ends at x(t0): a solver or
// a method that only supports increasing time can run backward through it.
// The ode solvers accept T1 < T0 directly, so Reverse is mostly a check that
// they do it right, and a tool for code written for forward time only.
type Reverse[T ode.Float] struct {
	// Field is the field to reverse; it must not be nil.
	Field ode.VectorField[T]
}

// Eval writes −f(−s, x) into dst.
func (r Reverse[T]) Eval(dst []T, s float64, x []T) {
	r.Field.Eval(dst, -s, x)
	for i, v := range dst {
		dst[i] = -v
	}
}
