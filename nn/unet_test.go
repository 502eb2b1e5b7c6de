package nn

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// refUNet is UNet.Forward by the definitions (see the UNet doc comment),
// composed from the float64 reference layers.
func refUNet(p map[string][]float64, x, t []float64, B, H, W int, c UNetConfig) []float64 {
	c = c.WithDefaults()
	ws, T, G, L := c.Widths(), c.TimeDim, c.Groups, len(c.Mults)
	emb := refEmbedding(t, T)
	m := refLinear(emb, p["time_mlp.0.weight"], p["time_mlp.0.bias"], B, T, T)
	temb := refLinear(mapVec(m, refSiLU), p["time_mlp.2.weight"], p["time_mlp.2.bias"], B, T, T)
	h, _, _ := refConv2d(x, p["in_conv.weight"], p["in_conv.bias"], B, c.Channels, H, W, ws[0], 3, 1, 1)
	skips := make([][]float64, L)
	hh, ww := H, W
	for i := range L {
		for j := range c.Blocks {
			h = refResBlock(sub(p, "down_blocks."+strconv.Itoa(i)+"."+strconv.Itoa(j)), h, temb, B, ws[i], hh, ww, T, G)
		}
		skips[i] = h
		if i < L-1 {
			pre := "downs." + strconv.Itoa(i)
			h, hh, ww = refConv2d(h, p[pre+".weight"], p[pre+".bias"], B, ws[i], hh, ww, ws[i+1], 4, 2, 1)
		}
	}
	for j := range c.Mid {
		h = refResBlock(sub(p, "mid."+strconv.Itoa(j)), h, temb, B, ws[L-1], hh, ww, T, G)
		if c.Attention && j < c.Mid-1 {
			h = refAttention(sub(p, "mid_attn."+strconv.Itoa(j)), h, B, ws[L-1], hh, ww, G)
		}
	}
	for i := L - 2; i >= 0; i-- {
		pre := "ups." + strconv.Itoa(i)
		h, hh, ww = refConvTranspose2d(h, p[pre+".weight"], p[pre+".bias"], B, ws[i+1], hh, ww, ws[i], 4, 2, 1)
		h = addVec(h, skips[i])
		for j := range c.Blocks {
			h = refResBlock(sub(p, "up_blocks."+strconv.Itoa(i)+"."+strconv.Itoa(j)), h, temb, B, ws[i], hh, ww, T, G)
		}
	}
	o := refGroupNorm(h, p["out_norm.weight"], p["out_norm.bias"], B, ws[0], H*W, G, 1e-5, true)
	v, _, _ := refConv2d(o, p["out_conv.weight"], p["out_conv.bias"], B, ws[0], H, W, c.Channels, 3, 1, 1)
	return v
}

func TestUNetParamCount(t *testing.T) {
	for _, c := range []struct {
		cfg  UNetConfig
		want int
	}{
		// Counted by hand from the layer shapes: a ResBlock of c channels
		// and time width 128 has 18c² + 264c parameters, a 4×4 (transposed)
		// convolution 16·in·out + out, the time MLP 2·(128² + 128).
		{UNetConfig{}, 1582785},
		// With attention, one block of 128 channels: GroupNorm 2·128,
		// qkv 128·384 + 384, proj 128·128 + 128.
		{UNetConfig{Attention: true}, 1582785 + 256 + 49536 + 16512},
		{UNetConfig{Attention: true, Mid: 3}, 1582785 + 128*(18*128+264) + 2*(256+49536+16512)},
		{UNetConfig{Attention: true, Mid: 1}, 1582785 - 128*(18*128+264)},
		// One level of 8 channels with time width 8: the time MLP (2·(64+8)),
		// in_conv (9·8+8), two ResBlocks (the level's and the middle's) of
		// 2·(9·64+8) convolution, 8·16+16 FiLM and 4·8 norm parameters,
		// out_norm (16) and out_conv (9·8+1).
		{UNetConfig{Base: 8, Mults: []int{1}, Mid: 1, TimeDim: 8, Groups: 2}, 144 + 80 + 2*(2*(576+8)+(8*16+16)+32) + 16 + 73},
	} {
		n := NewUNet(c.cfg, newRand(0))
		if got := CountParams(n.Params()); got != c.want {
			t.Errorf("%+v: %d parameters, want %d", c.cfg, got, c.want)
		}
	}
}

