package nn

import (
	"fmt"
	"testing"
)

// TestFiLMGroupNorm: the fused layer of every backend that has it against
// FiLM then GroupNorm in float64, with channel means far from zero and
// scales far from one (where the total-variance split of the statistics
// could cancel), a group of more channels than the stack buffer holds, and
// planes of one value.
func TestFiLMGroupNorm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		fg, ok := bk.(filmGroupNormer)
		if !ok {
			t.Skipf("backend %s runs FiLM and GroupNorm separately", bk.Name())
		}
		for _, silu := range []bool{false, true} {
			for _, c := range []struct {
				B, C, H, W, G int
				offset        float64
			}{{2, 6, 3, 4, 3, 1.5}, {1, 4, 5, 5, 1, 40}, {2, 4, 2, 3, 4, 0}, {1, 160, 2, 2, 1, 3}, {3, 8, 1, 1, 2, 2}} {
				t.Run(fmt.Sprintf("silu=%v/%+v", silu, c), func(t *testing.T) {
					rng := newRand(60)
					h := randTensor(rng, 2, c.B, c.C, c.H, c.W)
					// Each channel its own offset, so that the channel
					// means differ inside a group.
					for i := range h.Data {
						ch := i / (c.H * c.W) % c.C
						h.Data[i] += float32(c.offset * float64(1+ch%3))
					}
					ss := randTensor(rng, 0.8, c.B, 2*c.C)
					gamma := randTensor(rng, 0.5, c.C)
					beta := randTensor(rng, 0.5, c.C)
					for i := range gamma.Data {
						gamma.Data[i]++
					}
					y := NewTensor(h.Shape...)
					fg.FiLMGroupNorm(y, h, ss, gamma, beta, c.G, 1e-5, silu)

					hw := c.H * c.W
					z := make([]float64, len(h.Data))
					for i, v := range h.Data {
						b, ch := i/(c.C*hw), i/hw%c.C
						z[i] = float64(v)*(1+float64(ss.Data[b*2*c.C+ch])) + float64(ss.Data[b*2*c.C+c.C+ch])
					}
					want := refGroupNorm(z, f64(gamma.Data), f64(beta.Data), c.B, c.C, hw, c.G, 1e-5, silu)
					checkClose(t, "fused", y.ToHost(), want, fwdTol)

					// The two layers it replaces, for scale: the fused
					// layer should not be the less accurate.
					z32 := NewTensor(h.Shape...)
					bk.FiLM(z32, h, ss)
					y2 := NewTensor(h.Shape...)
					bk.GroupNorm(y2, z32, gamma, beta, NewTensor(c.B, c.G, 2), 1e-5, silu)
					checkClose(t, "FiLM then GroupNorm", y2.ToHost(), want, fwdTol)
				})
			}
		}
	})
}
