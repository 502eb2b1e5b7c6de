package nn

import (
	"fmt"
	"slices"
	"testing"
)

// TestIm2colPhased: on the stride-2 geometries that halve the plane, the
// phase-plane im2col and col2im give what the row-at-a-time versions give,
// bit for bit: the same copies, and the same sums in the same order
// (col2im adding into a plane that already holds values, as the transposed
// convolution's bias does).
func TestIm2colPhased(t *testing.T) {
	rng := newRand(19)
	for _, s := range []struct{ H, W, K, Pad int }{
		{28, 28, 4, 1}, {14, 14, 4, 1}, {8, 6, 4, 1}, {2, 2, 4, 1}, {10, 12, 2, 0}, {6, 8, 3, 1}, {12, 10, 6, 2},
	} {
		t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
			g := geom{C: 1, H: s.H, W: s.W, KH: s.K, KW: s.K, Stride: 2, Pad: s.Pad}
			g.OH, g.OW = (s.H+2*s.Pad-s.K)/2+1, (s.W+2*s.Pad-s.K)/2+1
			if !g.phased() {
				t.Fatalf("%+v is not phased", g)
			}
			P, kk := g.OH*g.OW, s.K*s.K
			ld := P + 3
			x := randTensor(rng, 1, s.H*s.W).Data
			ph := make([]float32, s.H*s.W)
			got := randTensor(rng, 1, kk*ld).Data
			want := slices.Clone(got)
			im2col(got, ld, x, ph, &g)
			im2colStrided(want, ld, x, &g)
			if !slices.Equal(got, want) {
				t.Error("im2col differs from im2colStrided")
			}

			src := randTensor(rng, 1, kk*ld).Data
			dx := randTensor(rng, 1, s.H*s.W).Data
			dxWant := slices.Clone(dx)
			col2im(dx, slices.Clone(src), ld, ph, &g)
			col2imStrided(dxWant, slices.Clone(src), ld, &g)
			if !slices.Equal(dx, dxWant) {
				t.Error("col2im differs from col2imStrided")
			}
		})
	}
}