func TestUNetParamNames(t *testing.T) {
	n := NewUNet(UNetConfig{Mults: []int{1, 2}, Blocks: 2, Mid: 1}, newRand(0))
	var got []string
	for _, p := range n.Params() {
		if len(p.Name) > 6 && p.Name[len(p.Name)-6:] == "weight" {
			got = append(got, p.Name)
		}
	}
	// The order the network is built in (the file format goes by name).
	rb := func(pre string) []string {
		return []string{pre + ".norm1.weight", pre + ".conv1.weight", pre + ".film.1.weight", pre + ".norm2.weight", pre + ".conv2.weight"}
	}
	want := []string{"time_mlp.0.weight", "time_mlp.2.weight", "in_conv.weight"}
	want = append(want, rb("down_blocks.0.0")...)
	want = append(want, rb("down_blocks.0.1")...)
	want = append(want, "downs.0.weight")
	want = append(want, rb("down_blocks.1.0")...)
	want = append(want, rb("down_blocks.1.1")...)
	want = append(want, rb("mid.0")...)
	want = append(want, "ups.0.weight")
	want = append(want, rb("up_blocks.0.0")...)
	want = append(want, rb("up_blocks.0.1")...)
	want = append(want, "out_norm.weight", "out_conv.weight")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("weight names (-want +got):\n%s", d)
	}

	// With attention, the blocks' parameters follow the middle ResBlocks'.
	n = NewUNet(UNetConfig{Mults: []int{1, 2}, Mid: 3, Attention: true}, newRand(0))
	got = nil
	for _, p := range n.Params() {
		if strings.HasPrefix(p.Name, "mid") || strings.HasPrefix(p.Name, "ups.0") {
			got = append(got, p.Name)
		}
	}
	want = nil
	for j := range 3 {
		for _, s := range []string{"norm1", "conv1", "film.1", "norm2", "conv2"} {
			want = append(want, "mid."+strconv.Itoa(j)+"."+s+".weight", "mid."+strconv.Itoa(j)+"."+s+".bias")
		}
	}
	for j := range 2 {
		for _, s := range []string{"norm.weight", "norm.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias"} {
			want = append(want, "mid_attn."+strconv.Itoa(j)+"."+s)
		}
	}
	want = append(want, "ups.0.weight", "ups.0.bias")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("names with attention (-want +got):\n%s", d)
	}
}

// TestUNetGradient checks a small three-level UNet (Base 4, 2 groups,
// TimeDim 8, two blocks per level, 8×8 images, batch 2) against the float64
// reference composition: the forward pass, Backward against central
// differences at 20 random entries of every parameter tensor and every
// input pixel, and InputGradient. The second case has two middle blocks
// with the attention block between them (2×2 positions at the lowest
// level).
func TestUNetGradient(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bk Backend) {
		for _, attn := range []bool{false, true} {
			t.Run(fmt.Sprintf("attention=%v", attn), func(t *testing.T) { testUNetGradient(t, bk, attn) })
		}
	})
}

func testUNetGradient(t *testing.T, bk Backend, attn bool) {
	const B, H, W = 2, 8, 8
	cfg := UNetConfig{Channels: 2, Base: 4, Mults: []int{1, 2, 2}, Blocks: 2, Mid: 1, TimeDim: 8, Groups: 2, Backend: bk}
	if attn {
		cfg.Mid, cfg.Attention = 2, true
	}
	rng := newRand(18)
	ts := []float64{0.2, 0.7}
	checkNetGradient(t, NewUNet(cfg, rng), []int{B, 2, H, W}, ts, func(p map[string][]float64, x []float64) []float64 {
		return refUNet(p, x, ts, B, H, W, cfg)
	}, 20, rng)
}

// gradNet is a network as checkNetGradient drives it.
type gradNet interface {
	Forward(v, x *Tensor, t []float64)
	Backward(dx, dv *Tensor)
	ZeroGrad()
	Params() []*Param
}

// checkNetGradient perturbs n's parameters (so that the GroupNorm affine
// parameters are away from (1, 0) and their gradients in general
// position), runs Forward on a random input of the given shape at times ts
// and checks it against ref, the float64 composition of the layers on the
// parameters by name and the input; then Backward of a random output
// gradient r against central differences at k random entries of every
// parameter tensor (all entries of the smaller ones) and at every input
// entry. It returns r and Backward's input gradient dx.
func checkNetGradient(t *testing.T, n gradNet, shape []int, ts []float64, ref func(p map[string][]float64, x []float64) []float64, k int, rng *rand.Rand) (r, dx *Tensor) {
	t.Helper()
	for _, p := range n.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += float32(0.1 * rng.NormFloat64())
		}
	}
	x := randTensor(rng, 1, shape...)
	v := NewTensor(shape...)
	n.Forward(v, x, ts)

	params := map[string][]float64{}
	for _, p := range n.Params() {
		params[p.Name] = f64(p.Value.Data)
	}
	xr := f64(x.Data)
	fwd := func() []float64 { return ref(params, xr) }
	checkClose(t, "forward", v.ToHost(), fwd(), fwdTol)

	r = randTensor(rng, 1, v.Shape...)
	dx = NewTensor(shape...)
	n.ZeroGrad()
	n.Backward(dx, r)
	loss := func() float64 { return dot(fwd(), r.Data) }
	for _, p := range n.Params() {
		checkGradSample(t, p.Name, p.Grad.ToHost(), params[p.Name], loss, k, rng)
	}
	checkClose(t, "input", dx.ToHost(), numGrad(xr, loss), gradTol)
	return r, dx
}

