package field

import "github.com/windrose/windrose/ode"

// Float32 evaluates a float64 field on float32 states: it converts x to
// float64, evaluates Field, and rounds the result to float32.
//
// It lets a float64 analytic problem, whose exact solution is known, exercise
// the float32 path of a solver (the path the neural field takes). It keeps
// two float64 conversion buffers that grow to the largest state seen and are
// reused, so it is not safe for concurrent use; use it through a pointer.
type Float32 struct {
	// Field is the float64 field; it must not be nil.
	Field ode.VectorField[float64]

	x, dst []float64
}

// Eval writes float32(Field(t, float64(x))) into dst.
func (f *Float32) Eval(dst []float32, t float64, x []float32) {
	n := len(x)
	if len(dst) != n {
		panic("field: Float32 length mismatch")
	}
	if cap(f.x) < n {
		f.x = make([]float64, n)
		f.dst = make([]float64, n)
	}
	xx, dd := f.x[:n], f.dst[:n]
	for i, v := range x {
		xx[i] = float64(v)
	}
	f.Field.Eval(dd, t, xx)
	for i, v := range dd {
		dst[i] = float32(v)
	}
}

// Float64 evaluates a float32 field on float64 states: it rounds x to
// float32, evaluates Field, and widens the result to float64.
//
// It lets a float32 field (a neural net) run inside a float64 solve, for
// example to separate the solver's float32 round-off from the field's. Like
// Float32 it keeps reused conversion buffers and is not safe for concurrent
// use; use it through a pointer.
type Float64 struct {
	// Field is the float32 field; it must not be nil.
	Field ode.VectorField[float32]

	x, dst []float32
}

// Eval writes float64(Field(t, float32(x))) into dst.
func (f *Float64) Eval(dst []float64, t float64, x []float64) {
	n := len(x)
	if len(dst) != n {
		panic("field: Float64 length mismatch")
	}
	if cap(f.x) < n {
		f.x = make([]float32, n)
		f.dst = make([]float32, n)
	}
	xx, dd := f.x[:n], f.dst[:n]
	for i, v := range x {
		xx[i] = float32(v)
	}
	f.Field.Eval(dd, t, xx)
	for i, v := range dd {
		dst[i] = float64(v)
	}
}
