package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// wino4Tol is the tolerance of F(4×4, 3×3) against the float64 direct
// convolution, relative to the largest output as in checkClose. Its
// transforms multiply by up to 8 (Aᵀ) and 5 (Bᵀ), and the float32 error
// grows with them: TestWinogradError measured, relative to the largest
// output, 2.6e-7 to 5.0e-7 for F(2×2) and 4.6e-6 to 7.5e-6 for F(4×4)
// (about 15 times as much) on unit-variance inputs with the layers'
// Kaiming-uniform weights, 32 to 128 channels at 28×28, 14×14 and 7×7.
// 1e-4, the value of fwdTol, leaves a margin of 13 above that; an indexing
// or padding mistake moves outputs by O(1) of the scale.
const wino4Tol = 1e-4

// winogradCase draws the input, bias and weights of a same-size 3×3
// convolution test: x of unit variance, weights and bias of scale ws. With
// flip, w is stored [Cin][Cout][3][3] and applied as rot180(w[i][o]), and
// wf is that forward kernel [Cout][Cin][3][3] for the reference.
func winogradCase(rng *rand.Rand, B, Cin, Cout, H, W int, ws float64, flip bool) (x, w, wf, bias *Tensor) {
	x = randTensor(rng, 1, B, Cin, H, W)
	bias = randTensor(rng, ws, Cout)
	if !flip {
		w = randTensor(rng, ws, Cout, Cin, 3, 3)
		return x, w, w, bias
	}
	w = randTensor(rng, ws, Cin, Cout, 3, 3)
	wf = NewTensor(Cout, Cin, 3, 3)
	for o := 0; o < Cout; o++ {
		for i := 0; i < Cin; i++ {
			for j := 0; j < 9; j++ {
				wf.Data[(o*Cin+i)*9+j] = w.Data[(i*Cout+o)*9+8-j]
			}
		}
	}
	return x, w, wf, bias
}

// runWinograd4 transforms w (flipped or not) and runs c.winograd4.
func runWinograd4(c *cpuBackend, y, x, w, bias *Tensor, B, Cin, Cout, H, W int, flip bool) {
	u := make([]float32, 36*Cout*Cin)
	if flip {
		winograd4Weights(u, w.Data, Cin, Cout, true)
	} else {
		winograd4Weights(u, w.Data, Cout, Cin, false)
	}
	c.winograd4(y.Data, x.Data, u, bias.Data, nil, B, Cin, Cout, H, W)
}

// TestWinograd4 runs the F(4×4, 3×3) convolution directly, for widths
// that put 1, 2, 4 and 8 planes side by side, heights that are and are not
// multiples of 4, batches that leave a side-by-side group short, and both
// weight orientations, against the float64 direct convolution.
func TestWinograd4(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		c, ok := bk.(*cpuBackend)
		if !ok {
			t.Skip("the Winograd path is the CPU backend's")
		}
		withColsBudget(t, func(t *testing.T) {
			for _, s := range []struct{ B, Cin, Cout, H, W int }{
				{3, 3, 2, 7, 7},   // 4 side by side, one short group
				{5, 2, 3, 14, 14}, // 2 side by side, one short group
				{2, 2, 2, 28, 28}, // one plane a row, 7 of 8 tiles kept
				{9, 2, 2, 5, 5},   // 4 side by side (S = 8)
				{9, 1, 2, 3, 3},   // 8 side by side (S = 4)
				{3, 2, 2, 9, 9},   // 8 side by side (S = 12): 24 tiles
				{1, 2, 2, 6, 7},
				{2, 2, 2, 7, 4},
				{2, 3, 2, 4, 6},
				{2, 2, 3, 13, 10},
				{3, 2, 2, 1, 1},
				{2, 2, 2, 5, 16}, // four quads a row: one transpose
				{1, 2, 3, 4, 33}, // eight quads and one column
			} {
				t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
					for _, flip := range []bool{false, true} {
						rng := newRand(12)
						x, w, wf, bias := winogradCase(rng, s.B, s.Cin, s.Cout, s.H, s.W, 1, flip)
						y := NewTensor(s.B, s.Cout, s.H, s.W)
						for i := range y.Data {
							y.Data[i] = 1e30 // every output must be written
						}
						runWinograd4(c, y, x, w, bias, s.B, s.Cin, s.Cout, s.H, s.W, flip)
						want, _, _ := refConv2d(f64(x.Data), f64(wf.Data), f64(bias.Data), s.B, s.Cin, s.H, s.W, s.Cout, 3, 1, 1)
						checkClose(t, fmt.Sprintf("flip=%v", flip), y.Data, want, wino4Tol)
					}
				})
			}
		})
	})
}

