// Command velocitynet_vs_torch measures windrose's VelocityNet beside the
// PyTorch reference in one run and prints the ratios, and does the same for
// windrose's default network and for sampling from the shipped model.
//
// From the repository root (with shared/ checked out beside it, as in CI):
//
//	go run ./bench/velocitynet_vs_torch                  # table on stdout
//	go run ./bench/velocitynet_vs_torch -md              # the same as Markdown
//	go run ./bench/velocitynet_vs_torch -nets unet -sample-n 0   # U-Net rows only
//	go run ./bench/velocitynet_vs_torch -nets unet -quick -steps 1 -sample-n 16  # smoke test
//
// -nets (default "velocitynet,unet") chooses the networks, -sample-n (default
// 1000; 0 skips it) the number of images sampled on each side.
//
// Reference network ("training, batch 64", …): it runs the peer,
// `/usr/bin/python3 ../shared/bench/torch_velocitynet.py bench --json …
// --skip-rk4` (PyTorch with 2 threads: training steps at batch 256 and 64,
// forward passes at batch 256, peak RSS), between two rounds of the same
// measurements on windrose's nn.VelocityNet in this process, and compares
// the peer with the mean of the two rounds, so that a change of load during
// the run weighs on both sides alike.
//
// windrose's training step is the reference recipe's (x_t and the target
// of docs/reference.md, forward, the reference loss, backward, AdamW lr 2e-4,
// EMA 0.999) on batches drawn from a 60,000-image float32 data set held in
// memory as PyTorch's script holds MNIST (random pixels: the cost does not
// depend on the values): 2 warm-up steps, then -steps timed ones, batch 256
// first as the peer does; then forward passes at batch 256. Peak RSS is the
// process's maximum resident set (getrusage), which for both sides includes
// the data set.
//
// Default network ("U-Net (default) …"): the same measurements, in the same
// two rounds around its peer, on the U-Net of flowmatch.DefaultConfig for
// MNIST (nn.NewUNet with the configuration's width; -unet-base B measures
// widths B/2B/4B instead, "U-Net (base B) …") against its PyTorch twin
// (testdata/torch/unet.py), run as `/usr/bin/python3
// bench/velocitynet_vs_torch/torch_unet.py bench --base B`. The
// step is the network's part of the default recipe: t uniform in (0, 1),
// x_t = (1−t)·x0 + t·x1 and u = x1 − x0 (σmin = 0), forward, the MSE loss
// (dL/dv = 2(v−u)/n), backward, AdamW lr 2e-3 and EMA 0.999 without warm-up,
// on both sides, again with a 60,000-image data set in memory; it leaves
// out the recipe's logit-normal times, OT coupling, gradient clipping and
// schedule, which cost little beside the network. windrose's peak RSS is
// the high-water mark of this phase alone (VmHWM of /proc/self/status,
// reset through /proc/self/clear_refs after the reference network's memory
// is freed); PyTorch's is its process's.
//
// Sampling ("sample N rk4×5"): windrose samples -sample-n images from the
// shipped model (models.MNIST, read by flowmatch.ReadModel, its EMA
// weights) through flowmatch.Sample with classical RK4 in 5 uniform steps,
// batch 256 (20 evaluations per sample, as the default sampler), noise from
// flowmatch.NewNoiseStream and grey levels by flowmatch.Pixels, as
// "windrose sample" does; the peer, `torch_unet.py sample`, loads the same
// file into the twin and integrates torch.randn noise with the same method,
// steps and batch on 2 threads. windrose samples in two parts split at a
// batch boundary, before and after the peer, so that together they are the
// batches of one run of N and a change of load weighs on both sides; its
// time is their sum. The ratio is PyTorch's time over windrose's (above 1:
// windrose faster). Neither side counts loading the model. Peak RSS is, as
// for the U-Net, this phase's alone on windrose's side. The mean grey
// levels of both sides' images are printed as a check that both run the
// same weights.
//
// Throughput ratios are windrose / PyTorch (above 1: windrose faster); the
// peak-RSS ratios are windrose / PyTorch too (below 1: windrose smaller).
//
// -quick is for smoke tests only: it shrinks the U-Net's batches (256 → 16,
// 64 → 8) and data set (1,024 images) on both sides and says so under the
// table; the reference network's rows, whose peer has no such mode, are
// always measured in full (leave them out with -nets unet).
//
// Both sides also report "other cores": the average number of cores that
// other processes used during the timed steps (from /proc/stat), the same
// measure the PyTorch script prints, because these machines are shared and
// only ratios measured under similar load mean anything.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/nn"
)

