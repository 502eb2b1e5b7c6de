// Command velocitynet_vs_torch measures windrose's VelocityNet beside the
// PyTorch reference in one run and prints the ratios.
//
// From the repository root (with shared/ checked out beside it, as in CI):
//
//	go run ./bench/velocitynet_vs_torch            # table on stdout
//	go run ./bench/velocitynet_vs_torch -md        # the same as Markdown
//
// It runs the peer, `/usr/bin/python3 ../shared/bench/torch_velocitynet.py
// bench --json … --skip-rk4` (PyTorch with 2 threads: training steps at batch
// 256 and 64, forward passes at batch 256, peak RSS), between two rounds of
// the same measurements on windrose's nn.VelocityNet in this process, and
// compares the peer with the mean of the two rounds, so that a change of
// load during the run weighs on both sides alike.
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
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/windrose/windrose/nn"
)

func main() {
	steps := flag.Int("steps", 6, "timed steps per measurement (after 2 warm-up steps), as the peer's --steps")
	md := flag.Bool("md", false, "print the table as Markdown")
	torchJSON := flag.String("torch-json", "", "read the peer's results from this JSON file instead of running it")
	skipTorch := flag.Bool("skip-torch", false, "measure windrose only")
	python := flag.String("python", "/usr/bin/python3", "the Python that has torch (Debian's)")
	flag.Parse()

	fmt.Printf("date: %s; %d CPUs; load before: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), loadavg())
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
			fmt.Fprintln(os.Stderr, "velocitynet_vs_torch: peer:", err)
			os.Exit(1)
		}
		after = env.measure(*steps)
	}
	fmt.Printf("load after: %s\n\n", loadavg())
	report(before, after, peer, *md)
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
	net  *nn.VelocityNet
	opt  *nn.AdamW
	ema  *nn.EMA
	data []float32
}

const nData, imgSize = 60000, 28 * 28

func newBench() *bench {
	rng := rand.New(rand.NewPCG(0, 1))
	e := &bench{rng: rng, net: nn.NewVelocityNet(nn.Config{}, rng), data: make([]float32, nData*imgSize)}
	for i := range e.data {
		e.data[i] = float32(2*rng.Float64() - 1)
	}
	e.opt = nn.NewAdamW(e.net.Params(), 2e-4)
	e.ema = nn.NewEMA(e.net.Params(), 0.999)
	e.ema.NoWarmUp = true // the peer's EMA: decay 0.999 from the first step
	return e
}

