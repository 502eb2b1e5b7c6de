package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/nn"
)

// network is what both nn.VelocityNet and nn.UNet provide.
type network interface {
	Forward(v, x *nn.Tensor, t []float64)
	Backward(dx, dv *nn.Tensor)
	Params() []*nn.Param
	ZeroGrad()
}

// lossKind selects the path and loss of a training step.
type lossKind int

const (
	// refLoss is the reference recipe's (docs/reference.md): σmin 0.1,
	// smooth-L1 (β 0.1) weighted by t(1−t)/mean, plus 3e-5·mean(v²).
	refLoss lossKind = iota
	// mseLoss is the default recipe's: σmin 0, mean squared error, so
	// dL/dv = 2(v−u)/n.
	mseLoss
)

const imgSize = 28 * 28

func main() {
	backend := flag.String("backend", "cuda", "`name` of the nn backend to measure (cuda needs a build with -tags cuda)")
	steps := flag.Int("steps", 20, "timed steps (and forward passes) per measurement, after the warm-up")
	warm := flag.Int("warmup", 3, "warm-up steps before each measurement")
	jsonPath := flag.String("json", "", "also write the results to this JSON `file`")
	quick := flag.Bool("quick", false, "smoke test: batches 8 (256) and 2 (64), 1 warm-up and 1 timed step, a small data set")
	sampleN := flag.Int("sample-n", 0, "also time sampling this many images from -model, as windrose sample does (0: no sampling)")
	sampleOnly := flag.Bool("sample-only", false, "time sampling only (with -sample-n), no training or forward measurements")
	model := flag.String("model", "models/mnist.safetensors", "model `file` to sample (the shipped model, read from the repository)")
	flag.Parse()
	if err := nn.UseBackend(*backend); err != nil {
		fmt.Fprintf(os.Stderr, "cudabench: -backend %s: %v\n(the cuda backend is in builds with -tags cuda only)\n", *backend, err)
		os.Exit(2)
	}
	big, small, nData := 256, 64, 60000
	if *quick {
		big, small, nData, *steps, *warm = 8, 2, 512, 1, 1
	}
	if *steps < 1 || *warm < 0 {
		fmt.Fprintln(os.Stderr, "cudabench: -steps must be ≥ 1 and -warmup ≥ 0")
		os.Exit(2)
	}

	res := map[string]any{
		"side":       "windrose",
		"date":       time.Now().UTC().Format(time.RFC3339),
		"backend":    nn.DefaultBackend().Name(),
		"gomaxprocs": runtime.GOMAXPROCS(0),
		"num_cpu":    runtime.NumCPU(),
		"go":         runtime.Version(),
		"gpu":        gpuName(),
		"steps":      *steps,
		"warmup":     *warm,
		"quick":      *quick,
	}
	fmt.Printf("windrose cudabench: backend %s, GOMAXPROCS %d, gpu %q, %s\n",
		res["backend"], res["gomaxprocs"], res["gpu"], res["date"])

	b := &bench{rng: rand.New(rand.NewPCG(0, 1)), steps: *steps, warm: *warm, res: res}
	if *sampleN > 0 {
		if err := b.sample(*model, *sampleN); err != nil {
			fmt.Fprintln(os.Stderr, "cudabench:", err)
			os.Exit(1)
		}
	}
	if *sampleOnly {
		b.writeJSON(*jsonPath)
		return
	}
	b.data = make([]float32, nData*imgSize)
	for i := range b.data {
		b.data[i] = float32(2*b.rng.Float64() - 1) // random pixels: the cost does not depend on them
	}

	vnet := nn.NewVelocityNet(nn.Config{}, b.rng) // the reference network, Base 64
	res["vnet_params"] = nn.CountParams(vnet.Params())
	b.train("vnet", vnet, refLoss, []int{big})
	b.forward("vnet", vnet, big)

	// The shipped model's U-Net, as flowmatch.Config.NewNetwork builds it
	// for MNIST: the zero UNetConfig (widths 32/64/128) with one channel.
	unet := nn.NewUNet(nn.UNetConfig{Channels: 1}, b.rng)
	res["unet_params"] = nn.CountParams(unet.Params())
	b.train("unet", unet, mseLoss, []int{small, big})
	b.forward("unet", unet, big)

	b.writeJSON(*jsonPath)
}

// writeJSON writes the results to path, if not empty.
func (b *bench) writeJSON(path string) {
	if path == "" {
		return
	}
	out, err := json.MarshalIndent(b.res, "", " ")
	if err == nil {
		err = os.WriteFile(path, append(out, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cudabench:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", path)
}

// gpuName returns nvidia-smi's name and driver of the GPUs, or "".
func gpuName() string {
	out, err := exec.Command("nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader").Output()
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(out)), "\n", "; ")), " ")
}