// TestWinogradError measures the float32 error of both Winograd
// convolutions against the float64 direct one on the shapes of the
// networks (unit-variance inputs, the layers' Kaiming-uniform weights
// U(±1/√(9·Cin)) and bias), relative to the largest output, and checks it
// against the tolerances (the measured values are quoted at wino4Tol).
func TestWinogradError(t *testing.T) {
	if testing.Short() {
		t.Skip("float64 reference convolutions of 64–128 channels")
	}
	// The CPU backend's own, whatever the default is under the build
	// tags (devsim, openblas).
	b, err := GetBackend("cpu")
	if err != nil {
		t.Fatal(err)
	}
	c := b.(*cpuBackend)
	for _, s := range []struct{ B, Cin, Cout, H int }{
		{2, 32, 32, 28}, {2, 64, 64, 28}, {4, 64, 64, 14}, {4, 128, 128, 14}, {8, 128, 128, 7},
	} {
		rng := newRand(13)
		x := randTensor(rng, 1, s.B, s.Cin, s.H, s.H)
		w, bias := NewTensor(s.Cout, s.Cin, 3, 3), NewTensor(s.Cout)
		initKaiming(w, bias, 9*s.Cin, rng)
		want, _, _ := refConv2d(f64(x.Data), f64(w.Data), f64(bias.Data), s.B, s.Cin, s.H, s.H, s.Cout, 3, 1, 1)
		y2, y4 := NewTensor(s.B, s.Cout, s.H, s.H), NewTensor(s.B, s.Cout, s.H, s.H)
		u2 := make([]float32, 16*s.Cout*s.Cin)
		winogradWeights(u2, w.Data, s.Cout, s.Cin, false)
		c.winograd(y2.Data, x.Data, u2, bias.Data, s.B, s.Cin, s.Cout, s.H, s.H)
		runWinograd4(c, y4, x, w, bias, s.B, s.Cin, s.Cout, s.H, s.H, false)
		e2, e4 := relMaxErr(y2.Data, want), relMaxErr(y4.Data, want)
		t.Logf("%dx%d %d→%d: max error / max |y|: F(2×2) %.2g, F(4×4) %.2g", s.H, s.H, s.Cin, s.Cout, e2, e4)
		if e2 > fwdTol || e4 > wino4Tol {
			t.Errorf("%dx%d %d→%d: errors %.3g (F(2×2), tol %g), %.3g (F(4×4), tol %g)", s.H, s.H, s.Cin, s.Cout, e2, fwdTol, e4, wino4Tol)
		}
	}
}

// relMaxErr is max_i |got_i − want_i| / max_i |want_i|, checkClose's measure.
func relMaxErr(got []float32, want []float64) float64 {
	var e, scale float64
	for i, w := range want {
		e = math.Max(e, math.Abs(float64(got[i])-w))
		scale = math.Max(scale, math.Abs(w))
	}
	return e / scale
}

