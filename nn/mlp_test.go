package nn

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// refMLP is MLP.Forward by the definitions, in float64.
func refMLP(p map[string][]float64, x, t []float64, B int, c MLPConfig) []float64 {
	c = c.WithDefaults()
	emb := refEmbedding(t, c.TimeDim)
	in := make([]float64, 0, B*(c.Dim+c.TimeDim))
	for b := range B {
		in = append(in, x[b*c.Dim:(b+1)*c.Dim]...)
		in = append(in, emb[b*c.TimeDim:(b+1)*c.TimeDim]...)
	}
	h, w := in, c.Dim+c.TimeDim
	for k := 0; k <= c.Layers; k++ {
		out := c.Hidden
		if k == c.Layers {
			out = c.Dim
		}
		pre := "layers." + strconv.Itoa(2*k)
		h = refLinear(h, p[pre+".weight"], p[pre+".bias"], B, w, out)
		if k < c.Layers {
			h = mapVec(h, refSiLU)
		}
		w = out
	}
	return h
}

func TestMLPGradient(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		const B = 3
		cfg := MLPConfig{Dim: 2, Hidden: 6, Layers: 2, TimeDim: 4, Backend: bk}
		rng := newRand(21)
		m := NewMLP(cfg, rng)
		x := randTensor(rng, 1, B, 2, 1, 1)
		ts := []float64{0.1, 0.5, 0.9}
		v := NewTensor(x.Shape...)
		m.Forward(v, x, ts)
		ref := map[string][]float64{}
		for _, p := range m.Params() {
			ref[p.Name] = f64(p.Value.Data)
		}
		xr := f64(x.Data)
		fwd := func() []float64 { return refMLP(ref, xr, ts, B, cfg) }
		checkClose(t, "forward", v.ToHost(), fwd(), fwdTol)
		r := randTensor(rng, 1, v.Shape...)
		dx := NewTensor(x.Shape...)
		ZeroGrad(m.Params())
		m.Backward(dx, r)
		loss := func() float64 { return dot(fwd(), r.Data) }
		for _, p := range m.Params() {
			checkGradSample(t, p.Name, p.Grad.ToHost(), ref[p.Name], loss, 1000, rng)
		}
		checkClose(t, "input", dx.ToHost(), numGrad(xr, loss), gradTol)
	})
}

func TestMLPParams(t *testing.T) {
	m := NewMLP(MLPConfig{Dim: 2}, newRand(0))
	var names []string
	for _, p := range m.Params() {
		names = append(names, p.Name)
	}
	want := []string{"layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
		"layers.4.weight", "layers.4.bias", "layers.6.weight", "layers.6.bias"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	// (2+32)·128+128 + 2·(128·128+128) + 128·2+2.
	if got, want := CountParams(m.Params()), 34*128+128+2*(128*128+128)+128*2+2; got != want {
		t.Errorf("%d parameters, want %d", got, want)
	}
	for _, c := range []MLPConfig{{}, {Dim: 2, Hidden: -1}, {Dim: 2, Layers: 100}, {Dim: 2, TimeDim: 5}} {
		if c.Validate() == nil {
			t.Errorf("%+v: Validate accepted it", c)
		}
	}
}
