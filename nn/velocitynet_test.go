package nn

import (
	"runtime"
	"testing"
)

func TestVelocityNetParamCount(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want int
	}{
		// docs/reference.md: the reference VelocityNet has 1,135,361
		// parameters, and 334,337 at half width (base 32 channels) with
		// the time embedding and MLP kept at 128.
		{Config{}, 1135361},
		{Config{Base: 32}, 334337},
	} {
		n := NewVelocityNet(c.cfg, newRand(0))
		if got := CountParams(n.Params()); got != c.want {
			t.Errorf("%+v: %d parameters, want %d", c.cfg, got, c.want)
		}
	}
}

func TestVelocityNetParamNames(t *testing.T) {
	n := NewVelocityNet(Config{}, newRand(0))
	ps := n.Params()
	// The first, a few inner and the last names of PyTorch's state_dict
	// for the reference module (torch_velocitynet.py's VelocityNet), in order.
	want := map[int]string{
		0: "time_mlp.0.weight", 1: "time_mlp.0.bias", 2: "time_mlp.2.weight", 3: "time_mlp.2.bias",
		4: "in_conv.weight", 5: "in_conv.bias", 6: "rb1.norm1.weight", 8: "rb1.conv1.weight",
		10: "rb1.film.1.weight", 11: "rb1.film.1.bias", 12: "rb1.norm2.weight", 14: "rb1.conv2.weight",
		16: "down.weight", 18: "rb2.norm1.weight", 28: "mid.norm1.weight", 38: "up.weight", 39: "up.bias",
		40: "rb3.norm1.weight", 50: "out_norm.weight", 51: "out_norm.bias", 52: "out_conv.weight", 53: "out_conv.bias",
	}
	if len(ps) != 54 {
		t.Fatalf("%d parameter tensors, want 54", len(ps))
	}
	for i, name := range want {
		if ps[i].Name != name {
			t.Errorf("Params()[%d].Name = %q, want %q", i, ps[i].Name, name)
		}
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Name] {
			t.Errorf("duplicate parameter name %q", p.Name)
		}
		seen[p.Name] = true
	}
}

// TestVelocityNetGradient checks the whole network on a tiny configuration
// (Base 4, 2 groups, TimeDim 8, 4×4 images, batch 2: 5,037 parameters) against
// the float64 reference composition of the layers: the forward pass, and
// Backward against central differences at 40 random entries of every
// parameter tensor (all entries of the smaller ones) and every input pixel.
// The layer tests check every entry of every layer's gradients; this one
// checks that the network wires them together correctly.
func TestVelocityNetGradient(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		const B, H, W = 2, 4, 4
		cfg := Config{Base: 4, TimeDim: 8, Groups: 2, Backend: bk}
		rng := newRand(8)
		n := NewVelocityNet(cfg, rng)
		ts := []float64{0.3, 0.8}
		r, dx := checkNetGradient(t, n, []int{B, 1, H, W}, ts, func(p map[string][]float64, x []float64) []float64 {
			return refVelocityNet(p, x, ts, B, H, W, cfg.Base, cfg.TimeDim, cfg.Groups)
		}, 40, rng)

		// InputGradient: the same input gradient, parameter gradients
		// untouched.
		before := n.Params()[4].Grad.Clone()
		dx2 := NewTensor(dx.Shape...)
		n.InputGradient(dx2, r)
		checkClose(t, "InputGradient", dx2.ToHost(), f64(dx.Data), 1e-6)
		checkClose(t, "grads after InputGradient", n.Params()[4].Grad.ToHost(), f64(before.Data), 0)
	})
}

// TestVelocityNetBatchResize runs one net at a batch, a larger and a smaller
// one: every result must equal a fresh computation at that batch (buffers
// are resized, not confused).
func TestVelocityNetBatchResize(t *testing.T) {
	cfg := Config{Base: 8, TimeDim: 8, Groups: 2}
	n := NewVelocityNet(cfg, newRand(9))
	rng := newRand(10)
	for _, B := range []int{2, 5, 1} {
		x := randTensor(rng, 1, B, 1, 6, 6)
		ts := make([]float64, B)
		for i := range ts {
			ts[i] = rng.Float64()
		}
		v := NewTensor(x.Shape...)
		n.Forward(v, x, ts)
		fresh := NewVelocityNet(cfg, newRand(9))
		w := NewTensor(x.Shape...)
		fresh.Forward(w, x, ts)
		v.ToHost()
		w.ToHost()
		for i := range v.Data {
			if v.Data[i] != w.Data[i] {
				t.Fatalf("batch %d: v[%d] = %g, a fresh net gives %g", B, i, v.Data[i], w.Data[i])
			}
		}
	}
}

// TestDeterminism: the output and every gradient are bit-identical across
// repeated runs and across GOMAXPROCS 1, 2 and 3, on every backend, with
// chunks of one sample so that the weight gradients are reduced from many
// partial sums. (A resumed training run must repeat an uninterrupted one
// bit for bit.)
func TestDeterminism(t *testing.T) {
	saved, savedW := colsBudget, workerColsBudget
	defer func() { colsBudget, workerColsBudget = saved, savedW }()
	colsBudget, workerColsBudget = 1, 1
	forEachBackend(t, func(t *testing.T, bk Backend) {
		run := func() []float32 {
			net := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2, Backend: bk}, newRand(40))
			rng := newRand(41)
			x := randTensor(rng, 1, 11, 1, 8, 8)
			ts := make([]float64, 11)
			for i := range ts {
				ts[i] = rng.Float64()
			}
			v := NewTensor(x.Shape...)
			net.Forward(v, x, ts)
			dx := NewTensor(x.Shape...)
			net.Backward(dx, v)
			out := append(append([]float32(nil), v.Data...), dx.Data...)
			for _, p := range net.Params() {
				out = append(out, p.Grad.Data...)
			}
			return out
		}
		want := run()
		for _, procs := range []int{2, 1, 3, 2} {
			old := runtime.GOMAXPROCS(procs)
			got, again := run(), run()
			runtime.GOMAXPROCS(old)
			sameAcrossProcs(t, procs, want, got, again)
		}
	})
}
