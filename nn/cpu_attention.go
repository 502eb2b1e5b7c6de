package nn

import "gonum.org/v1/gonum/blas"

// attentionDims returns the batch, channels and positions of an attention
// over qkv [B,3C,N...].
func attentionDims(qkv *Tensor) (B, C, N int) {
	B, C3 := qkv.Shape[0], qkv.Shape[1]
	C = C3 / 3
	if B*C3 == 0 {
		return B, C, 0
	}
	return B, C, qkv.Len() / (B * C3)
}

// perSample runs fn(g, b) for every sample b of a batch of B: in parallel
// over the samples, each with the single-threaded GEMM, when the backend has
// one and B ≥ 2; otherwise one after another with the backend's GEMM. Each
// sample's work is independent, so the results do not depend on the
// schedule.
func (c *cpuBackend) perSample(B int, fn func(g sgemmer, b int)) {
	if c.serial == nil || B < 2 {
		for b := 0; b < B; b++ {
			fn(c.gemm, b)
		}
		return
	}
	parallelFor(B, 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			fn(c.serial, b)
		}
	})
}

// softmaxRows replaces each row of s [rows, n] by its softmax: the row's
// maximum subtracted, exponentials in float32, their sum in float64.
func softmaxRows(s []float32, n int) {
	for r := 0; r+n <= len(s); r += n {
		row := s[r : r+n]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var sum float64
		for j, v := range row {
			e := expf(v - m)
			row[j] = e
			sum += float64(e)
		}
		inv := float32(1 / sum)
		for j := range row {
			row[j] *= inv
		}
	}
}

// softmaxRowsBackward overwrites each row of dp [rows, n] with the gradient
// at the softmax's input, p·(dp − Σ p·dp), the sum in float64.
func softmaxRowsBackward(dp, p []float32, n int) {
	for r := 0; r+n <= len(p); r += n {
		pr, dr := p[r:r+n], dp[r:r+n]
		var s float64
		for j, v := range pr {
			s += float64(v) * float64(dr[j])
		}
		sf := float32(s)
		for j, v := range pr {
			dr[j] = v * (dr[j] - sf)
		}
	}
}

// thirds returns the three consecutive blocks of n values (q, k and v, or
// their gradients) of sample b of a [B,3C,N] tensor's data, n = C·N.
func thirds(data []float32, b, n int) (q, k, v []float32) {
	x := data[3*b*n : 3*(b+1)*n]
	return x[:n], x[n : 2*n], x[2*n:]
}

// Attention, per sample with q, k, v [C,N] the thirds of qkv:
// p = softmax_rows(scale·qᵀk) [N,N] and o = v·pᵀ [C,N].
func (c *cpuBackend) Attention(o, p, qkv *Tensor, scale float32) {
	B, C, N := attentionDims(qkv)
	if N == 0 || C == 0 {
		return
	}
	c.perSample(B, func(g sgemmer, b int) {
		q, k, v := thirds(qkv.Data, b, C*N)
		pb := p.Data[b*N*N : (b+1)*N*N]
		g.Sgemm(blas.Trans, blas.NoTrans, N, N, C, scale, q, N, k, N, 0, pb, N)
		softmaxRows(pb, N)
		g.Sgemm(blas.NoTrans, blas.Trans, C, N, N, 1, v, N, pb, N, 0, o.Data[b*C*N:(b+1)*C*N], N)
	})
}

// AttentionBackward, per sample: dv = do·p, dp = doᵀ·v, ds = the softmax's
// backward of dp, dq = scale·k·dsᵀ and dk = scale·q·ds.
func (c *cpuBackend) AttentionBackward(dqkv, do, p, qkv *Tensor, scale float32) {
	B, C, N := attentionDims(qkv)
	if N == 0 || C == 0 {
		return
	}
	c.perSample(B, func(g sgemmer, b int) {
		q, k, v := thirds(qkv.Data, b, C*N)
		dq, dk, dv := thirds(dqkv.Data, b, C*N)
		pb := p.Data[b*N*N : (b+1)*N*N]
		dob := do.Data[b*C*N : (b+1)*C*N]
		ds := c.pool.get(N * N)
		defer c.pool.put(ds)
		g.Sgemm(blas.NoTrans, blas.NoTrans, C, N, N, 1, dob, N, pb, N, 0, dv, N)
		g.Sgemm(blas.Trans, blas.NoTrans, N, N, C, 1, dob, N, v, N, 0, ds, N)
		softmaxRowsBackward(ds, pb, N)
		g.Sgemm(blas.NoTrans, blas.Trans, C, N, N, scale, k, N, ds, N, 0, dq, N)
		g.Sgemm(blas.NoTrans, blas.NoTrans, C, N, N, scale, q, N, ds, N, 0, dk, N)
	})
}
