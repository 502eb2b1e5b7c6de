package field

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Linear is the constant-coefficient linear system x' = A x, whose solution
// is x(t) = exp((t − t0) A) x0.
//
// Non-normal matrices and complex eigenvalues make it a sharper test than
// scalar decay, and its exact solution costs one matrix exponential.
type Linear struct {
	// A is the square system matrix; it must not be nil, and the state has
	// as many components as A has rows. Eval reads A's data in place, so
	// changing A changes the field.
	A *mat.Dense
}

// Eval writes A x into dst. It does not allocate.
func (l Linear) Eval(dst []float64, _ float64, x []float64) {
	r, c := l.A.Dims()
	if r != c || len(x) != c || len(dst) != r {
		panic("field: Linear needs a square A matching the state length")
	}
	blas64.Gemv(blas.NoTrans, 1, l.A.RawMatrix(),
		blas64.Vector{N: len(x), Data: x, Inc: 1},
		0, blas64.Vector{N: len(dst), Data: dst, Inc: 1})
}

// Exact writes exp((t − t0) A) x0 into dst, with the matrix exponential of
// gonum's mat.Dense.Exp (Higham's scaling and squaring with Padé
// approximants). It allocates.
func (l Linear) Exact(dst []float64, t, t0 float64, x0 []float64) {
	r, c := l.A.Dims()
	if r != c || len(x0) != c || len(dst) != r {
		panic("field: Linear.Exact needs a square A matching the state length")
	}
	var ta, e mat.Dense
	ta.Scale(t-t0, l.A)
	e.Exp(&ta)
	v := mat.NewVecDense(len(x0), append([]float64(nil), x0...))
	mat.NewVecDense(len(dst), dst).MulVec(&e, v)
}
