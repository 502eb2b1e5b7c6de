package nn

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Parity with PyTorch on the exact reference network (Base 64). The golden
// files come from testdata/torch/gen.py (PyTorch 1.13, the module in
// ../shared/bench/torch_velocitynet.py with its default initialisation).

func readGolden(t *testing.T, name string) *Safetensors {
	t.Helper()
	s, err := ReadSafetensors(filepath.Join("..", "testdata", "torch", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t *testing.T, s *Safetensors, name string) *Tensor {
	t.Helper()
	x, ok := s.Get(name)
	if !ok {
		t.Fatalf("golden tensor %q missing", name)
	}
	return x
}

// relErr returns ||a − b|| / ||b|| (Euclidean norms, in float64).
func relErr(a, b []float32) float64 {
	var d, n float64
	for i := range a {
		e := float64(a[i]) - float64(b[i])
		d += e * e
		n += float64(b[i]) * float64(b[i])
	}
	return math.Sqrt(d / n)
}

// goldenTimes returns the batch's times t as float64.
func goldenTimes(t *testing.T, batch *Safetensors) []float64 {
	t.Helper()
	tt := golden(t, batch, "t")
	ts := make([]float64, len(tt.Data))
	for i, v := range tt.Data {
		ts[i] = float64(v)
	}
	return ts
}

// checkForwardParity checks a forward pass v against PyTorch's vWant to
// 1e-4 absolute (|v| ≲ 1 here), the bound of the parity tests.
func checkForwardParity(t *testing.T, v, vWant *Tensor) {
	t.Helper()
	v.ToHost()
	var worst float64
	for i := range v.Data {
		worst = math.Max(worst, math.Abs(float64(v.Data[i]-vWant.Data[i])))
	}
	t.Logf("forward: max |v_go − v_torch| = %.3g", worst)
	if !(worst <= 1e-4) {
		t.Errorf("forward: max |v_go − v_torch| = %.3g > 1e-4", worst)
	}
}

func TestTorchParity(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		net := NewVelocityNet(Config{Backend: bk}, newRand(0))
		meta, err := net.Load(filepath.Join("..", "testdata", "torch", "velocitynet_weights.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		if meta["source"] != "testdata/torch/gen.py" {
			t.Errorf("metadata %v lacks the generator's name", meta)
		}
		batch := readGolden(t, "velocitynet_batch.safetensors")
		xt, u, vWant := golden(t, batch, "xt"), golden(t, batch, "u"), golden(t, batch, "v")
		ts := goldenTimes(t, batch)

		v := NewTensor(xt.Shape...)
		net.Forward(v, xt, ts)
		checkForwardParity(t, v, vWant)

		// The loss and its gradient, from our v, against PyTorch's.
		dv := NewTensor(v.Shape...)
		loss := referenceLoss(dv.Data, v.Data, u.Data, ts)
		dv.HostChanged()
		if lw := float64(golden(t, batch, "loss").Data[0]); !(math.Abs(loss-lw) <= 1e-5*lw) {
			t.Errorf("loss %.8g, PyTorch %.8g", loss, lw)
		}
		if e := relErr(dv.ToHost(), golden(t, batch, "dv").Data); !(e <= 1e-3) {
			t.Errorf("dL/dv: relative error %.3g", e)
		}

		// Gradients: ||g_go − g_torch|| / ||g_torch|| ≤ 1e-3 for every
		// parameter tensor and for the input (the bound; float32
		// sums over a batch differ by ~1e-6 relative between GEMMs, and
		// smooth-L1's kink can flip a pixel whose |v − u| is within
		// float32 noise of β, which the norm-relative measure absorbs).
		dx := NewTensor(xt.Shape...)
		net.ZeroGrad()
		net.Backward(dx, dv)
		grads := readGolden(t, "velocitynet_grads.safetensors")
		var worstG float64
		for _, p := range net.Params() {
			e := relErr(p.Grad.ToHost(), golden(t, grads, p.Name).Data)
			worstG = math.Max(worstG, e)
			if !(e <= 1e-3) {
				t.Errorf("%s: gradient relative error %.3g > 1e-3", p.Name, e)
			}
		}
		e := relErr(dx.ToHost(), golden(t, batch, "dxt").Data)
		t.Logf("gradients: worst parameter relative error %.3g, input %.3g", worstG, e)
		if !(e <= 1e-3) {
			t.Errorf("input gradient: relative error %.3g > 1e-3", e)
		}
	})
}

// TestTorchParityUNet loads the weights of the PyTorch twin of UNet
// (testdata/torch/unet.py, a small configuration: widths 16/32/64, two
// blocks per level, one in the middle, time width 32) and checks the
// forward pass, every parameter gradient and the input gradient of
// Σ v·dv against PyTorch's.
func TestTorchParityUNet(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		net := NewUNet(UNetConfig{Base: 16, Mults: []int{1, 2, 4}, Blocks: 2, Mid: 1, TimeDim: 32, Groups: 8, Backend: bk}, newRand(0))
		unetParity(t, net, "unet")
	})
}

