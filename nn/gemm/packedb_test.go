// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestSgemmPackedB: with B packed by PackedBIndex, SgemmPackedB gives
// Sgemm's C bit for bit (to within rounding for a single row, which Sgemm
// sums in another order), for A plain and transposed, beta 0 and 1,
// ragged panels and products split across goroutines or not.
func TestSgemmPackedB(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, threads := range []int{1, 2, 3} {
		for _, d := range []struct{ m, n, k int }{
			{1, 40, 16}, {6, 16, 1}, {7, 33, 9}, {16, 448, 16}, {32, 1000, 32}, {64, 200, 128}, {13, 17, 256}, {150, 70, 64},
		} {
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				for _, beta := range []float32{0, 1} {
					name := fmt.Sprintf("threads=%d/%dx%dx%d/%c/beta=%v", threads, d.m, d.n, d.k, tA, beta)
					lda := d.k + 3
					if tA == blas.Trans {
						lda = d.m + 3
					}
					a := normals(rng, max(d.m, d.k)*lda)
					b := normals(rng, d.k*d.n)
					bp := make([]float32, PackedBLen(d.k, d.n))
					for p := range d.k {
						for j := range d.n {
							bp[PackedBIndex(d.k, p, j)] = b[p*d.n+j]
						}
					}
					ldc := d.n + 2
					want := normals(rng, d.m*ldc)
					got := slices.Clone(want)
					gotAB := slices.Clone(want)
					impl := Implementation{Threads: threads}
					impl.Sgemm(tA, blas.NoTrans, d.m, d.n, d.k, 0.5, a, lda, b, d.n, beta, want, ldc)
					impl.SgemmPackedB(tA, d.m, d.n, d.k, 0.5, a, lda, bp, beta, got, ldc)
					// A packed once by PackA gives SgemmPackedB's C bit
					// for bit, single rows included.
					ap := normals(rng, PackedALen(d.m, d.k)) // PackA must write every value
					impl.PackA(ap, tA, d.m, d.k, a, lda)
					impl.SgemmPackedAB(d.m, d.n, d.k, 0.5, ap, bp, beta, gotAB, ldc)
					if !slices.Equal(gotAB, got) {
						t.Errorf("%s: SgemmPackedAB differs from SgemmPackedB", name)
					}
					if d.m == 1 {
						for i := range got {
							if diff := math.Abs(float64(got[i] - want[i])); diff > 1e-5*(1+math.Abs(float64(want[i]))) {
								t.Errorf("%s: C[%d] = %v, Sgemm's %v", name, i, got[i], want[i])
								break
							}
						}
					} else if !slices.Equal(got, want) {
						t.Errorf("%s: SgemmPackedB differs from Sgemm", name)
					}
				}
			}
		}
	}
}

// TestSgemmPackedBPanics: the argument checks of Sgemm, and k beyond one
// packed block.
func TestSgemmPackedBPanics(t *testing.T) {
	impl := Implementation{}
	for name, f := range map[string]func(){
		"k > MaxPackedDepth": func() {
			k := MaxPackedDepth + 1
			impl.SgemmPackedB(blas.NoTrans, 1, 1, k, 1, make([]float32, k), k, make([]float32, PackedBLen(k, 1)), 0, make([]float32, 1), 1)
		},
		"short B": func() {
			impl.SgemmPackedB(blas.NoTrans, 2, 20, 3, 1, make([]float32, 6), 3, make([]float32, 60), 0, make([]float32, 40), 20)
		},
		"negative m": func() {
			impl.SgemmPackedB(blas.NoTrans, -1, 1, 1, 1, nil, 1, nil, 0, nil, 1)
		},
		"PackA, k > MaxPackedDepth": func() {
			k := MaxPackedDepth + 1
			impl.PackA(make([]float32, PackedALen(1, k)), blas.NoTrans, 1, k, make([]float32, k), k)
		},
		"PackA, short destination": func() {
			impl.PackA(make([]float32, 17), blas.NoTrans, 2, 3, make([]float32, 6), 3)
		},
		"SgemmPackedAB, short A": func() {
			impl.SgemmPackedAB(7, 16, 3, 1, make([]float32, PackedALen(6, 3)), make([]float32, PackedBLen(3, 16)), 0, make([]float32, 7*16), 16)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
