package odetest

import (
	"fmt"
	"math"

	"github.com/windrose/windrose/ode"
)

// CheckField checks what a vector field promises a solver, at one time t and
// state x, and returns an error describing the first broken promise:
//
//   - Eval leaves x unchanged;
//   - Eval writes every element of dst (dst is pre-filled with NaN, and the
//     result must be finite, so a field whose value at (t, x) is legitimately
//     non-finite cannot be checked there);
//   - the result does not depend on what dst held before (a second call into
//     a dst pre-filled with other garbage gives the same bits);
//   - Eval keeps nothing between calls: after an evaluation at another state,
//     and after the first call's buffers are overwritten, a call at (t, x)
//     with fresh buffers still gives the same bits.
//
// Equality is bitwise: a backend whose results vary from call to call (for
// example parallel reductions in a varying order) fails by design; compare
// such backends with CompareFields instead. CheckField panics if x is empty
// or holds a non-finite value.
func CheckField[T ode.Float](f ode.VectorField[T], t float64, x []T) error {
	if len(x) == 0 {
		panic("odetest: CheckField needs a non-empty state")
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			panic(fmt.Sprintf("odetest: CheckField needs a finite state, x[%d] = %v", i, v))
		}
	}
	n := len(x)
	nan := T(math.NaN())

	// First call: dst full of NaN, x a private copy we can watch.
	x1 := append([]T(nil), x...)
	d1 := make([]T, n)
	for i := range d1 {
		d1[i] = nan
	}
	f.Eval(d1, t, x1)
	for i := range x1 {
		if x1[i] != x[i] {
			return fmt.Errorf("odetest: Eval at t=%v changed x[%d] from %v to %v", t, i, x[i], x1[i])
		}
	}
	for i, v := range d1 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("odetest: Eval at t=%v left dst[%d] = %v (not written, or not finite)", t, i, v)
		}
	}
	want := append([]T(nil), d1...)

	// Second call: dst full of other garbage.
	x2 := append([]T(nil), x...)
	d2 := make([]T, n)
	for i := range d2 {
		d2[i] = T(1e30)
	}
	f.Eval(d2, t, x2)
	if i := firstDiff(d2, want); i >= 0 {
		return fmt.Errorf("odetest: Eval at t=%v depends on the previous contents of dst: dst[%d] = %v, first call gave %v", t, i, d2[i], want[i])
	}

	// Evaluate somewhere else, scribble over the earlier buffers, then
	// evaluate (t, x) again with fresh buffers.
	x3 := make([]T, n)
	for i, v := range x {
		x3[i] = v/2 + T(0.25)
	}
	d3 := make([]T, n)
	f.Eval(d3, t, x3)
	for i := range x1 {
		x1[i], d1[i], x2[i], d2[i] = T(-7), T(-7), T(-7), T(-7)
	}
	x4 := append([]T(nil), x...)
	d4 := make([]T, n)
	f.Eval(d4, t, x4)
	if i := firstDiff(d4, want); i >= 0 {
		return fmt.Errorf("odetest: Eval at t=%v depends on earlier calls (state kept or a slice retained): dst[%d] = %v, first call gave %v", t, i, d4[i], want[i])
	}
	return nil
}

// CompareFields evaluates a and b at (t, x) and returns the largest absolute
// difference between their results, in float64. It is the check for two
// backends of the same field (a reference and an optimised one, a CPU and a
// GPU build) whose results may differ by round-off. x is not modified.
func CompareFields[T ode.Float](a, b ode.VectorField[T], t float64, x []T) float64 {
	da := make([]T, len(x))
	db := make([]T, len(x))
	a.Eval(da, t, append([]T(nil), x...))
	b.Eval(db, t, append([]T(nil), x...))
	var d float64
	for i := range da {
		v := math.Abs(float64(da[i]) - float64(db[i]))
		if math.IsNaN(v) {
			return math.NaN()
		}
		d = math.Max(d, v)
	}
	return d
}

// firstDiff returns the first index where a and b differ bitwise-by-value, or
// -1. Both are finite here, so == is exact equality.
func firstDiff[T ode.Float](a, b []T) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}