// TestWinograd4Side checks the side-by-side layout: whole eight-tile
// vectors, and at least one zero column after each plane.
func TestWinograd4Side(t *testing.T) {
	for W, want := range map[int][2]int{28: {1, 32}, 14: {2, 16}, 7: {4, 8}, 5: {4, 8}, 3: {8, 4}, 1: {8, 4}, 9: {8, 12}, 12: {2, 16}, 31: {1, 32}, 32: {8, 36}} {
		k, S := winograd4Side(W)
		if k != want[0] || S != want[1] {
			t.Errorf("winograd4Side(%d) = %d, %d, want %d, %d", W, k, S, want[0], want[1])
		}
		if k*S/4%8 != 0 || S < W+1 || S%4 != 0 {
			t.Errorf("width %d: %d planes at stride %d", W, k, S)
		}
	}
}

// TestWinograd4Rows: the assembly tile-row transforms give exactly the Go
// versions' results (same operations in the same order).
func TestWinograd4Rows(t *testing.T) {
	rng := newRand(22)
	for _, n := range []int{8, 16, 24} {
		const vstride, rs, we = 40, 140, 33
		src := make([]float32, 5*rs+3*we+n)
		for i := range src {
			src[i] = float32(rng.NormFloat64())
		}
		v1 := make([]float32, 35*vstride+n)
		v2 := make([]float32, len(v1))
		old := setAsm(true)
		wg4InputRow(v1, vstride, src, rs, we, n)
		setAsm(false)
		wg4InputRow(v2, vstride, src, rs, we, n)
		setAsm(old)
		for i := range v1 {
			if v1[i] != v2[i] {
				t.Fatalf("input n=%d: v[%d] = %g (asm), %g (Go)", n, i, v1[i], v2[i])
			}
		}
		g1 := make([]float32, 35*vstride+n)
		g2 := make([]float32, len(g1))
		setAsm(true)
		wg4GradOutRow(g1, vstride, src, rs, we, n)
		setAsm(false)
		wg4GradOutRow(g2, vstride, src, rs, we, n)
		setAsm(old)
		for i := range g1 {
			if g1[i] != g2[i] {
				t.Fatalf("output gradient n=%d: m[%d] = %g (asm), %g (Go)", n, i, g1[i], g2[i])
			}
		}
		m := make([]float32, 35*vstride+n)
		for i := range m {
			m[i] = float32(rng.NormFloat64())
		}
		const ow = 4*24 + 5
		o1, o2 := make([]float32, 3*ow+4*n), make([]float32, 3*ow+4*n)
		setAsm(true)
		wg4OutputRow(o1, ow, m, vstride, 0.25, n)
		setAsm(false)
		wg4OutputRow(o2, ow, m, vstride, 0.25, n)
		setAsm(old)
		for i := range o1 {
			if o1[i] != o2[i] {
				t.Fatalf("output n=%d: out[%d] = %g (asm), %g (Go)", n, i, o1[i], o2[i])
			}
		}
	}
}

// TestWinograd4Output7: the direct output transform of 28-column planes,
// assembly against Go, with and without the residual, on rows wider than
// 28 (whose columns past 28 must stay as they were).
func TestWinograd4Output7(t *testing.T) {
	rng := newRand(23)
	const n, mstride, ow = 3, 8*3 + 5, 31
	m := randTensor(rng, 1, 35*mstride+8*n).Data
	res := randTensor(rng, 1, 4*n*ow).Data
	init := randTensor(rng, 1, 4*n*ow).Data
	for _, r := range [][]float32{nil, res} {
		o1, o2 := slices.Clone(init), slices.Clone(init)
		old := setAsm(true)
		wg4Output7(o1, ow, m, mstride, 0.25, r, n)
		setAsm(false)
		wg4Output7(o2, ow, m, mstride, 0.25, r, n)
		setAsm(old)
		if !slices.Equal(o1, o2) {
			t.Errorf("residual %v: the assembly's rows differ from the Go ones", r != nil)
		}
		for i := range o2 {
			if i%ow >= 28 && o2[i] != init[i] {
				t.Fatalf("residual %v: out[%d] past the 28 columns was written", r != nil, i)
			}
		}
	}
}

