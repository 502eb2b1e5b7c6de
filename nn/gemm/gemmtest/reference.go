// Copyright ©2026 The windrose Authors. All rights reserved.

package gemmtest

import (
	"math"

	"gonum.org/v1/gonum/blas"
)

// u32 is the unit roundoff of float32, 2⁻²⁴ (half the machine epsilon
// 2⁻²³; Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
// §2.1).
const u32 = 1.0 / (1 << 24)

// matrix is a row-major float32 matrix stored with a leading dimension.
type matrix struct {
	rows, cols, ld int
	data           []float32
}

// at returns element (i, j) of m, or of its transpose when trans is set.
func (m matrix) at(trans bool, i, j int) float32 {
	if trans {
		i, j = j, i
	}
	return m.data[i*m.ld+j]
}

// reference returns, in float64 from the float32 inputs, the exact-ish
// result alpha*op(A)*op(B) + beta*C (want) and for each entry the bound
// that a float32 implementation's error may not exceed (tol). A zero beta
// does not read C, a zero alpha does not read A or B, as in the reference
// BLAS.
//
// The bound is the classical one for a dot product computed in floating
// point in any order, |fl(Σ xᵢyᵢ) − Σ xᵢyᵢ| ≤ γₙ Σ|xᵢyᵢ| with
// γₙ = nu/(1−nu) (Higham, op. cit., §3.1, eq. (3.5)). Here n = k + 2: at
// most k roundings along the longest path of the sum (k − 1 additions plus
// one product; none for a fused multiply-add's product), one for the
// product with alpha and one for adding beta*C, which contributes
// |beta·c| to the absolute sum. The bound is doubled to leave room for
// blocked summations that round a partial sum once more per block (a
// kc-deep blocking adds about k/kc roundings). A missing, doubled or
// misplaced term of size comparable to the others is an error of order
// 1/k of the absolute sum, far above 2γ_{k+2} ≈ 2k·6e-8 for every k the
// kit uses.
func reference(tA, tB blas.Transpose, m, n, k int, alpha float32, a, b matrix, beta float32, c matrix) (want, tol []float64) {
	aT := tA != blas.NoTrans
	bT := tB != blas.NoTrans
	want = make([]float64, m*n)
	tol = make([]float64, m*n)
	nk := float64(k + 2)
	gamma := 2 * nk * u32 / (1 - nk*u32)
	// Dense float64 copies of op(A) and op(B)ᵀ, so the inner loop runs
	// over two contiguous rows.
	var opA, opBT []float64
	if alpha != 0 {
		opA = make([]float64, m*k)
		opBT = make([]float64, n*k)
		for i := range m {
			for p := range k {
				opA[i*k+p] = float64(a.at(aT, i, p))
			}
		}
		for j := range n {
			for p := range k {
				opBT[j*k+p] = float64(b.at(bT, p, j))
			}
		}
	}
	for i := range m {
		for j := range n {
			var sum, abs float64
			if alpha != 0 {
				ai := opA[i*k : i*k+k]
				bj := opBT[j*k : j*k+k]
				for p, x := range ai {
					v := x * bj[p]
					sum += v
					abs += math.Abs(v)
				}
				sum *= float64(alpha)
				abs *= math.Abs(float64(alpha))
			}
			if beta != 0 {
				v := float64(beta) * float64(c.data[i*c.ld+j])
				sum += v
				abs += math.Abs(v)
			}
			want[i*n+j] = sum
			tol[i*n+j] = gamma * abs
		}
	}
	return want, tol
}
