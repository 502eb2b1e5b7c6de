package nn

import "math"

// GroupNorm (Wu & He, "Group Normalization", ECCV 2018, eq. 1–3) with the
// biased variance, as torch.nn.GroupNorm.
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
			// Two passes (mean, then squared deviations), each a float32
			// vector sum over one channel plane combined in float64.
			var s float64
			for k := 0; k < cpg; k++ {
				s += float64(sum32(xd[base+k*HW : base+(k+1)*HW]))
			}
			mean := s / float64(n)
			var ss float64
			for k := 0; k < cpg; k++ {
				ss += float64(sumSqDev(xd[base+k*HW:base+(k+1)*HW], float32(mean)))
			}
			rstd := 1 / math.Sqrt(ss/float64(n)+float64(eps))
			sd[2*i], sd[2*i+1] = float32(mean), float32(rstd)
			for k := 0; k < cpg; k++ {
				ch := g*cpg + k
				a := float32(float64(gd[ch]) * rstd)
				sh := float32(float64(bd[ch]) - mean*float64(gd[ch])*rstd)
				src := xd[base+k*HW : base+(k+1)*HW]
				dst := yd[base+k*HW : base+(k+1)*HW]
				if silu {
					siluAffine(dst, src, a, sh)
				} else {
					affine(dst, src, a, sh)
				}
			}
		}
	})
}

// GroupNormBackward: with x̂ = (x − μ)·r, z = γ·x̂ + β and dz the gradient at
// z (through SiLU when fused), dγ = Σ dz·x̂, dβ = Σ dz, and with g = γ·dz,
// dx = r·(g − mean(g) − x̂·mean(g·x̂)), the means taken over the group. The
// first pass stores dz in dx (dx may alias dy: each element is read before
// it is written) and the second turns it into dx, as
// dx = (rγ)·dz − (r²·mean(g·x̂))·x + (r²μ·mean(g·x̂) − r·mean(g)).
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
	parallelFor(B*G, grainFor(n), func(lo, hi int) {
		// Without dx, dz only feeds the sums: one channel's worth of
		// scratch, reused, is enough.
		var tmp []float32
		if dx == nil {
			tmp = c.pool.get(HW)
			defer c.pool.put(tmp)
		}
		for i := lo; i < hi; i++ {
			b, g := i/G, i%G
			base := (b*C + g*cpg) * HW
			mean, rstd := sd[2*i], sd[2*i+1]
			var dz []float32
			if dx != nil {
				dz = dx.Data[base : base+n]
			}
			var sumG, sumGX float64
			for k := 0; k < cpg; k++ {
				ch := g*cpg + k
				src := xd[base+k*HW : base+(k+1)*HW]
				gy := dyd[base+k*HW : base+(k+1)*HW]
				d := tmp
				if dx != nil {
					d = dz[k*HW : (k+1)*HW]
				}
				var sdz, sdzx float32
				if silu {
					sdz, sdzx = gnSiluBwd(d, src, gy, mean, rstd, gd[ch], bd[ch])
				} else {
					copy(d, gy)
					sdz, sdzx = dotSum(gy, src)
					// Σdy·x̂ = r·(Σdy·x − μ·Σdy)
					sdzx = rstd * (sdzx - mean*sdz)
				}
				part[2*(b*C+ch)] = sdzx
				part[2*(b*C+ch)+1] = sdz
				sumG += float64(gd[ch]) * float64(sdz)
				sumGX += float64(gd[ch]) * float64(sdzx)
			}
			if dx == nil {
				continue
			}
			m1, m2 := sumG/float64(n), sumGX/float64(n)
			r := float64(rstd)
			cx := float32(-r * r * m2)
			cb := float32(r*r*float64(mean)*m2 - r*m1)
			for k := 0; k < cpg; k++ {
				axpbyz(dz[k*HW:(k+1)*HW], xd[base+k*HW:base+(k+1)*HW], rstd*gd[g*cpg+k], cx, cb)
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
}