// TestTorchParityUNetAttention is TestTorchParityUNet for the twin with
// attention (testdata/torch/unet.py, AttnBlock; gen.py unet_attn): widths
// 16/32/64, one block per level, two in the middle with the attention
// block between them at 7×7, time width 32.
func TestTorchParityUNetAttention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		net := NewUNet(UNetConfig{Base: 16, Mults: []int{1, 2, 4}, Blocks: 1, Mid: 2, TimeDim: 32, Groups: 8, Attention: true, Backend: bk}, newRand(0))
		if len(net.MidAttn) != 1 {
			t.Fatalf("%d attention blocks, want 1", len(net.MidAttn))
		}
		weights := readGolden(t, "unet_attn_weights.safetensors")
		// The middle's parameters come in the state_dict's order (the
		// file's): mid.*, then mid_attn.*. (The network builds each level's
		// down-sampling after its blocks, so elsewhere the orders differ;
		// loading goes by name.)
		if n := len(weights.Tensors); n != len(net.Params()) {
			t.Fatalf("the PyTorch state_dict has %d tensors, the network %d parameters", n, len(net.Params()))
		}
		var mine, theirs []string
		for i, p := range net.Params() {
			if strings.HasPrefix(p.Name, "mid") {
				mine = append(mine, p.Name)
			}
			if w := weights.Tensors[i].Name; strings.HasPrefix(w, "mid") {
				theirs = append(theirs, w)
			}
		}
		if d := cmp.Diff(theirs, mine); d != "" {
			t.Fatalf("middle parameters in the network's order against the state_dict's (-state_dict +network):\n%s", d)
		}
		unetParity(t, net, "unet_attn")
	})
}

// unetParity loads testdata/torch/PREFIX_weights.safetensors into net and
// checks its forward pass (1e-4 absolute), every parameter gradient and the
// input gradient of Σ v·dv (1e-4 relative in norm) against PyTorch's
// PREFIX_batch and PREFIX_grads; the attention block's worst gradient error
// is logged apart.
func unetParity(t *testing.T, net *UNet, prefix string) {
	t.Helper()
	if _, err := LoadParams(filepath.Join("..", "testdata", "torch", prefix+"_weights.safetensors"), net.Params()); err != nil {
		t.Fatal(err)
	}
	batch := readGolden(t, prefix+"_batch.safetensors")
	x, vWant, dv := golden(t, batch, "x"), golden(t, batch, "v"), golden(t, batch, "dv")
	ts := goldenTimes(t, batch)
	v := NewTensor(x.Shape...)
	net.Forward(v, x, ts)
	checkForwardParity(t, v, vWant)
	dx := NewTensor(x.Shape...)
	ZeroGrad(net.Params())
	net.Backward(dx, dv)
	grads := readGolden(t, prefix+"_grads.safetensors")
	var worstG, worstA float64
	for _, p := range net.Params() {
		e := relErr(p.Grad.ToHost(), golden(t, grads, p.Name).Data)
		worstG = math.Max(worstG, e)
		if strings.HasPrefix(p.Name, "mid_attn.") {
			worstA = math.Max(worstA, e)
		}
		if !(e <= 1e-4) {
			t.Errorf("%s: gradient relative error %.3g > 1e-4", p.Name, e)
		}
	}
	e := relErr(dx.ToHost(), golden(t, batch, "dx").Data)
	t.Logf("gradients: worst parameter relative error %.3g (attention block %.3g), input %.3g", worstG, worstA, e)
	if !(e <= 1e-4) {
		t.Errorf("input gradient: relative error %.3g > 1e-4", e)
	}
}