func main() {
	steps := flag.Int("steps", 6, "timed steps per measurement (after 2 warm-up steps), as the peer's --steps")
	md := flag.Bool("md", false, "print the table as Markdown")
	torchJSON := flag.String("torch-json", "", "read the reference peer's results from this JSON file instead of running it")
	skipTorch := flag.Bool("skip-torch", false, "measure windrose only")
	python := flag.String("python", "/usr/bin/python3", "the Python that has torch (Debian's)")
	netsFlag := flag.String("nets", "velocitynet,unet", "networks to measure, comma-separated: velocitynet (the reference), unet (the default network)")
	unetBase := flag.Int("unet-base", flowmatch.DefaultConfig().UNet.WithDefaults().Base, "width of the U-Net rows at full resolution (widths base×1, 2, 4; default: flowmatch.DefaultConfig's)")
	sampleN := flag.Int("sample-n", 1000, "images each side samples from models/mnist.safetensors (0: no sampling)")
	quick := flag.Bool("quick", false, "smoke tests only: tiny U-Net batches and data set on both sides (not a measurement)")
	flag.Parse()
	nets := map[string]bool{}
	for _, n := range strings.Split(*netsFlag, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if n != "velocitynet" && n != "unet" {
			fmt.Fprintf(os.Stderr, "velocitynet_vs_torch: -nets: unknown network %q (want velocitynet, unet)\n", n)
			os.Exit(2)
		}
		nets[n] = true
	}
	if *sampleN < 0 {
		fmt.Fprintln(os.Stderr, "velocitynet_vs_torch: -sample-n must be ≥ 0")
		os.Exit(2)
	}
	fail := func(what string, err error) {
		fmt.Fprintf(os.Stderr, "velocitynet_vs_torch: %s: %v\n", what, err)
		os.Exit(1)
	}

	fmt.Printf("date: %s; %d CPUs; load before: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), loadavg())
	var secs []section
	if nets["velocitynet"] {
		// windrose is measured before and after the peer, and the two
		// measurements averaged, so that a change of load during the run
		// weighs on both sides alike.
		env := newBench()
		before := env.measure(*steps)
		var peer map[string]any
		after := before
		if !*skipTorch {
			var err error
			peer, err = runPeer(*python, *torchJSON, *steps)
			if err != nil {
				fail("peer", err)
			}
			after = env.measure(*steps)
		}
		secs = append(secs, velocityNetSection(before, after, peer))
	}
	if nets["unet"] {
		resetPeak()
		env := newUNetBench(*unetBase, *quick)
		before := env.measure(*steps)
		var peer map[string]any
		after := before
		if !*skipTorch {
			args := []string{"bench", "--steps", strconv.Itoa(*steps), "--base", strconv.Itoa(*unetBase)}
			if *quick {
				args = append(args, "--quick")
			}
			var err error
			peer, err = runScript(*python, "torch_unet.py", args)
			if err != nil {
				fail("U-Net peer", err)
			}
			after = env.measure(*steps)
		}
		secs = append(secs, unetSection(before, after, peer, *unetBase, *quick))
	}
	if *sampleN > 0 {
		resetPeak()
		sec, err := sampling(*python, *sampleN, *skipTorch)
		if err != nil {
			fail("sampling", err)
		}
		secs = append(secs, sec)
	}
	fmt.Printf("load after: %s\n\n", loadavg())
	report(secs, *md)
}

// loadavg returns the first three fields of /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// results holds windrose's measurements, keyed like the peer's JSON.
type results map[string]float64

// bench is windrose's side: the network, optimiser, EMA and data set,
// built once and measured twice.
type bench struct {
	rng  *rand.Rand
	net  flowmatch.Network
	opt  *nn.AdamW
	ema  *nn.EMA
	data []float32
	// tag follows "windrose" in the progress lines on stderr.
	tag string
	// mse selects the U-Net's step (σmin = 0, MSE) over the reference's.
	mse bool
	// batch maps a nominal batch size (256, 64) to the one measured: the
	// same but under -quick.
	batch func(int) int
	// peak returns the peak RSS in MB.
	peak func() float64
}

const nData, imgSize = 60000, 28 * 28

func newBench() *bench {
	rng := rand.New(rand.NewPCG(0, 1))
	e := &bench{rng: rng, net: nn.NewVelocityNet(nn.Config{}, rng), data: randomData(rng, nData)}
	e.opt = nn.NewAdamW(e.net.Params(), 2e-4)
	e.ema = nn.NewEMA(e.net.Params(), 0.999)
	e.ema.NoWarmUp = true // the peer's EMA: decay 0.999 from the first step
	e.batch = func(b int) int { return b }
	e.peak = func() float64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return e
}

// quickBatch is -quick's stand-in for each nominal batch size, as
// torch_unet.py --quick has it.
var quickBatch = map[int]int{256: 16, 64: 8}

// newUNetBench returns the bench of the U-Net of flowmatch.DefaultConfig
// (or of another width base) for 1×28×28 images, AdamW at its learning
// rate 2e-3, EMA 0.999 without warm-up.
func newUNetBench(base int, quick bool) *bench {
	rng := rand.New(rand.NewPCG(0, 2))
	n := nData
	if quick {
		n = 1024
	}
	e := &bench{rng: rng, net: nn.NewUNet(nn.UNetConfig{Channels: 1, Base: base}, rng), data: randomData(rng, n), tag: " unet", mse: true}
	e.opt = nn.NewAdamW(e.net.Params(), 2e-3)
	e.ema = nn.NewEMA(e.net.Params(), 0.999)
	e.ema.NoWarmUp = true
	e.batch = func(b int) int { return b }
	if quick {
		e.batch = func(b int) int { return quickBatch[b] }
	}
	e.peak = vmHWM
	return e
}

// randomData returns n images of uniform random pixels in [−1, 1].
func randomData(rng *rand.Rand, n int) []float32 {
	d := make([]float32, n*imgSize)
	for i := range d {
		d[i] = float32(2*rng.Float64() - 1)
	}
	return d
}

func (e *bench) measure(steps int) results {
	res := results{}
	rng, net, opt, ema, data := e.rng, e.net, e.opt, e.ema, e.data
	const P = imgSize
	n := len(data) / P
	res["params"] = float64(nn.CountParams(net.Params()))
	for _, nominal := range []int{256, 64} {
		bs := e.batch(nominal)
		st := newStep(net, bs)
		st.mse = e.mse
		var times []float64
		var c0 cpuSnap
		var w0 time.Time
		for s := 0; s < 2+steps; s++ {
			for b := 0; b < bs; b++ {
				j := rng.IntN(n)
				copy(st.x1.Data[b*P:(b+1)*P], data[j*P:(j+1)*P])
			}
			t0 := time.Now()
			st.run(rng)
			opt.Step()
			ema.Update(net.Params())
			dt := time.Since(t0).Seconds()
			if s == 1 {
				c0, w0 = snapshot(), time.Now()
			}
			if s >= 2 {
				times = append(times, dt)
			}
		}
		k := fmt.Sprintf("train_b%d", nominal)
		res[k+"_other_cores"] = otherCores(c0, snapshot(), time.Since(w0).Seconds())
		res[k+"_step_s_median"] = median(times)
		res[k+"_img_per_s"] = float64(bs) / mean(times)
		fmt.Fprintf(os.Stderr, "windrose%s %s: %.1f img/s (steps %v)\n", e.tag, k, res[k+"_img_per_s"], round(times))
	}

	bs := e.batch(256)
	x := nn.NewTensor(bs, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	ts := make([]float64, bs)
	for i := range ts {
		ts[i] = rng.Float64()
	}
	v := nn.NewTensor(bs, 1, 28, 28)
	var times []float64
	var c0 cpuSnap
	var w0 time.Time
	for s := 0; s < 2+steps; s++ {
		if s == 2 {
			c0, w0 = snapshot(), time.Now()
		}
		t0 := time.Now()
		flowmatch.Infer(net, v, x, ts) // the peer's forward runs under torch.no_grad, which keeps no activations either
		if s >= 2 {
			times = append(times, time.Since(t0).Seconds())
		}
	}
	res["fwd_b256_other_cores"] = otherCores(c0, snapshot(), time.Since(w0).Seconds())
	res["fwd_b256_s_median"] = median(times)
	res["fwd_b256_img_evals_per_s"] = float64(bs) / mean(times)
	fmt.Fprintf(os.Stderr, "windrose%s fwd_b256: %.1f img-evals/s (passes %v)\n", e.tag, res["fwd_b256_img_evals_per_s"], round(times))

	res["peak_rss_mb"] = e.peak()
	return res
}

// step is a training step up to the gradients: the reference recipe's
// (docs/reference.md), or with mse the default network's (σmin = 0, MSE);
// the optimiser and EMA are applied by the caller.
type step struct {
	net              flowmatch.Network
	mse              bool
	x1, xt, u, v, dv *nn.Tensor
	t                []float64
}

func newStep(net flowmatch.Network, bs int) *step {
	s := &step{net: net, t: make([]float64, bs)}
	for _, p := range []**nn.Tensor{&s.x1, &s.xt, &s.u, &s.v, &s.dv} {
		*p = nn.NewTensor(bs, 1, 28, 28)
	}
	return s
}

func (s *step) run(rng *rand.Rand) float64 {
	if s.mse {
		return s.runMSE(rng)
	}
	const tEps, sigmaMin, beta, reg = 1e-5, 0.1, 0.1, 3e-5 // docs/reference.md
	B := len(s.t)
	P := s.x1.Len() / B
	var wmean float64
	for b := range s.t {
		tb := tEps + (1-2*tEps)*rng.Float64()
		s.t[b] = tb
		wmean += tb * (1 - tb) / float64(B)
		for p := 0; p < P; p++ {
			i := b*P + p
			x0 := rng.NormFloat64()
			x1 := float64(s.x1.Data[i])
			s.xt.Data[i] = float32((1-(1-sigmaMin)*s.t[b])*x0 + s.t[b]*x1)
			s.u.Data[i] = float32(x1 - (1-sigmaMin)*x0)
		}
	}
	s.net.Forward(s.v, s.xt, s.t)
	// Smooth-L1 (β = 0.1), weights t(1−t)/(mean + 1e-8), plus 3e-5·mean(v²).
	N := float64(len(s.v.Data))
	var loss float64
	for b := 0; b < B; b++ {
		w := s.t[b] * (1 - s.t[b]) / (wmean + 1e-8)
		for p := 0; p < P; p++ {
			i := b*P + p
			vi := float64(s.v.Data[i])
			d := vi - float64(s.u.Data[i])
			var l, g float64
			switch {
			case d > beta:
				l, g = d-beta/2, 1
			case d < -beta:
				l, g = -d-beta/2, -1
			default:
				l, g = d*d/(2*beta), d/beta
			}
			loss += (w*l + reg*vi*vi) / N
			s.dv.Data[i] = float32((w*g + 2*reg*vi) / N)
		}
	}
	nn.ZeroGrad(s.net.Params())
	s.net.Backward(nil, s.dv)
	return loss
}

// runMSE is the default network's step: t uniform in [0, 1), x_t =
// (1−t)·x0 + t·x1 and u = x1 − x0 (σmin = 0), v = net(x_t, t), loss
// mean((v−u)²), dL/dv = 2(v−u)/n.
func (s *step) runMSE(rng *rand.Rand) float64 {
	B := len(s.t)
	P := s.x1.Len() / B
	for b := range s.t {
		tb := rng.Float64()
		s.t[b] = tb
		for p := 0; p < P; p++ {
			i := b*P + p
			x0 := rng.NormFloat64()
			x1 := float64(s.x1.Data[i])
			s.xt.Data[i] = float32((1-tb)*x0 + tb*x1)
			s.u.Data[i] = float32(x1 - x0)
		}
	}
	s.net.Forward(s.v, s.xt, s.t)
	N := float64(len(s.v.Data))
	var loss float64
	for i, vi := range s.v.Data {
		d := float64(vi) - float64(s.u.Data[i])
		loss += d * d / N
		s.dv.Data[i] = float32(2 * d / N)
	}
	nn.ZeroGrad(s.net.Params())
	s.net.Backward(nil, s.dv)
	return loss
}

// runPeer runs the reference network's PyTorch script (or reads its
// earlier JSON).
func runPeer(python, jsonPath string, steps int) (map[string]any, error) {
	if jsonPath == "" {
		root, err := repoRoot()
		if err != nil {
			return nil, err
		}
		script := filepath.Join(root, "..", "shared", "bench", "torch_velocitynet.py")
		return runJSON(python, script, "bench", "--skip-rk4", "--steps", strconv.Itoa(steps))
	}
	return readJSON(jsonPath)
}

// runScript runs the named script of this directory (torch_unet.py) with
// args, pointing it at the reference script's directory (../shared/bench
// beside the repository), and returns the JSON it writes.
func runScript(python, name string, args []string) (map[string]any, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(root, "bench", "velocitynet_vs_torch", name)
	ref := filepath.Join(root, "..", "shared", "bench")
	return runJSON(python, script, slices.Concat([]string{"--ref-dir", ref}, args)...)
}

// runJSON runs `python script args… --json FILE`, its output going to
// stderr, and returns what it wrote to FILE.
func runJSON(python, script string, args ...string) (map[string]any, error) {
	f, err := os.CreateTemp("", "torch-*.json")
	if err != nil {
		return nil, err
	}
	f.Close()
	defer os.Remove(f.Name())
	cmd := exec.Command(python, slices.Concat([]string{script}, args, []string{"--json", f.Name()})...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	fmt.Fprintln(os.Stderr, "running", strings.Join(cmd.Args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w", script, err)
	}
	return readJSON(f.Name())
}

func readJSON(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(raw, &m)
}

// repoRoot walks up from the working directory to the directory of go.mod.
func repoRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		d = parent
	}
}

// line is one row of the table, formatted.
type line struct{ name, ours, peer, ratio, other string }

// section is the rows of one network (or of sampling) and the lines
// printed under the table about it.
type section struct {
	lines  []line
	footer []string
}

// pv returns the peer's number under key k.
func pv(peer map[string]any, k string) (float64, bool) {
	v, ok := peer[k].(float64)
	return v, ok
}

// netLines formats a network's four rows (training at batch 64 and 256,
// forward at 256, peak RSS) under the given names.
func netLines(names [4]string, before, after results, peer map[string]any) []line {
	keys := [4]string{"train_b64_img_per_s", "train_b256_img_per_s", "fwd_b256_img_evals_per_s", "peak_rss_mb"}
	other := map[string]string{
		"train_b64_img_per_s": "train_b64_other_cores", "train_b256_img_per_s": "train_b256_other_cores",
		"fwd_b256_img_evals_per_s": "fwd_b256_other_cores",
	}
	var ls []line
	for i, key := range keys {
		b, a := before[key], after[key]
		o := (b + a) / 2
		if key == "peak_rss_mb" {
			o = a // the maximum so far: after includes before
		}
		l := line{name: names[i], ours: fmt.Sprintf("%.1f (%.1f, %.1f)", o, b, a), peer: "—"}
		if key == "peak_rss_mb" {
			l.ours = fmt.Sprintf("%.1f", o)
		}
		if p, ok := pv(peer, key); ok && p > 0 {
			l.ratio = fmt.Sprintf("%.2f", o/p)
			l.peer = fmt.Sprintf("%.1f", p)
		}
		if k, has := other[key]; has {
			po, _ := pv(peer, k)
			l.other = fmt.Sprintf("%.2f, %.2f; %.2f", before[k], after[k], po)
		}
		ls = append(ls, l)
	}
	return ls
}

func velocityNetSection(before, after results, peer map[string]any) section {
	s := section{lines: netLines([4]string{
		"training, batch 64 (img/s)",
		"training, batch 256 (img/s)",
		"forward, batch 256 (img-evals/s)",
		"peak RSS (MB)",
	}, before, after, peer)}
	if peer != nil {
		s.footer = append(s.footer, fmt.Sprintf("PyTorch %v with %v threads; windrose backend %q, GOMAXPROCS %d; parameters %.0f (windrose) and %.0f (PyTorch).",
			peer["torch"], peer["threads"], nn.DefaultBackend().Name(), runtime.GOMAXPROCS(0), after["params"], peer["params"]))
	}
	return s
}

func unetSection(before, after results, peer map[string]any, base int, quick bool) section {
	name := "U-Net (default)"
	if base != flowmatch.DefaultConfig().UNet.WithDefaults().Base {
		name = fmt.Sprintf("U-Net (base %d)", base)
	}
	s := section{lines: netLines([4]string{
		name + " train b64 (img/s)",
		name + " train b256 (img/s)",
		name + " fwd b256 (img-evals/s)",
		name + " peak RSS (MB)",
	}, before, after, peer)}
	if peer != nil {
		s.footer = append(s.footer, fmt.Sprintf("%s: widths %d/%d/%d; PyTorch %v with %v threads (twin testdata/torch/unet.py); parameters %.0f (windrose) and %.0f (PyTorch); windrose's peak RSS is this phase's.",
			name, base, 2*base, 4*base, peer["torch"], peer["threads"], after["params"], peer["params"]))
	}
	if quick {
		s.footer = append(s.footer, "U-Net rows under -quick: batches 16 and 8 for 256 and 64, 1,024 images of data, on both sides: a smoke test, NOT a measurement.")
	}
	return s
}

func report(secs []section, md bool) {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	width := 33
	for _, s := range secs {
		for _, l := range s.lines {
			width = max(width, utf8.RuneCountInString(l.name))
		}
	}
	head := []string{"measure", "windrose (before, after)", "PyTorch", "windrose / PyTorch", "other cores busy (windrose before, after; PyTorch)"}
	if md {
		fmt.Fprintf(w, "| %s |\n| --- | ---: | ---: | ---: | --- |\n", strings.Join(head, " | "))
	} else {
		fmt.Fprintf(w, "%-*s %-26s %9s %8s   %s\n", width, head[0], head[1], head[2], "ratio", head[4])
	}
	for _, s := range secs {
		for _, l := range s.lines {
			if md {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", l.name, l.ours, l.peer, l.ratio, l.other)
			} else {
				fmt.Fprintf(w, "%-*s %-26s %9s %8s   %s\n", width, l.name, l.ours, l.peer, l.ratio, l.other)
			}
		}
	}
	first := true
	for _, s := range secs {
		for _, f := range s.footer {
			if first {
				fmt.Fprintln(w)
				first = false
			}
			fmt.Fprintln(w, f)
		}
	}
}

// vmHWM returns the peak resident set in MB since the last resetPeak (or
// since the process began): VmHWM of /proc/self/status.
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// resetPeak returns the memory of earlier phases to the system and resets
// the peak resident set (VmHWM) to the current one, so that the next
// phase's peak is its own. Where the kernel refuses, it says so on stderr:
// the peak then includes the earlier phases.
func resetPeak() {
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		fmt.Fprintln(os.Stderr, "velocitynet_vs_torch: cannot reset the peak RSS, later peaks include earlier phases:", err)
	}
}

// cpuSnap is the machine's busy jiffies and this process's jiffies.
type cpuSnap struct{ busy, own float64 }

// snapshot reads /proc/stat and /proc/self/stat like the peer's
// cpu_snapshot: busy = all jiffies but idle and iowait; own = utime + stime.
func snapshot() cpuSnap {
	var s cpuSnap
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1:]
		for i, v := range f {
			x, _ := strconv.ParseFloat(v, 64)
			if i != 3 && i != 4 {
				s.busy += x
			}
		}
	}
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		str := string(b)
		f := strings.Fields(str[strings.LastIndexByte(str, ')')+1:])
		u, _ := strconv.ParseFloat(f[11], 64)
		k, _ := strconv.ParseFloat(f[12], 64)
		s.own = u + k
	}
	return s
}

// otherCores is the average number of cores used by other processes
// between two snapshots, with the kernel's USER_HZ of 100 jiffies/s.
func otherCores(a, b cpuSnap, wall float64) float64 {
	const hz = 100
	return max(0, ((b.busy-a.busy)-(b.own-a.own))/hz/max(wall, 1e-9))
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func median(x []float64) float64 {
	y := append([]float64(nil), x...)
	sort.Float64s(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return (y[n/2-1] + y[n/2]) / 2
}

func round(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(int(v*1000+0.5)) / 1000
	}
	return y
}