// TestConvAlgorithm pins convAlgorithm's choices: the measured ones of
// docs/benchmarks.md at batch 64, small batches (where side-by-side groups
// would be mostly empty), and the layer cases that test each algorithm
// through Conv2d (convCases).
func TestConvAlgorithm(t *testing.T) {
	for _, c := range []struct {
		B, Cin, Cout, H, W int
		want               convAlg
	}{
		{64, 1, 32, 28, 28, convIm2col},
		{64, 32, 1, 28, 28, convIm2col},
		{64, 8, 8, 28, 28, convIm2col},
		{64, 32, 32, 28, 28, convWinograd4},
		{64, 64, 64, 14, 14, convWinograd4},
		{64, 128, 128, 7, 7, convWinograd4},
		{64, 128, 128, 6, 6, convWinograd4},
		{64, 128, 128, 5, 5, convWinograd2}, // 144 products per plane each
		{64, 128, 128, 4, 4, convWinograd4},
		{64, 128, 128, 3, 3, convWinograd4},
		{64, 128, 128, 2, 2, convIm2col}, // 36 products per plane each
		{1, 128, 128, 7, 7, convIm2col},  // 3 of F(4×4)'s 4 planes empty
		{1, 64, 64, 28, 28, convWinograd4},
		{4, 16, 16, 2, 3, convWinograd2},
		{3, 16, 16, 3, 5, convWinograd4},
	} {
		g := geom{C: c.Cin, H: c.H, W: c.W, KH: 3, KW: 3, Stride: 1, Pad: 1, OH: c.H, OW: c.W}
		if got := convAlgorithm(&g, c.Cout, c.B); got != c.want {
			t.Errorf("%+v: convAlgorithm = %d, want %d", c, got, c.want)
		}
	}
	g := geom{C: 64, H: 14, W: 14, KH: 3, KW: 3, Stride: 2, Pad: 1, OH: 7, OW: 7}
	if got := convAlgorithm(&g, 64, 64); got != convIm2col {
		t.Errorf("stride 2: convAlgorithm = %d, want im2col", got)
	}
}

// TestWinograd4Split checks the phase split and the row copies of the
// assembly against their Go versions on whole buffers, so that a write to
// a border or gap the Go code leaves alone fails too.
func TestWinograd4Split(t *testing.T) {
	rng := newRand(17)
	for W := 1; W <= 40; W++ {
		for _, H := range []int{1, 3, 7} {
			we := (W+3)/4 + 2
			rs := 4*we + 3
			x := randTensor(rng, 1, H, W).Data
			init := randTensor(rng, 1, (H+1)*rs).Data
			// The block split may also write zeros to the columns past W
			// of its last quads; the buffer holds zeros there.
			for r := range H {
				for c := W; c < 4*wg4SplitBlock(W); c++ {
					q, i := c/4, c%4
					j := []int{we + q, 2*we + q, 3*we + q, q + 1}[i]
					init[1+r*rs+j] = 0
				}
			}
			got, want := slices.Clone(init), slices.Clone(init)
			wg4Split(got[1:], rs, we, x, W, H)
			wg4SplitGo(want[1:], rs, we, x, W, H)
			if !slices.Equal(got, want) {
				t.Fatalf("wg4Split W=%d H=%d: the buffer differs from wg4SplitGo's", W, H)
			}
			xs := W + 5
			src := randTensor(rng, 1, H*xs).Data
			gotC, wantC := slices.Clone(init[:H*W+3]), slices.Clone(init[:H*W+3])
			wg4CopyRows(gotC, src, xs, W, H)
			wg4CopyRowsGo(wantC, src, xs, W, H)
			if !slices.Equal(gotC, wantC) {
				t.Fatalf("wg4CopyRows W=%d H=%d: the rows differ from wg4CopyRowsGo's", W, H)
			}
			res := randTensor(rng, 1, H*W).Data
			gotA, wantA := slices.Clone(init[:H*W+3]), slices.Clone(init[:H*W+3])
			wg4CopyAddRows(gotA, src, xs, res, W, H)
			wg4CopyAddRowsGo(wantA, src, xs, res, W, H)
			if !slices.Equal(gotA, wantA) {
				t.Fatalf("wg4CopyAddRows W=%d H=%d: the rows differ from wg4CopyAddRowsGo's", W, H)
			}
		}
	}
}

