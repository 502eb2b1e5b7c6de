package nn

import (
	"fmt"
	"math"
	"testing"
)

// refAttnCore is Backend.Attention by its definition, in float64: for each
// sample, q, k, v [C,N] the thirds of qkv, A = softmax_rows(qᵀk/√C) and
// o[c,i] = Σ_j A[i,j]·v[c,j].
func refAttnCore(qkv []float64, B, C, N int) []float64 {
	o := make([]float64, B*C*N)
	scale := 1 / math.Sqrt(float64(C))
	row := make([]float64, N)
	for b := range B {
		x := qkv[b*3*C*N:]
		q, k, v := x[:C*N], x[C*N:2*C*N], x[2*C*N:3*C*N]
		for i := range N {
			m := math.Inf(-1)
			for j := range N {
				var s float64
				for c := range C {
					s += q[c*N+i] * k[c*N+j]
				}
				row[j] = s * scale
				m = math.Max(m, row[j])
			}
			var sum float64
			for j := range N {
				row[j] = math.Exp(row[j] - m)
				sum += row[j]
			}
			for c := range C {
				var s float64
				for j := range N {
					s += row[j] / sum * v[c*N+j]
				}
				o[(b*C+c)*N+i] = s
			}
		}
	}
	return o
}

// refAttention is the Attention block by its definition (see its doc
// comment), composed from the float64 reference layers.
func refAttention(p map[string][]float64, x []float64, B, C, H, W, G int) []float64 {
	h := refGroupNorm(x, p["norm.weight"], p["norm.bias"], B, C, H*W, G, 1e-5, false)
	qkv, _, _ := refConv2d(h, p["qkv.weight"], p["qkv.bias"], B, C, H, W, 3*C, 1, 1, 0)
	o := refAttnCore(qkv, B, C, H*W)
	y, _, _ := refConv2d(o, p["proj.weight"], p["proj.bias"], B, C, H, W, C, 1, 1, 0)
	return addVec(x, y)
}

// TestAttentionOps checks Backend.Attention (the probabilities too) and
// AttentionBackward against the float64 definition and its central
// differences.
func TestAttentionOps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		for _, c := range []struct{ B, C, N int }{{2, 4, 9}, {1, 3, 1}, {3, 2, 17}} {
			t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
				rng := newRand(61)
				qkv := randTensor(rng, 1.5, c.B, 3*c.C, c.N)
				o, p := NewTensor(c.B, c.C, c.N), NewTensor(c.B, c.N, c.N)
				scale := float32(1 / math.Sqrt(float64(c.C)))
				bk.Attention(o, p, qkv, scale)
				xr := f64(qkv.Data)
				ref := func() []float64 { return refAttnCore(xr, c.B, c.C, c.N) }
				checkClose(t, "forward", o.ToHost(), ref(), fwdTol)
				// The rows of p are probability distributions whose
				// expectation of v is o.
				pd := p.ToHost()
				for r := 0; r < c.B*c.N; r++ {
					var s float64
					for j := range c.N {
						s += float64(pd[r*c.N+j])
					}
					if !(math.Abs(s-1) <= 1e-5) {
						t.Fatalf("row %d of p sums to %g", r, s)
					}
				}
				r := randTensor(rng, 1, o.Shape...)
				dqkv := randTensor(rng, 1, qkv.Shape...) // overwritten
				bk.AttentionBackward(dqkv, r, p, qkv, scale)
				loss := func() float64 { return dot(ref(), r.Data) }
				checkClose(t, "dqkv", dqkv.ToHost(), numGrad(xr, loss), gradTol)
			})
		}
	})
}

// TestAttention checks the layer (B 2, 4 channels, 3×3, 2 groups) against
// the float64 reference: the forward pass, every parameter gradient and
// the input gradient against central differences, Backward in place, and
// the accumulation of parameter gradients.
func TestAttention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		const B, C, H, W, G = 2, 4, 3, 3, 2
		rng := newRand(62)
		a := NewAttention(C, G, rng)
		a.SetBackend(bk)
		names := []string{"norm.weight", "norm.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias"}
		ps := a.Params()
		if len(ps) != len(names) {
			t.Fatalf("%d parameters, want %d", len(ps), len(names))
		}
		ref := map[string][]float64{}
		for i, p := range ps {
			if p.Name != names[i] {
				t.Errorf("parameter %d is %s, want %s", i, p.Name, names[i])
			}
			// Non-trivial norm parameters and logits of order one.
			for j := range p.Value.Data {
				p.Value.Data[j] += float32(0.5 * rng.NormFloat64())
			}
			p.Value.HostChanged()
			ref[p.Name] = f64(p.Value.Data)
		}
		x := randTensor(rng, 2, B, C, H, W)
		for i := range x.Data {
			x.Data[i] += 0.7
		}
		y := NewTensor(x.Shape...)
		a.Forward(y, x)
		xr := f64(x.Data)
		fwd := func() []float64 { return refAttention(ref, xr, B, C, H, W, G) }
		checkClose(t, "forward", y.ToHost(), fwd(), fwdTol)

		r := randTensor(rng, 1, y.Shape...)
		dx := NewTensor(x.Shape...)
		ZeroGrad(ps)
		a.Backward(dx, r)
		loss := func() float64 { return dot(fwd(), r.Data) }
		for _, p := range ps {
			checkClose(t, p.Name, p.Grad.ToHost(), numGrad(ref[p.Name], loss), gradTol)
		}
		checkClose(t, "dx", dx.ToHost(), numGrad(xr, loss), gradTol)

		d2 := r.Clone()
		a.Backward(d2, d2)
		checkClose(t, "dx in place", d2.ToHost(), f64(dx.ToHost()), 1e-6)
		g := a.QKV.Weight.Grad.Clone()
		a.Backward(nil, r)
		gd := g.ToHost()
		for i := range gd {
			gd[i] *= 1.5
		}
		checkClose(t, "dqkv.weight accumulates", a.QKV.Weight.Grad.ToHost(), f64(gd), 1e-5)
	})
}
