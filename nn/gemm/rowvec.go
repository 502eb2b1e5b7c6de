// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

// Products with a single row of C (m = 1, like the output convolution of
// the flow-matching network, 64 channels to 1) use every element of B once,
// so packing B would only copy it. They read op(A), a row of k values, and
// B in place instead: C = alpha*a*op(B) + beta*C is a vector-matrix product
// (B not transposed: rows of B scaled and summed) or n dot products (B
// transposed: each row of the stored Bᵀ against a).

// rowvecChunkCols and rowvecChunkRows are the granules a single-row product
// is cut into: the 64 columns one vecMat64 call covers, or the 4 rows of
// one dot4 call.
const (
	rowvecChunkCols = 64
	rowvecChunkRows = 4
)

// rowvecChunk computes columns [j0, j0+cols) of the single-row product into
// C, using sums (cols values) as scratch. a is op(A) as a contiguous row.
func (j *job) rowvecChunk(sums, a []float32, j0, cols int) {
	sums = sums[:cols]
	if !j.bTrans {
		// sums[j] = Σ_p a[p]·B[p, j0+j]: scale and add rows of B.
		b := j.b[j0:]
		done := 0
		if !j.pureGo {
			done = vecMatAsm(sums, a, b, j.ldb, j.k, cols)
		}
		rest := sums[done:]
		clear(rest)
		for p, ap := range a[:j.k] {
			row := b[p*j.ldb+done:][:len(rest)]
			for jj, v := range row {
				rest[jj] += ap * v
			}
		}
	} else {
		// sums[j] = Σ_p a[p]·Bᵀ[j0+j, p]: dot products with rows of Bᵀ.
		b := j.b[j0*j.ldb:]
		done := 0
		if !j.pureGo {
			done = dotRowsAsm(sums, a, b, j.ldb, j.k, cols)
		}
		for r := done; r < cols; r++ {
			row := b[r*j.ldb:][:j.k]
			var s float32
			for p, v := range row {
				s += a[p] * v
			}
			sums[r] = s
		}
	}
	c := j.c[j0:][:cols]
	if j.beta == 0 {
		for jj, s := range sums {
			c[jj] = j.alpha * s
		}
		return
	}
	for jj, s := range sums {
		c[jj] = j.alpha*s + j.beta*c[jj]
	}
}