// TestConv2dForwardAdd: the fused residual (Conv2d.ForwardAdd) gives Forward
// followed by Add bit for bit, for shapes of every algorithm and for
// side-by-side groups with a short last one, on every backend.
func TestConv2dForwardAdd(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		withColsBudget(t, func(t *testing.T) {
			for _, s := range []struct{ B, Cin, Cout, H int }{
				{3, 16, 16, 7}, {5, 16, 32, 14}, {2, 16, 16, 28}, {2, 16, 16, 5}, {2, 1, 16, 28}, {2, 16, 1, 28},
			} {
				rng := newRand(18)
				conv := NewConv2d(s.Cin, s.Cout, 3, 1, 1, rng)
				conv.Backend = bk
				x := randTensor(rng, 1, s.B, s.Cin, s.H, s.H)
				r := randTensor(rng, 1, s.B, s.Cout, s.H, s.H)
				want, got := NewTensor(s.B, s.Cout, s.H, s.H), NewTensor(s.B, s.Cout, s.H, s.H)
				conv.Forward(want, x)
				Add{Backend: bk}.Forward(want, want, r)
				conv.ForwardAdd(got, x, r)
				if !slices.Equal(got.ToHost(), want.ToHost()) {
					t.Errorf("%+v: ForwardAdd differs from Forward and Add", s)
				}
			}
		})
	})
}

// TestWinograd4WeightGrad: the weight gradient by F(4×4, 3×3) against the
// float64 sums over the batch, on TestWinograd4's shapes (1 to 8 planes side
// by side, short groups, heights not a multiple of 4), added to what dw
// held.
func TestWinograd4WeightGrad(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		c, ok := bk.(*cpuBackend)
		if !ok {
			t.Skip("the Winograd path is the CPU backend's")
		}
		withColsBudget(t, func(t *testing.T) {
			for _, s := range []struct{ B, Cin, Cout, H, W int }{
				{3, 3, 2, 7, 7}, {5, 2, 3, 14, 14}, {2, 2, 2, 28, 28}, {9, 2, 2, 5, 5},
				{9, 1, 2, 3, 3}, {3, 2, 2, 9, 9}, {1, 2, 2, 6, 7}, {2, 3, 2, 4, 6},
				{2, 2, 3, 13, 10}, {2, 2, 2, 5, 16}, {1, 2, 3, 4, 33},
			} {
				t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
					rng := newRand(24)
					x := randTensor(rng, 1, s.B, s.Cin, s.H, s.W)
					dy := randTensor(rng, 1, s.B, s.Cout, s.H, s.W)
					dw := randTensor(rng, 1, s.Cout, s.Cin, 3, 3)
					want := f64(dw.Data)
					for b := range s.B {
						for o := range s.Cout {
							for i := range s.Cin {
								for kr := range 3 {
									for kc := range 3 {
										var sum float64
										for yy := range s.H {
											for xx := range s.W {
												r, q := yy+kr-1, xx+kc-1
												if r < 0 || r >= s.H || q < 0 || q >= s.W {
													continue
												}
												sum += float64(dy.Data[((b*s.Cout+o)*s.H+yy)*s.W+xx]) * float64(x.Data[((b*s.Cin+i)*s.H+r)*s.W+q])
											}
										}
										want[((o*s.Cin+i)*3+kr)*3+kc] += sum
									}
								}
							}
						}
					}
					c.winograd4WeightGrad(dw.Data, x.Data, dy.Data, s.B, s.Cin, s.Cout, s.H, s.W)
					checkClose(t, "dw", dw.Data, want, wino4Tol)
				})
			}
		})
	})
}
