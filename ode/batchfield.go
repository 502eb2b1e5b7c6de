package ode

// BatchField is the right-hand side of n independent systems of one
// dimension, evaluated together, each at its own time: the form of a neural
// velocity field, which runs one network forward pass for a whole batch of
// samples and takes one time per sample.
type BatchField[T Float] interface {
	// EvalBatch writes f(t[j], x_j) into dst_j for every j < len(t), where
	// x_j = x[j·d : (j+1)·d], dst_j the same range of dst and
	// d = len(x)/len(t). The caller guarantees len(dst) == len(x) ==
	// d·len(t) with d ≥ 1 and that dst and x never alias. As for
	// VectorField, EvalBatch must not modify x or t, nor retain any of the
	// slices after it returns: the solver reuses them.
	EvalBatch(dst []T, t []float64, x []T)
}

// BatchFunc adapts a plain function to a BatchField.
type BatchFunc[T Float] func(dst []T, t []float64, x []T)

// EvalBatch calls f(dst, t, x).
func (f BatchFunc[T]) EvalBatch(dst []T, t []float64, x []T) { f(dst, t, x) }

// Batch applies a per-sample field to a batch of independent samples stored
// one after another in a single state vector: sample j occupies
// x[j·Dim : (j+1)·Dim] and its derivative goes to the same range of dst.
//
// This is the layout of a neural field's batch (256 images of 784 pixels are
// one state of 200,704 values). As a VectorField (Eval), every sample is
// evaluated at the same time, so a Solver integrates the whole batch with
// common step sizes. As a BatchField (EvalBatch), each sample is evaluated
// at its own time, so a BatchSolver steps each sample on its own. Each
// per-sample call sees slices capped at Dim, so the field cannot reach a
// neighbour's data. The samples are evaluated in order, one at a time.
type Batch[T Float] struct {
	// Field is the per-sample field; it must not be nil.
	Field VectorField[T]

	// Dim is the length of one sample; it must be positive and divide the
	// state length.
	Dim int
}

var (
	_ VectorField[float64] = Batch[float64]{}
	_ BatchField[float32]  = Batch[float32]{}
)

// Eval evaluates Field on each sample of x at t. It panics with an "ode: "
// message unless len(dst) == len(x) is a multiple of Dim.
func (b Batch[T]) Eval(dst []T, t float64, x []T) {
	d := b.dim()
	if len(x)%d != 0 || len(dst) != len(x) {
		panic("ode: Batch state length is not a multiple of Dim")
	}
	for off := 0; off < len(x); off += d {
		b.Field.Eval(dst[off:off+d:off+d], t, x[off:off+d:off+d])
	}
}

// EvalBatch evaluates Field on each sample of x at its own time: sample j
// at t[j]. It panics with an "ode: " message unless len(x) == len(dst) ==
// Dim·len(t).
func (b Batch[T]) EvalBatch(dst []T, t []float64, x []T) {
	d := b.dim()
	if len(x) != d*len(t) || len(dst) != len(x) {
		panic("ode: Batch.EvalBatch: len(x) and len(dst) must be Dim·len(t)")
	}
	for j, tj := range t {
		off := j * d
		b.Field.Eval(dst[off:off+d:off+d], tj, x[off:off+d:off+d])
	}
}

func (b Batch[T]) dim() int {
	if b.Dim <= 0 {
		panic("ode: Batch.Dim must be positive")
	}
	return b.Dim
}
