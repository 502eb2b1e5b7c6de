package field

import "github.com/windrose/windrose/ode"

// Batch applies a per-sample field to a batch of independent samples stored
// one after another in a single state vector: sample j occupies
// x[j*Dim : (j+1)*Dim] and its derivative goes to the same range of dst.
//
// This is the layout of a neural field's batch (256 images of 784 pixels are
// one state of 200,704 values). As an ode.VectorField (Eval), every sample
// is evaluated at the same time, so a Solver integrates the whole batch
// with common step sizes. As an ode.BatchField (EvalBatch), each sample is
// evaluated at its own time, so an ode.BatchSolver steps each sample on its
// own. Each per-sample call sees slices capped at Dim, so the field cannot
// reach a neighbour's data. The samples are evaluated in order, one at a
// time.
type Batch[T ode.Float] struct {
	// Field is the per-sample field; it must not be nil.
	Field ode.VectorField[T]

	// Dim is the length of one sample; it must be positive and divide the
	// state length.
	Dim int
}

var (
	_ ode.VectorField[float64] = Batch[float64]{}
	_ ode.BatchField[float32]  = Batch[float32]{}
)

// Eval evaluates Field on each sample of x at t.
func (b Batch[T]) Eval(dst []T, t float64, x []T) {
	d := b.dim()
	if len(x)%d != 0 || len(dst) != len(x) {
		panic("field: Batch state length is not a multiple of Dim")
	}
	for off := 0; off < len(x); off += d {
		b.Field.Eval(dst[off:off+d:off+d], t, x[off:off+d:off+d])
	}
}

// EvalBatch evaluates Field on each sample of x at its own time: sample j
// at t[j]. It panics with a "field: ..." message unless len(x) ==
// len(dst) == Dim·len(t).
func (b Batch[T]) EvalBatch(dst []T, t []float64, x []T) {
	d := b.dim()
	if len(x) != d*len(t) || len(dst) != len(x) {
		panic("field: Batch.EvalBatch: len(x) and len(dst) must be Dim·len(t)")
	}
	for j, tj := range t {
		off := j * d
		b.Field.Eval(dst[off:off+d:off+d], tj, x[off:off+d:off+d])
	}
}

func (b Batch[T]) dim() int {
	if b.Dim <= 0 {
		panic("field: Batch.Dim must be positive")
	}
	return b.Dim
}