func (e *bench) measure(steps int) results {
	res := results{}
	rng, net, opt, ema, data := e.rng, e.net, e.opt, e.ema, e.data
	const P = imgSize
	res["params"] = float64(nn.CountParams(net.Params()))
	for _, bs := range []int{256, 64} {
		st := newStep(net, bs)
		var times []float64
		var c0 cpuSnap
		var w0 time.Time
		for s := 0; s < 2+steps; s++ {
			for b := 0; b < bs; b++ {
				j := rng.IntN(nData)
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
		k := fmt.Sprintf("train_b%d", bs)
		res[k+"_other_cores"] = otherCores(c0, snapshot(), time.Since(w0).Seconds())
		res[k+"_step_s_median"] = median(times)
		res[k+"_img_per_s"] = float64(bs) / mean(times)
		fmt.Fprintf(os.Stderr, "windrose %s: %.1f img/s (steps %v)\n", k, res[k+"_img_per_s"], round(times))
	}

	const bs = 256
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
		net.Forward(v, x, ts)
		if s >= 2 {
			times = append(times, time.Since(t0).Seconds())
		}
	}
	res["fwd_b256_other_cores"] = otherCores(c0, snapshot(), time.Since(w0).Seconds())
	res["fwd_b256_s_median"] = median(times)
	res["fwd_b256_img_evals_per_s"] = bs / mean(times)
	fmt.Fprintf(os.Stderr, "windrose fwd_b256: %.1f img-evals/s (passes %v)\n", res["fwd_b256_img_evals_per_s"], round(times))

	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	res["peak_rss_mb"] = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	return res
}

// step is the reference recipe's training step (docs/reference.md) up to the
// gradients; the optimiser and EMA are applied by the caller.
type step struct {
	net              *nn.VelocityNet
	x1, xt, u, v, dv *nn.Tensor
	t                []float64
}

func newStep(net *nn.VelocityNet, bs int) *step {
	s := &step{net: net, t: make([]float64, bs)}
	for _, p := range []**nn.Tensor{&s.x1, &s.xt, &s.u, &s.v, &s.dv} {
		*p = nn.NewTensor(bs, 1, 28, 28)
	}
	return s
}

func (s *step) run(rng *rand.Rand) float64 {
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
	s.net.ZeroGrad()
	s.net.Backward(nil, s.dv)
	return loss
}

// runPeer runs the PyTorch script (or reads its earlier JSON).
func runPeer(python, jsonPath string, steps int) (map[string]any, error) {
	if jsonPath == "" {
		root, err := repoRoot()
		if err != nil {
			return nil, err
		}
		script := filepath.Join(root, "..", "shared", "bench", "torch_velocitynet.py")
		f, err := os.CreateTemp("", "torch-*.json")
		if err != nil {
			return nil, err
		}
		f.Close()
		defer os.Remove(f.Name())
		jsonPath = f.Name()
		cmd := exec.Command(python, script, "bench", "--json", jsonPath, "--skip-rk4", "--steps", strconv.Itoa(steps))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		fmt.Fprintln(os.Stderr, "running", strings.Join(cmd.Args, " "))
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: %w", script, err)
		}
	}
	raw, err := os.ReadFile(jsonPath)
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

func report(before, after results, peer map[string]any, md bool) {
	type row struct{ name, key string }
	rows := []row{
		{"training, batch 64 (img/s)", "train_b64_img_per_s"},
		{"training, batch 256 (img/s)", "train_b256_img_per_s"},
		{"forward, batch 256 (img-evals/s)", "fwd_b256_img_evals_per_s"},
		{"peak RSS (MB)", "peak_rss_mb"},
	}
	other := map[string]string{
		"train_b64_img_per_s": "train_b64_other_cores", "train_b256_img_per_s": "train_b256_other_cores",
		"fwd_b256_img_evals_per_s": "fwd_b256_other_cores",
	}
	pv := func(k string) (float64, bool) {
		v, ok := peer[k].(float64)
		return v, ok
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	head := []string{"measure", "windrose (before, after)", "PyTorch", "windrose / PyTorch", "other cores busy (windrose before, after; PyTorch)"}
	if md {
		fmt.Fprintf(w, "| %s |\n| --- | ---: | ---: | ---: | --- |\n", strings.Join(head, " | "))
	} else {
		fmt.Fprintf(w, "%-33s %-26s %9s %8s   %s\n", head[0], head[1], head[2], "ratio", head[4])
	}
	for _, r := range rows {
		b, a := before[r.key], after[r.key]
		o := (b + a) / 2
		if r.key == "peak_rss_mb" {
			o = a // the maximum so far: after includes before
		}
		ours := fmt.Sprintf("%.1f (%.1f, %.1f)", o, b, a)
		if r.key == "peak_rss_mb" {
			ours = fmt.Sprintf("%.1f", o)
		}
		p, ok := pv(r.key)
		ratio, ps := "", "—"
		if ok && p > 0 {
			ratio = fmt.Sprintf("%.2f", o/p)
			ps = fmt.Sprintf("%.1f", p)
		}
		oc := ""
		if k, has := other[r.key]; has {
			po, _ := pv(k)
			oc = fmt.Sprintf("%.2f, %.2f; %.2f", before[k], after[k], po)
		}
		if md {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.name, ours, ps, ratio, oc)
		} else {
			fmt.Fprintf(w, "%-33s %-26s %9s %8s   %s\n", r.name, ours, ps, ratio, oc)
		}
	}
	if peer != nil {
		fmt.Fprintf(w, "\nPyTorch %v with %v threads; windrose backend %q, GOMAXPROCS %d; parameters %.0f (windrose) and %.0f (PyTorch).\n",
			peer["torch"], peer["threads"], nn.DefaultBackend().Name(), runtime.GOMAXPROCS(0), after["params"], peer["params"])
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
