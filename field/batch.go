package field

import "github.com/windrose/windrose/ode"

// Batch applies a per-sample field to a batch of independent samples stored
// one after another in a single state vector: sample j occupies
// x[j*Dim : (j+1)*Dim] and its derivative goes to the same range of dst.
//
// This is the layout of a neural field's batch (256 images of 784 pixels are
// one state of 200,704 values): a solver then integrates every sample at once
// with common step sizes. Each per-sample call sees slices capped at Dim, so
// the field cannot reach a neighbour's data. The samples are evaluated in
// order, one at a time.
type Batch[T ode.Float] struct {
	// Field is the per-sample field; it must not be nil.
	Field ode.VectorField[T]

	// Dim is the length of one sample; it must be positive and divide the
	// state length.
	Dim int
}

// Eval evaluates Field on each sample of x.
func (b Batch[T]) Eval(dst []T, t float64, x []T) {
	d := b.Dim
	if d <= 0 {
		panic("field: Batch.Dim must be positive")
	}
	if len(x)%d != 0 || len(dst) != len(x) {
		panic("field: Batch state length is not a multiple of Dim")
	}
	for off := 0; off < len(x); off += d {
		b.Field.Eval(dst[off:off+d:off+d], t, x[off:off+d:off+d])
	}
}
