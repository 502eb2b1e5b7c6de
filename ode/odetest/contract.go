package odetest

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/windrose/windrose/ode"
)

// Contract wraps a vector field and checks, on every evaluation, the promises
// ode.VectorField makes to a field on behalf of the solver:
//
//   - len(dst) == len(x), and both equal Dim when Dim > 0;
//   - dst and x do not share memory;
//   - t is finite and, when T0 != T1, lies in the closed interval between T0
//     and T1 (a field may be undefined outside the span: the tutorial's field
//     has a pole at t = -1, a neural field was trained on [0, 1] only).
//
// The first violation is kept in Err and every one is counted in Violations;
// the wrapped field is still evaluated unless the lengths disagree. It is not
// safe for concurrent use; use it through a pointer.
type Contract[T ode.Float] struct {
	// Field is the wrapped field; it must not be nil.
	Field ode.VectorField[T]

	// Dim is the expected state length; 0 means any length.
	Dim int

	// T0 and T1 bound the times at which the field may be evaluated, in
	// either order; T0 == T1 disables the check.
	T0, T1 float64

	// Violations counts the evaluations that broke the contract.
	Violations int

	// Err describes the first violation; nil while there is none.
	Err error
}

// Eval checks the call against the contract and evaluates c.Field.
func (c *Contract[T]) Eval(dst []T, t float64, x []T) {
	if len(dst) != len(x) || (c.Dim > 0 && len(x) != c.Dim) {
		c.violate(fmt.Errorf("odetest: Eval at t=%v with len(dst)=%d, len(x)=%d, want %d", t, len(dst), len(x), c.Dim))
		return
	}
	if overlap(dst, x) {
		c.violate(fmt.Errorf("odetest: Eval at t=%v with dst and x sharing memory", t))
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		c.violate(fmt.Errorf("odetest: Eval at non-finite t=%v", t))
	} else if c.T0 != c.T1 {
		lo, hi := math.Min(c.T0, c.T1), math.Max(c.T0, c.T1)
		if t < lo || t > hi {
			c.violate(fmt.Errorf("odetest: Eval at t=%v outside the span [%v, %v]", t, lo, hi))
		}
	}
	c.Field.Eval(dst, t, x)
}

func (c *Contract[T]) violate(err error) {
	c.Violations++
	if c.Err == nil {
		c.Err = err
	}
}

// overlap reports whether a and b share at least one element of memory.
func overlap[T any](a, b []T) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	var zero T
	size := unsafe.Sizeof(zero)
	pa := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	pb := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return pa < pb+uintptr(len(b))*size && pb < pa+uintptr(len(a))*size
}
