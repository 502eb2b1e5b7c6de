package nn

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Each layer test: a random layer and input, the float32 forward compared with
// the float64 reference, then Backward with dy = r for a random r compared
// with the central differences of L = Σ r·y_ref for every parameter and
// input entry.

func TestLinear(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		rng := newRand(1)
		B, in, out := 3, 5, 4
		l := NewLinear(in, out, rng)
		l.Backend = bk
		x := randTensor(rng, 1, B, in)
		y := NewTensor(B, out)
		l.Forward(y, x)
		xr, wr, br := f64(x.Data), f64(l.Weight.Value.Data), f64(l.Bias.Value.Data)
		checkClose(t, "forward", y.ToHost(), refLinear(xr, wr, br, B, in, out), fwdTol)

		r := randTensor(rng, 1, B, out)
		dx := NewTensor(B, in)
		l.Backward(dx, r)
		loss := func() float64 { return dot(refLinear(xr, wr, br, B, in, out), r.Data) }
		checkClose(t, "dW", l.Weight.Grad.ToHost(), numGrad(wr, loss), gradTol)
		checkClose(t, "db", l.Bias.Grad.ToHost(), numGrad(br, loss), gradTol)
		checkClose(t, "dx", dx.ToHost(), numGrad(xr, loss), gradTol)

		// Parameter gradients accumulate: a second Backward doubles them (up
		// to the rounding of the GEMM's accumulation into C).
		g0 := l.Weight.Grad.Clone()
		l.Backward(nil, r)
		checkClose(t, "dW accumulates", l.Weight.Grad.ToHost(), mapVec(f64(g0.Data), func(v float64) float64 { return 2 * v }), 1e-6)
	})
}

var convCases = []struct{ B, Cin, Cout, H, W, K, S, P int }{
	{2, 3, 4, 6, 6, 3, 1, 1},   // the ResBlock convolutions
	{2, 3, 5, 8, 8, 4, 2, 1},   // Down
	{1, 2, 3, 7, 5, 3, 2, 0},   // odd sizes, no padding
	{2, 1, 4, 5, 6, 3, 1, 1},   // InConv: one input channel
	{2, 4, 1, 5, 5, 3, 1, 1},   // OutConv: one output channel
	{1, 2, 2, 6, 7, 4, 1, 2},   // padding wider than half the kernel
	{4, 16, 16, 2, 3, 3, 1, 1}, // enough channels: Winograd F(2×2), 4 planes side by side
	{3, 16, 16, 3, 5, 3, 1, 1}, // Winograd F(4×4): 4 planes side by side, a short group
}

func TestConv2d(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		withColsBudget(t, func(t *testing.T) {
			for _, c := range convCases {
				t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
					rng := newRand(2)
					l := NewConv2d(c.Cin, c.Cout, c.K, c.S, c.P, rng)
					l.Backend = bk
					x := randTensor(rng, 1, c.B, c.Cin, c.H, c.W)
					oh, ow := l.OutSize(c.H, c.W)
					y := NewTensor(c.B, c.Cout, oh, ow)
					l.Forward(y, x)
					xr, wr, br := f64(x.Data), f64(l.Weight.Value.Data), f64(l.Bias.Value.Data)
					ref := func() []float64 {
						y, _, _ := refConv2d(xr, wr, br, c.B, c.Cin, c.H, c.W, c.Cout, c.K, c.S, c.P)
						return y
					}
					checkClose(t, "forward", y.ToHost(), ref(), fwdTol)

					r := randTensor(rng, 1, y.Shape...)
					// The fused skip connection is Forward then Add, bit
					// for bit.
					want := y.Clone()
					Add{Backend: bk}.Forward(want, want, r)
					got := NewTensor(y.Shape...)
					l.ForwardAdd(got, x, r)
					if d := cmp.Diff(want.ToHost(), got.ToHost()); d != "" {
						t.Errorf("ForwardAdd differs from Forward and Add:\n%s", d)
					}

					dx := NewTensor(x.Shape...)
					l.Backward(dx, r)
					loss := func() float64 { return dot(ref(), r.Data) }
					checkClose(t, "dW", l.Weight.Grad.ToHost(), numGrad(wr, loss), gradTol)
					checkClose(t, "db", l.Bias.Grad.ToHost(), numGrad(br, loss), gradTol)
					checkClose(t, "dx", dx.ToHost(), numGrad(xr, loss), gradTol)
				})
			}
		})
	})
}

var convTCases = []struct{ B, Cin, Cout, H, W, K, S, P int }{
	{2, 4, 3, 4, 4, 4, 2, 1}, // Up: 4×4 → 8×8
	{1, 3, 2, 3, 5, 4, 2, 1}, // rectangular
	{2, 2, 3, 4, 3, 3, 2, 0}, // odd kernel, no padding
	{1, 2, 2, 5, 5, 3, 1, 1}, // stride 1: the adjoint of a same-size conv
	{3, 2, 2, 3, 3, 4, 2, 1}, // a batch that splits unevenly over workers
}