type bench struct {
	rng         *rand.Rand
	data        []float32 // the in-memory data set, nData images
	steps, warm int
	res         map[string]any
}

// train measures training steps of net at each batch size: batch drawn
// from the data set, x_t and target on the host, forward, loss gradient,
// backward, AdamW (lr 2e-4), EMA 0.999. The clock runs over the timed steps
// and stops after a read-back of the last EMA tensor, which waits for every
// kernel queued before it.
func (b *bench) train(name string, net network, kind lossKind, batches []int) {
	opt := nn.NewAdamW(net.Params(), 2e-4)
	ema := nn.NewEMA(net.Params(), 0.999)
	ema.NoWarmUp = true
	shadow := ema.Params()
	sync := func(st *step) {
		st.v.ToHost()
		shadow[len(shadow)-1].Value.ToHost()
	}
	nData := len(b.data) / imgSize
	for _, bs := range batches {
		st := newStep(bs)
		var t0 time.Time
		var loss float64
		for s := 0; s < b.warm+b.steps; s++ {
			if s == b.warm {
				if s > 0 {
					sync(st)
				}
				t0 = time.Now()
			}
			for i := 0; i < bs; i++ {
				j := b.rng.IntN(nData)
				copy(st.x1.Data[i*imgSize:(i+1)*imgSize], b.data[j*imgSize:(j+1)*imgSize])
			}
			loss = st.run(net, kind, b.rng)
			opt.Step()
			ema.Update(net.Params())
		}
		sync(st)
		wall := time.Since(t0).Seconds()
		k := fmt.Sprintf("%s_train_b%d", name, bs)
		b.res[k+"_img_per_s"] = float64(bs*b.steps) / wall
		b.res[k+"_step_s_mean"] = wall / float64(b.steps)
		b.res[k+"_last_loss"] = loss
		fmt.Printf("windrose %-20s %10.1f img/s  (%d steps in %.3f s, loss %.4g)\n", k, b.res[k+"_img_per_s"], b.steps, wall, loss)
	}
}

// forward measures forward passes of net at batch bs on fixed inputs; the
// clock stops after v.ToHost().
func (b *bench) forward(name string, net network, bs int) {
	x, v := nn.NewTensor(bs, 1, 28, 28), nn.NewTensor(bs, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(b.rng.NormFloat64())
	}
	x.HostChanged()
	ts := make([]float64, bs)
	for i := range ts {
		ts[i] = b.rng.Float64()
	}
	var t0 time.Time
	for s := 0; s < b.warm+b.steps; s++ {
		if s == b.warm {
			if s > 0 {
				v.ToHost()
			}
			t0 = time.Now()
		}
		net.Forward(v, x, ts)
	}
	v.ToHost()
	wall := time.Since(t0).Seconds()
	k := fmt.Sprintf("%s_fwd_b%d", name, bs)
	b.res[k+"_img_evals_per_s"] = float64(bs*b.steps) / wall
	b.res[k+"_s_mean"] = wall / float64(b.steps)
	fmt.Printf("windrose %-20s %10.1f img-evals/s  (%d passes in %.3f s)\n", k, b.res[k+"_img_evals_per_s"], b.steps, wall)
}

// step holds one training step's tensors.
type step struct {
	x0, x1, xt, u, v, dv *nn.Tensor
	t                    []float64
}

func newStep(bs int) *step {
	s := &step{t: make([]float64, bs)}
	for _, p := range []**nn.Tensor{&s.x0, &s.x1, &s.xt, &s.u, &s.v, &s.dv} {
		*p = nn.NewTensor(bs, 1, 28, 28)
	}
	return s
}

// run computes x_t and the target u of the flow-matching path for the
// batch in s.x1 (flowmatch.Path), the forward pass, the loss and its
// gradient dv on the host (flowmatch.Loss), and the backward pass, as
// flowmatch.Trainer does. It returns the loss.
func (s *step) run(net network, kind lossKind, rng *rand.Rand) float64 {
	path, loss := flowmatch.Path{Sigma: 0.1, TEps: flowmatch.TEps}, flowmatch.LossReference
	if kind == mseLoss {
		path.Sigma, loss = 0, flowmatch.LossMSE
	}
	for b := range s.t {
		s.t[b] = path.SampleTime(rng)
	}
	for i := range s.x0.Data {
		s.x0.Data[i] = float32(rng.NormFloat64())
	}
	path.Interpolate(s.xt.Data, s.u.Data, s.x0.Data, s.x1.Data, s.t)
	s.xt.HostChanged()
	net.Forward(s.v, s.xt, s.t)
	l := loss.Eval(s.dv.Data, s.v.ToHost(), s.u.Data, s.t)
	s.dv.HostChanged()
	nn.ZeroGrad(net.Params())
	net.Backward(nil, s.dv)
	return l
}
