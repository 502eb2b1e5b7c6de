package nn

import (
	"fmt"
	"testing"
)

// TestWinograd runs the CPU backend's Winograd convolution directly, for
// every width parity (odd widths put planes side by side, 2 for a width of
// 7 and 8 for 5), batches that leave a side-by-side group short, and both
// weight orientations (a forward convolution, and the flipped one that
// maps an output gradient to an input gradient), against the float64
// direct convolution.
func TestWinograd(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		c, ok := bk.(*cpuBackend)
		if !ok {
			t.Skip("the Winograd path is the CPU backend's")
		}
		withColsBudget(t, func(t *testing.T) {
			for _, s := range []struct{ B, Cin, Cout, H, W int }{
				{3, 3, 2, 7, 7}, // the U-Net's lowest level: 2 side by side, a short group
				{2, 2, 3, 7, 7},
				{5, 2, 2, 5, 5}, // 8 side by side, one short group
				{9, 1, 2, 3, 3}, // 4 side by side
				{1, 2, 2, 6, 7}, // even height, odd width
				{2, 2, 2, 7, 4}, // odd height, even width
				{2, 3, 2, 4, 6},
				{3, 2, 2, 1, 1},
			} {
				t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
					for _, flip := range []bool{false, true} {
						rng := newRand(11)
						x := randTensor(rng, 1, s.B, s.Cin, s.H, s.W)
						bias := randTensor(rng, 0.1, s.Cout)
						// w is [Cout][Cin][3][3] forward; flipped, it is
						// stored [Cin][Cout][3][3] and applied as
						// rot180(w[i][o]).
						var w, wf *Tensor
						if flip {
							w = randTensor(rng, 1, s.Cin, s.Cout, 3, 3)
							wf = NewTensor(s.Cout, s.Cin, 3, 3)
							for o := 0; o < s.Cout; o++ {
								for i := 0; i < s.Cin; i++ {
									for j := 0; j < 9; j++ {
										wf.Data[(o*s.Cin+i)*9+j] = w.Data[(i*s.Cout+o)*9+8-j]
									}
								}
							}
						} else {
							w = randTensor(rng, 1, s.Cout, s.Cin, 3, 3)
							wf = w
						}
						u := make([]float32, 16*s.Cout*s.Cin)
						if flip {
							winogradWeights(u, w.Data, s.Cin, s.Cout, true)
						} else {
							winogradWeights(u, w.Data, s.Cout, s.Cin, false)
						}
						y := NewTensor(s.B, s.Cout, s.H, s.W)
						for i := range y.Data {
							y.Data[i] = 1e30 // every output must be written
						}
						c.winograd(y.Data, x.Data, u, bias.Data, s.B, s.Cin, s.Cout, s.H, s.W)
						want, _, _ := refConv2d(f64(x.Data), f64(wf.Data), f64(bias.Data), s.B, s.Cin, s.H, s.W, s.Cout, 3, 1, 1)
						checkClose(t, fmt.Sprintf("flip=%v", flip), y.Data, want, fwdTol)
					}
				})
			}
		})
	})
}

// TestWinogradSide checks how many planes go side by side and that they
// fill whole eight-tile vectors.
func TestWinogradSide(t *testing.T) {
	for W, want := range map[int]int{28: 1, 14: 1, 6: 1, 7: 2, 5: 8, 3: 4, 1: 8, 15: 1, 13: 8} {
		k := winogradSide(W)
		if k != want {
			t.Errorf("winogradSide(%d) = %d, want %d", W, k, want)
		}
		if tiles := (winogradWidth(W, k) + 1) / 2; W%2 == 1 && tiles%8 != 0 {
			t.Errorf("width %d, %d side by side: %d tiles per row, not a multiple of 8", W, k, tiles)
		}
	}
}
