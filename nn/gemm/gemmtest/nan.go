// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
)

// Where a nanCase puts its non-finite values.
const (
	nanInA  = iota // one NaN in op(A)
	nanInB         // one NaN in op(B)
	nanInAB        // NaNs in op(A) and op(B), an Inf in op(B)
	nanInC         // NaNs and an Inf in C
)

// nanCase is a Case whose operands hold NaNs or Infs.
//
// The finite elements of A and B are pushed away from zero (magnitudes in
// [0.5, 1)), so every product that meets a NaN is a NaN: an
// implementation may not skip a zero term and thereby hide one. (gonum's
// native Sgemm skips zero elements of A, which is harmless with this
// data.)
type nanCase struct {
	Case
	where int
}

func (nc nanCase) String() string {
	return fmt.Sprintf("%v/%s", nc.Case, [...]string{"NaN in A", "NaN in B", "NaN and Inf in A and B", "NaN and Inf in C"}[nc.where])
}

// check runs nc on impl. The float64 reference spreads the NaNs exactly as
// the reference BLAS defines: a NaN at op(A)(i, l) makes row i of the
// product NaN, one at op(B)(l, j) column j, but only when alpha is not
// zero; a NaN in C survives only when beta is not zero. compareC then asks
// for a NaN exactly where the reference has one.
func (nc nanCase) check(impl Sgemmer) error {
	a, b, c := nc.operands()
	awayFromZero(a)
	awayFromZero(b)
	rnd := rand.New(rand.NewPCG(nc.Seed, 17))
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	aT := nc.TA != blas.NoTrans
	bT := nc.TB != blas.NoTrans
	set := func(m matrix, trans bool, i, j int, v float32) {
		if trans {
			i, j = j, i
		}
		m.data[i*m.ld+j] = v
	}
	switch nc.where {
	case nanInA:
		set(a, aT, rnd.IntN(nc.M), rnd.IntN(nc.K), nan)
	case nanInB:
		set(b, bT, rnd.IntN(nc.K), rnd.IntN(nc.N), nan)
	case nanInAB:
		set(a, aT, rnd.IntN(nc.M), rnd.IntN(nc.K), nan)
		set(b, bT, rnd.IntN(nc.K), rnd.IntN(nc.N), nan)
		set(b, bT, rnd.IntN(nc.K), rnd.IntN(nc.N), inf)
	case nanInC:
		for range max(1, nc.M*nc.N/8) {
			set(c, false, rnd.IntN(nc.M), rnd.IntN(nc.N), nan)
		}
		set(c, false, rnd.IntN(nc.M), rnd.IntN(nc.N), inf)
	}
	want, tol := reference(nc.TA, nc.TB, nc.M, nc.N, nc.K, nc.Alpha, a, b, nc.Beta, c)
	c0 := append([]float32(nil), c.data...)
	if err := call(impl, nc.TA, nc.TB, nc.M, nc.N, nc.K, nc.Alpha, a.data, a.ld, b.data, b.ld, nc.Beta, c.data, c.ld); err != nil {
		return err
	}
	return compareC(nc.String(), c, c0, want, tol)
}

// awayFromZero maps the elements of m from [−1, 1) to ±[0.5, 1), leaving
// the padding alone.
func awayFromZero(m matrix) {
	for i := range m.rows {
		row := m.data[i*m.ld : i*m.ld+m.cols]
		for j, v := range row {
			row[j] = float32(math.Copysign(0.5+math.Abs(float64(v))/2, float64(v)))
		}
	}
}