func TestConvTranspose2d(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		withColsBudget(t, func(t *testing.T) {
			for _, c := range convTCases {
				t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
					rng := newRand(3)
					l := NewConvTranspose2d(c.Cin, c.Cout, c.K, c.S, c.P, rng)
					l.Backend = bk
					x := randTensor(rng, 1, c.B, c.Cin, c.H, c.W)
					oh, ow := l.OutSize(c.H, c.W)
					y := NewTensor(c.B, c.Cout, oh, ow)
					l.Forward(y, x)
					xr, wr, br := f64(x.Data), f64(l.Weight.Value.Data), f64(l.Bias.Value.Data)
					ref := func() []float64 {
						y, _, _ := refConvTranspose2d(xr, wr, br, c.B, c.Cin, c.H, c.W, c.Cout, c.K, c.S, c.P)
						return y
					}
					checkClose(t, "forward", y.ToHost(), ref(), fwdTol)

					r := randTensor(rng, 1, y.Shape...)
					// The fused skip connection is Forward then Add, bit
					// for bit.
					want := y.Clone()
					Add{Backend: bk}.Forward(want, want, r)
					got := NewTensor(y.Shape...)
					l.ForwardAdd(got, x, r)
					if d := cmp.Diff(want.ToHost(), got.ToHost()); d != "" {
						t.Errorf("ForwardAdd differs from Forward and Add:\n%s", d)
					}

					dx := NewTensor(x.Shape...)
					l.Backward(dx, r)
					loss := func() float64 { return dot(ref(), r.Data) }
					checkClose(t, "dW", l.Weight.Grad.ToHost(), numGrad(wr, loss), gradTol)
					checkClose(t, "db", l.Bias.Grad.ToHost(), numGrad(br, loss), gradTol)
					checkClose(t, "dx", dx.ToHost(), numGrad(xr, loss), gradTol)
				})
			}
		})
	})
}

func TestGroupNorm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		for _, silu := range []bool{false, true} {
			for _, c := range []struct{ B, C, H, W, G int }{{2, 6, 3, 4, 3}, {1, 4, 5, 5, 1}, {2, 4, 2, 3, 4}} {
				t.Run(fmt.Sprintf("silu=%v/%+v", silu, c), func(t *testing.T) {
					rng := newRand(4)
					l := NewGroupNorm(c.G, c.C)
					l.SiLU = silu
					l.Backend = bk
					// Non-trivial affine parameters, and an input with a
					// mean offset, so that every term of the backward
					// formula matters.
					for i := range l.Weight.Value.Data {
						l.Weight.Value.Data[i] = float32(1 + 0.5*rng.NormFloat64())
						l.Bias.Value.Data[i] = float32(0.5 * rng.NormFloat64())
					}
					x := randTensor(rng, 2, c.B, c.C, c.H, c.W)
					for i := range x.Data {
						x.Data[i] += 1.5
					}
					y := NewTensor(x.Shape...)
					l.Forward(y, x)
					xr, gr, br := f64(x.Data), f64(l.Weight.Value.Data), f64(l.Bias.Value.Data)
					ref := func() []float64 { return refGroupNorm(xr, gr, br, c.B, c.C, c.H*c.W, c.G, 1e-5, silu) }
					checkClose(t, "forward", y.ToHost(), ref(), fwdTol)

					r := randTensor(rng, 1, y.Shape...)
					dx := NewTensor(x.Shape...)
					l.Backward(dx, r)
					loss := func() float64 { return dot(ref(), r.Data) }
					checkClose(t, "dgamma", l.Weight.Grad.ToHost(), numGrad(gr, loss), gradTol)
					checkClose(t, "dbeta", l.Bias.Grad.ToHost(), numGrad(br, loss), gradTol)
					checkClose(t, "dx", dx.ToHost(), numGrad(xr, loss), gradTol)

					// In place (dx = dy) gives the same input gradient, and
					// without dx the parameter gradients still accumulate.
					d2 := r.Clone()
					l.Backward(d2, d2)
					checkClose(t, "dx in place", d2.ToHost(), f64(dx.Data), 1e-6)
					g := l.Weight.Grad.Clone()
					l.Backward(nil, r)
					for i := range g.Data {
						g.Data[i] *= 1.5
					}
					checkClose(t, "dgamma accumulates", l.Weight.Grad.ToHost(), f64(g.Data), 1e-5)
				})
			}
		}
	})
}

