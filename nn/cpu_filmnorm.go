package nn

import "math"

// filmGroupNormer is a backend that computes GroupNorm(FiLM(h)) in one
// layer, without storing FiLM's output: the inference pass of a ResBlock
// uses it when its backend has it (the CPU backends do) and runs the two
// layers otherwise.
type filmGroupNormer interface {
	// FiLMGroupNorm writes to y what GroupNorm(y, FiLM(h, ss), gamma,
	// beta, ·, eps, silu) would, with groups groups, up to rounding: the
	// statistics are those of FiLM's output, computed from h's.
	FiLMGroupNorm(y, h, ss, gamma, beta *Tensor, groups int, eps float32, silu bool)
}

// FiLMGroupNorm is GroupNorm after FiLM in the passes of GroupNorm alone.
// FiLM maps channel c of a sample to z = s·h + t (s = 1 + scale), so with
// m and D the mean and the sum of squared deviations of h over the HW
// values of channel c, z has mean s·m + t and squared deviations s²·D
// there; the group's mean μ is the mean of the channel means, and its
// variance, by the law of total variance, the mean over its channels of
// s²·D/HW + (s·m + t − μ)². Normalising and the affine map then fold into
// one affine map of h per channel: y = h·(sγr) + ((t − μ)γr + β), r the
// reciprocal standard deviation. Both sums over a channel are the same
// float32 vector sums GroupNorm uses, combined in float64.
func (c *cpuBackend) FiLMGroupNorm(y, h, ss, gamma, beta *Tensor, G int, eps float32, silu bool) {
	B, C := h.Shape[0], h.Shape[1]
	HW := h.Len() / (B * C)
	cpg := C / G
	hd, yd, sd, gd, bd := h.Data, y.Data, ss.Data, gamma.Data, beta.Data
	parallelFor(B*G, grainFor(cpg*HW), func(lo, hi int) {
		// Per channel of the group: s, and z's channel mean s·m + t.
		var buf [2 * 64]float64
		sm := buf[:]
		if 2*cpg > len(sm) {
			sm = make([]float64, 2*cpg)
		}
		for i := lo; i < hi; i++ {
			b, g := i/G, i%G
			base := (b*C + g*cpg) * HW
			var sumM, sumV float64
			for k := 0; k < cpg; k++ {
				ch := g*cpg + k
				src := hd[base+k*HW:][:HW]
				m := float64(sum32(src)) / float64(HW)
				d := float64(sumSqDev(src, float32(m)))
				s := float64(1 + sd[b*2*C+ch]) // rounded as FiLM rounds it
				mz := s*m + float64(sd[b*2*C+C+ch])
				sm[2*k], sm[2*k+1] = s, mz
				sumM += mz
				sumV += s * s * d / float64(HW)
			}
			mu := sumM / float64(cpg)
			for k := 0; k < cpg; k++ {
				dm := sm[2*k+1] - mu
				sumV += dm * dm
			}
			r := 1 / math.Sqrt(sumV/float64(cpg)+float64(eps))
			for k := 0; k < cpg; k++ {
				ch := g*cpg + k
				gr := float64(gd[ch]) * r
				t := float64(sd[b*2*C+C+ch])
				a := float32(sm[2*k] * gr)
				sh := float32((t-mu)*gr + float64(bd[ch]))
				src := hd[base+k*HW:][:HW]
				dst := yd[base+k*HW:][:HW]
				if silu {
					siluAffine(dst, src, a, sh)
				} else {
					affine(dst, src, a, sh)
				}
			}
		}
	})
}
