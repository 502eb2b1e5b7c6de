// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
)

// Case is one product C = Alpha*op(A)*op(B) + Beta*C checked against the
// float64 reference. The matrices are filled with seeded random values in
// [−1, 1).
type Case struct {
	TA, TB      blas.Transpose
	M, N, K     int
	Alpha, Beta float32

	// PadA, PadB and PadC are how much each leading dimension exceeds the
	// row width of the stored matrix. The padding of A and B holds NaNs,
	// which an implementation that reads them into a sum will spread into
	// C; the padding of C, and PadC values past C's last row, hold a
	// finite sentinel that must come back bit for bit. Zero means a tight
	// leading dimension and a C slice of exactly the minimal length.
	PadA, PadB, PadC int

	// Seed selects the random matrices.
	Seed uint64
}

func (tc Case) String() string {
	return fmt.Sprintf("%s%s/m=%d,n=%d,k=%d/alpha=%g,beta=%g/pad=%d,%d,%d",
		transName(tc.TA), transName(tc.TB), tc.M, tc.N, tc.K, tc.Alpha, tc.Beta, tc.PadA, tc.PadB, tc.PadC)
}

func transName(t blas.Transpose) string {
	switch t {
	case blas.NoTrans:
		return "N"
	case blas.Trans:
		return "T"
	case blas.ConjTrans:
		return "C"
	}
	return fmt.Sprintf("Transpose(%d)", t)
}

// padNaN fills the padding of A and B. It is a quiet NaN with a payload, so
// a dump of a failing case shows where it came from.
var padNaN = math.Float32frombits(0x7fc0bad0)

// sentinel fills the padding of C. It is finite so that a stray write of
// beta*sentinel, which would keep a NaN's payload, changes its bits.
const sentinel float32 = -31337.25

// newMatrix returns a rows×cols matrix with leading dimension cols+pad,
// its elements drawn from rnd in [−1, 1) and its padding set to padValue.
// When tail is set the slice also has pad values after the last row, else
// it has the minimal length (rows−1)*ld + cols.
func newMatrix(rnd *rand.Rand, rows, cols, pad int, padValue float32, tail bool) matrix {
	ld := max(1, cols+pad)
	// The minimal length is gonum's: (rows−1)*ld + cols, even when cols
	// is zero.
	n := 0
	if rows > 0 {
		n = (rows-1)*ld + cols
	}
	if tail {
		n += pad
	}
	m := matrix{rows: rows, cols: cols, ld: ld, data: make([]float32, n)}
	for i := range m.data {
		m.data[i] = padValue
	}
	for i := range rows {
		for j := range cols {
			m.data[i*ld+j] = 2*rnd.Float32() - 1
		}
	}
	return m
}

// operands builds A, B and C for tc.
func (tc Case) operands() (a, b, c matrix) {
	rnd := rand.New(rand.NewPCG(tc.Seed, 0x9e3779b97f4a7c15))
	ar, ac := tc.M, tc.K
	if tc.TA != blas.NoTrans {
		ar, ac = ac, ar
	}
	br, bc := tc.K, tc.N
	if tc.TB != blas.NoTrans {
		br, bc = bc, br
	}
	a = newMatrix(rnd, ar, ac, tc.PadA, padNaN, false)
	b = newMatrix(rnd, br, bc, tc.PadB, padNaN, false)
	c = newMatrix(rnd, tc.M, tc.N, tc.PadC, sentinel, true)
	return a, b, c
}

// Check runs tc on impl and returns an error describing the first
// violation: an entry of C outside the error bound, a changed padding
// value of C, a changed element of A or B, or a panic.
func (tc Case) Check(impl Sgemmer) error {
	a, b, c := tc.operands()
	want, tol := reference(tc.TA, tc.TB, tc.M, tc.N, tc.K, tc.Alpha, a, b, tc.Beta, c)
	a0 := append([]float32(nil), a.data...)
	b0 := append([]float32(nil), b.data...)
	c0 := append([]float32(nil), c.data...)
	if err := call(impl, tc.TA, tc.TB, tc.M, tc.N, tc.K, tc.Alpha, a.data, a.ld, b.data, b.ld, tc.Beta, c.data, c.ld); err != nil {
		return err
	}
	if i := firstChange(a0, a.data); i >= 0 {
		return fmt.Errorf("%v: A[%d] changed from %v to %v", tc, i, a0[i], a.data[i])
	}
	if i := firstChange(b0, b.data); i >= 0 {
		return fmt.Errorf("%v: B[%d] changed from %v to %v", tc, i, b0[i], b.data[i])
	}
	return compareC(tc.String(), c, c0, want, tol)
}

// compareC checks the m×n result in c against want within tol, and that
// every value of c outside the matrix kept its bits from c0.
func compareC(name string, c matrix, c0 []float32, want, tol []float64) error {
	inside := func(idx int) bool { return idx%c.ld < c.cols && idx/c.ld < c.rows }
	for idx, v := range c.data {
		if !inside(idx) {
			if math.Float32bits(v) != math.Float32bits(c0[idx]) {
				return fmt.Errorf("%s: padding c[%d] (row %d, column %d) changed from %v to %v", name, idx, idx/c.ld, idx%c.ld, c0[idx], v)
			}
			continue
		}
		i, j := idx/c.ld, idx%c.ld
		w, t := want[i*c.cols+j], tol[i*c.cols+j]
		if math.IsNaN(w) {
			if !math.IsNaN(float64(v)) {
				return fmt.Errorf("%s: C[%d,%d] = %v, want NaN", name, i, j, v)
			}
			continue
		}
		if math.IsInf(w, 0) {
			if float64(v) != w {
				return fmt.Errorf("%s: C[%d,%d] = %v, want %v", name, i, j, v, w)
			}
			continue
		}
		if diff := math.Abs(float64(v) - w); !(diff <= t) {
			return fmt.Errorf("%s: C[%d,%d] = %v, want %v within %.3g (error %.3g)", name, i, j, v, w, t, diff)
		}
	}
	return nil
}

// firstChange returns the first index where got and want differ in bits,
// or −1.
func firstChange(want, got []float32) int {
	for i := range want {
		if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
			return i
		}
	}
	return -1
}

// call runs impl.Sgemm and turns a panic into an error.
func call(impl Sgemmer, tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Sgemm(%s, %s, %d, %d, %d, …, lda=%d, ldb=%d, ldc=%d) panicked: %v", transName(tA), transName(tB), m, n, k, lda, ldb, ldc, r)
		}
	}()
	impl.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	return nil
}