func TestSiLU(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		rng := newRand(5)
		x := randTensor(rng, 4, 3, 7)
		x.Data[0], x.Data[1], x.Data[2] = 100, -100, 0 // saturated tails and the origin
		y := NewTensor(x.Shape...)
		s := SiLU{Backend: bk}
		s.Forward(y, x)
		xr := f64(x.Data)
		ref := func() []float64 { return mapVec(xr, refSiLU) }
		checkClose(t, "forward", y.ToHost(), ref(), fwdTol)
		r := randTensor(rng, 1, x.Shape...)
		dx := NewTensor(x.Shape...)
		s.Backward(dx, r)
		loss := func() float64 { return dot(ref(), r.Data) }
		checkClose(t, "dx", dx.ToHost(), numGrad(xr, loss), gradTol)
	})
}

func TestFiLM(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		rng := newRand(6)
		B, C, H, W := 2, 3, 4, 5
		h := randTensor(rng, 1, B, C, H, W)
		ss := randTensor(rng, 1, B, 2*C)
		y := NewTensor(h.Shape...)
		f := FiLM{Backend: bk}
		f.Forward(y, h, ss)
		hr, sr := f64(h.Data), f64(ss.Data)
		ref := func() []float64 { return refFiLM(hr, sr, B, C, H*W) }
		checkClose(t, "forward", y.ToHost(), ref(), fwdTol)
		r := randTensor(rng, 1, h.Shape...)
		dh, dss := NewTensor(h.Shape...), NewTensor(ss.Shape...)
		f.Backward(dh, dss, r)
		loss := func() float64 { return dot(ref(), r.Data) }
		checkClose(t, "dh", dh.ToHost(), numGrad(hr, loss), gradTol)
		checkClose(t, "dss", dss.ToHost(), numGrad(sr, loss), gradTol)
	})
}

func TestTimeEmbedding(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		ts := []float64{0, 1e-5, 0.25, 0.5, 1 - 1e-5, 1}
		for _, D := range []int{4, 16, 128} {
			y := NewTensor(len(ts), D)
			e := TimeEmbedding{Dim: D, Backend: bk}
			e.Forward(y, ts)
			// float32 rounding of values in [−1, 1]: 6e-8.
			checkClose(t, fmt.Sprint("D=", D), y.ToHost(), refEmbedding(ts, D), 1e-7)
		}
	})
	// Independent spot values of the embedding's formula (docs/reference.md): at t = 0 the sines
	// are 0 and the cosines 1; at t = 1/4 the first frequency (f_0 = 1)
	// gives sin(π/2) = 1 and cos(π/2) = 0; the last (f_63 = 1e-4) gives
	// sin(π/2·1e-4).
	y := NewTensor(2, 128)
	(&TimeEmbedding{Dim: 128}).Forward(y, []float64{0, 0.25})
	y.ToHost()
	for i := 0; i < 64; i++ {
		if y.Data[i] != 0 || y.Data[64+i] != 1 {
			t.Fatalf("t=0: emb[%d], emb[%d] = %g, %g; want 0, 1", i, 64+i, y.Data[i], y.Data[64+i])
		}
	}
	if got := y.Data[128]; got != 1 {
		t.Errorf("t=1/4: sin(2π·t·f_0) = %g, want 1", got)
	}
	if got, want := float64(y.Data[128+63]), 1.5707963267948966e-4; abs(got-want) > 1e-10 {
		t.Errorf("t=1/4: sin(2π·t·f_63) = %g, want %g", got, want)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestAdd(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		rng := newRand(7)
		a, b := randTensor(rng, 1, 2, 3), randTensor(rng, 1, 2, 3)
		y := NewTensor(2, 3)
		Add{Backend: bk}.Forward(y, a, b)
		y.ToHost()
		for i := range y.Data {
			if y.Data[i] != a.Data[i]+b.Data[i] {
				t.Fatalf("y[%d] = %g, want %g", i, y.Data[i], a.Data[i]+b.Data[i])
			}
		}
		da, db := NewTensor(2, 3), NewTensor(2, 3)
		Add{Backend: bk}.Backward(da, db, y)
		for i := range y.Data {
			if da.Data[i] != y.Data[i] || db.Data[i] != y.Data[i] {
				t.Fatalf("Add.Backward: gradients differ from dy at %d", i)
			}
		}
		// In place, as residual connections add (y = y + x and
		// y = x + y), at lengths with and without a vector tail and
		// one long enough to be split between goroutines.
		for _, n := range []int{6, 42, 40005} {
			a, b := randTensor(rng, 1, n), randTensor(rng, 1, n)
			want := make([]float32, n)
			for i := range want {
				want[i] = a.Data[i] + b.Data[i]
			}
			for _, bIsY := range []bool{false, true} {
				y := NewTensor(n)
				copy(y.Data, a.Data)
				if bIsY {
					Add{Backend: bk}.Forward(y, b, y)
				} else {
					Add{Backend: bk}.Forward(y, y, b)
				}
				y.ToHost()
				if diff := cmp.Diff(want, y.Data); diff != "" {
					t.Fatalf("in-place Add of %d values (y is b: %v) (-want +got):\n%s", n, bIsY, diff)
				}
			}
		}
	})
}
