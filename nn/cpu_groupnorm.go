package nn

import "math"

// GroupNorm (Wu & He, "Group Normalization", ECCV 2018, eq. 1–3) with the
// biased variance, as torch.nn.GroupNorm. Statistics are accumulated in
// float64: a group holds up to 8 channels × 784 pixels, and the one-pass
// E[x²] − E[x]² is exact enough in float64 for any activation range a network
// produces, while saving a second pass over the group.
//
// Work is spread over the (sample, group) pairs; the optional SiLU is fused
// into the same pass so that the normalised values are never stored.

func (c *cpuBackend) GroupNorm(y, x, gamma, beta, stats *Tensor, eps float32, silu bool) {
	B, C := x.Shape[0], x.Shape[1]
	G := stats.Shape[1]
	HW := x.Len() / (B * C)
	cpg := C / G
	n := cpg * HW
	xd, yd, gd, bd, sd := x.Data, y.Data, gamma.Data, beta.Data, stats.Data
	parallelFor(B*G, grainFor(n), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b, g := i/G, i%G
			base := (b*C + g*cpg) * HW
			xs := xd[base : base+n]
			var s, ss float64
			for _, v := range xs {
				f := float64(v)
				s += f
				ss += f * f
			}
			mean := s / float64(n)
			variance := max(ss/float64(n)-mean*mean, 0)
			rstd := 1 / math.Sqrt(variance+float64(eps))
			sd[2*i], sd[2*i+1] = float32(mean), float32(rstd)
			for k := 0; k < cpg; k++ {
				ch := g*cpg + k
				a := float32(float64(gd[ch]) * rstd)
				sh := float32(float64(bd[ch]) - mean*float64(gd[ch])*rstd)
				src := xs[k*HW : (k+1)*HW]
				dst := yd[base+k*HW : base+(k+1)*HW]
				if silu {
					for p, v := range src {
						z := v*a + sh
						dst[p] = z * sigmoid(z)
					}
				} else {
					for p, v := range src {
						dst[p] = v*a + sh
					}
				}
			}
		}
	})
}

// GroupNormBackward: with x̂ = (x − μ)·r, z = γ·x̂ + β and dz the gradient at
// z (through SiLU when fused), dγ = Σ dz·x̂, dβ = Σ dz, and with g = γ·dz,
// dx = r·(g − mean(g) − x̂·mean(g·x̂)), the means taken over the group. The
// first pass stores dz in dx (dx may alias dy: each element is read before
// it is written) and the second turns it into dx.
func (c *cpuBackend) GroupNormBackward(dx, dgamma, dbeta, dy, x, gamma, beta, stats *Tensor, silu bool) {
	B, C := x.Shape[0], x.Shape[1]
	G := stats.Shape[1]
	HW := x.Len() / (B * C)
	cpg := C / G
	n := cpg * HW
	xd, dyd, gd, bd, sd := x.Data, dy.Data, gamma.Data, beta.Data, stats.Data
	// Per-(sample, channel) partial sums of dγ and dβ, reduced over samples
	// afterwards, so that the parallel loop never writes a shared value.
	part := c.pool.get(2 * B * C)
	var dzBuf []float32
	if dx == nil {
		dzBuf = c.pool.get(B * C * HW)
	}
	parallelFor(B*G, grainFor(n), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b, g := i/G, i%G
			base := (b*C + g*cpg) * HW
			mean, rstd := sd[2*i], sd[2*i+1]
			var dz []float32
			if dx != nil {
				dz = dx.Data[base : base+n]
			} else {
				dz = dzBuf[base : base+n]
			}
			var sumG, sumGX float64
			for k := 0; k < cpg; k++ {
				ch := g*cpg + k
				src := xd[base+k*HW : base+(k+1)*HW]
				gy := dyd[base+k*HW : base+(k+1)*HW]
				d := dz[k*HW : (k+1)*HW]
				gm, bt := gd[ch], bd[ch]
				var sdz, sdzx float32
				if silu {
					for p, v := range src {
						xh := (v - mean) * rstd
						z := xh*gm + bt
						s := sigmoid(z)
						t := gy[p] * s * (1 + z*(1-s))
						d[p] = t
						sdz += t
						sdzx += t * xh
					}
				} else {
					for p, v := range src {
						xh := (v - mean) * rstd
						t := gy[p]
						d[p] = t
						sdz += t
						sdzx += t * xh
					}
				}
				part[2*(b*C+ch)] = sdzx
				part[2*(b*C+ch)+1] = sdz
				sumG += float64(gm) * float64(sdz)
				sumGX += float64(gm) * float64(sdzx)
			}
			if dx == nil {
				continue
			}
			m1 := float32(sumG / float64(n))
			m2 := float32(sumGX / float64(n))
			for k := 0; k < cpg; k++ {
				gm := gd[g*cpg+k]
				src := xd[base+k*HW : base+(k+1)*HW]
				d := dz[k*HW : (k+1)*HW]
				for p, v := range src {
					xh := (v - mean) * rstd
					d[p] = rstd * (gm*d[p] - m1 - xh*m2)
				}
			}
		}
	})
	for ch := 0; ch < C; ch++ {
		var sg, sb float64
		for b := 0; b < B; b++ {
			sg += float64(part[2*(b*C+ch)])
			sb += float64(part[2*(b*C+ch)+1])
		}
		if dgamma != nil {
			dgamma.Data[ch] += float32(sg)
		}
		if dbeta != nil {
			dbeta.Data[ch] += float32(sb)
		}
	}
	c.pool.put(part)
	if dzBuf != nil {
		c.pool.put(dzBuf)
	}
}
