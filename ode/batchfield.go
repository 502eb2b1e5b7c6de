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