// TestUNetBatchResize: results at a batch, a larger and a smaller one and
// another image size equal a fresh network's.
func TestUNetBatchResize(t *testing.T) {
	cfg := UNetConfig{Base: 8, Mults: []int{1, 2}, TimeDim: 8, Groups: 2}
	n := NewUNet(cfg, newRand(9))
	rng := newRand(10)
	for _, s := range []struct{ B, H int }{{2, 8}, {5, 8}, {1, 8}, {3, 4}} {
		x := randTensor(rng, 1, s.B, 1, s.H, s.H)
		ts := make([]float64, s.B)
		for i := range ts {
			ts[i] = rng.Float64()
		}
		v := NewTensor(x.Shape...)
		n.Forward(v, x, ts)
		w := NewTensor(x.Shape...)
		NewUNet(cfg, newRand(9)).Forward(w, x, ts)
		if d := cmp.Diff(w.ToHost(), v.ToHost()); d != "" {
			t.Fatalf("batch %d, %d×%d: reused buffers differ from a fresh net:\n%s", s.B, s.H, s.H, d)
		}
	}
}

// TestUNetDeterminism: output and gradients bit-identical across
// GOMAXPROCS, as training's exact resume needs.
func TestUNetDeterminism(t *testing.T) {
	saved, savedW := colsBudget, workerColsBudget
	defer func() { colsBudget, workerColsBudget = saved, savedW }()
	colsBudget, workerColsBudget = 1, 1
	run := func() []float32 {
		net := NewUNet(UNetConfig{Base: 8, Mults: []int{1, 2}, TimeDim: 8, Groups: 2}, newRand(40))
		rng := newRand(41)
		x := randTensor(rng, 1, 7, 1, 8, 8)
		ts := make([]float64, 7)
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
	for _, procs := range []int{1, 3} {
		old := runtime.GOMAXPROCS(procs)
		got, again := run(), run()
		runtime.GOMAXPROCS(old)
		sameAcrossProcs(t, procs, want, got, again)
	}
}

func TestUNetConfigValidate(t *testing.T) {
	for _, c := range []UNetConfig{
		{Base: 12},                 // not a multiple of 8 groups
		{Mults: []int{}},           // no level
		{Mults: []int{1, 0}},       // zero multiplier
		{Mults: []int{1, 1 << 40}}, // absurd width
		{Blocks: -1}, {Mid: -1},    // negative
		{TimeDim: 7}, {Channels: 1 << 20}, // odd, absurd
		{Mults: make([]int, 9)},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: Validate accepted it", c)
		}
	}
	if err := (UNetConfig{}).Validate(); err != nil {
		t.Errorf("the zero config: %v", err)
	}
}

// TestUNetInfer: Infer gives Forward's output to within inferTol, across
// batch sizes and interleaved with Forward and Backward, leaves Forward's
// outputs and gradients bit for bit as a fresh net's, and Backward after it
// panics.
func TestUNetInfer(t *testing.T) {
	cfg := UNetConfig{Base: 8, Mults: []int{1, 2, 2}, Blocks: 2, Mid: 3, Attention: true, TimeDim: 8, Groups: 2}
	checkInfer(t, func() inferNet { return NewUNet(cfg, newRand(50)) })
}

// TestVelocityNetInfer is TestUNetInfer for the reference network.
func TestVelocityNetInfer(t *testing.T) {
	checkInfer(t, func() inferNet { return NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(54)) })
}

// inferTol bounds the difference of Infer from Forward relative to the
// largest output: float32 rounding of the same sums in another order.
const inferTol = 1e-5

// inferNet is a network with an inference pass.
type inferNet interface {
	Forward(v, x *Tensor, t []float64)
	Infer(v, x *Tensor, t []float64)
	Backward(dx, dv *Tensor)
	ZeroGrad()
	Params() []*Param
}

