package ode

// Float is the element type of a state: float64 for analytic problems,
// float32 for neural networks. Time, step sizes and error norms are always
// float64 whatever the state's type.
type Float interface{ ~float32 | ~float64 }

// VectorField is the right-hand side f of dx/dt = f(t, x).
//
// Eval writes f(t, x) into dst. The solver guarantees len(dst) == len(x) and
// that dst and x never alias; Eval must not modify x, nor retain either
// slice after it returns, because the solver reuses both buffers.
// Time is always float64; the state keeps its own element type, so a float32
// batch of 256×784 images is evaluated without any copy through float64.
type VectorField[T Float] interface {
	Eval(dst []T, t float64, x []T)
}

// Func adapts a plain function to a VectorField.
type Func[T Float] func(dst []T, t float64, x []T)

// Eval calls f(dst, t, x).
func (f Func[T]) Eval(dst []T, t float64, x []T) { f(dst, t, x) }