// checkInfer runs Forward and Infer of one net of newNet on batches of 8×8
// images in an order that resizes and interleaves them, each against
// Forward and Backward of a fresh net.
func checkInfer(t *testing.T, newNet func() inferNet) {
	n := newNet()
	rng := newRand(51)
	for _, s := range []struct {
		B     int
		infer bool
	}{{3, false}, {5, true}, {3, true}, {3, false}, {2, true}} {
		x := randTensor(rng, 1, s.B, 1, 8, 8)
		ts := make([]float64, s.B)
		for i := range ts {
			ts[i] = rng.Float64()
		}
		v := NewTensor(x.Shape...)
		fresh := newNet()
		want := NewTensor(x.Shape...)
		fresh.Forward(want, x, ts)
		if s.infer {
			n.Infer(v, x, ts)
		} else {
			n.Forward(v, x, ts)
		}
		if s.infer {
			// The fused FiLM and GroupNorm of the CPU backend's
			// inference pass round differently from the two layers.
			checkClose(t, fmt.Sprintf("batch %d, Infer against a fresh net's Forward", s.B), v.ToHost(), f64(want.Data), inferTol)
		} else if d := cmp.Diff(want.ToHost(), v.ToHost()); d != "" {
			t.Fatalf("batch %d: output differs from a fresh net's Forward:\n%s", s.B, d)
		}
		if s.infer {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("batch %d: Backward after Infer did not panic", s.B)
					}
				}()
				n.Backward(nil, v)
			}()
			continue
		}
		n.ZeroGrad()
		n.Backward(nil, v)
		fresh.Backward(nil, want)
		for i, p := range n.Params() {
			if d := cmp.Diff(fresh.Params()[i].Grad.ToHost(), p.Grad.ToHost()); d != "" {
				t.Fatalf("batch %d: gradient of %s differs from a fresh net's:\n%s", s.B, p.Name, d)
			}
		}
	}
}

// TestUNetInferMemory: the buffers the first Infer of the default network
// sizes (what its first call allocates beyond a later one's) are less than
// half of Forward's, which keeps every activation for Backward. On the cpu
// backend in every build: a resident backend's device copies and staging
// are counted by the Go heap too, and are not the network's buffers.
func TestUNetInferMemory(t *testing.T) {
	const B = 16
	cpu, err := GetBackend("cpu")
	if err != nil {
		t.Fatal(err)
	}
	cfg := UNetConfig{Channels: 1, Backend: cpu}
	rng := newRand(52)
	x := randTensor(rng, 1, B, 1, 28, 28)
	ts := make([]float64, B)
	for i := range ts {
		ts[i] = rng.Float64()
	}
	// Warm the backend's scratch pools, shared by all nets, first.
	warm := NewUNet(cfg, newRand(53))
	warmUp := func() {
		warm.Forward(NewTensor(x.Shape...), x, ts)
		warm.Backward(nil, NewTensor(x.Shape...))
	}
	// No collection while measuring: it would empty the backend's scratch
	// pools, which the next call then refills.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	// buffers returns what f's first call allocates beyond its second.
	buffers := func(f func(v, x *Tensor, t []float64)) int64 {
		v := NewTensor(x.Shape...)
		var a [3]runtime.MemStats
		runtime.GC()
		warmUp()
		runtime.ReadMemStats(&a[0])
		f(v, x, ts)
		runtime.ReadMemStats(&a[1])
		f(v, x, ts)
		runtime.ReadMemStats(&a[2])
		return int64(a[1].TotalAlloc-a[0].TotalAlloc) - int64(a[2].TotalAlloc-a[1].TotalAlloc)
	}
	fwd := buffers(NewUNet(cfg, newRand(53)).Forward)
	inf := buffers(NewUNet(cfg, newRand(53)).Infer)
	t.Logf("buffers: Forward %d bytes, Infer %d (%.2f)", fwd, inf, float64(inf)/float64(fwd))
	if !(inf > 0 && float64(inf) < 0.5*float64(fwd)) {
		t.Errorf("Infer's buffers are %d bytes, Forward's %d: want less than half", inf, fwd)
	}
	// Infer borrows Forward's and Backward's buffers: after a training
	// step, it sizes (almost) nothing of its own.
	trained := NewUNet(cfg, newRand(53))
	trained.Forward(NewTensor(x.Shape...), x, ts)
	trained.Backward(nil, NewTensor(x.Shape...))
	after := buffers(trained.Infer)
	t.Logf("buffers of Infer after a training step: %d bytes", after)
	if !(float64(after) < 0.05*float64(inf)) {
		t.Errorf("after a training step Infer sizes %d bytes of buffers, on a fresh net %d: want almost none", after, inf)
	}
}
