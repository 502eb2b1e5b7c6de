package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/npy"
	"github.com/windrose/windrose/ode"
)

func init() {
	register(command{
		name:    "likelihood",
		summary: "exact log-likelihoods of images in bits per dimension under a flow-matching model",
		run:     runLikelihood,
	})
}

const likelihoodDescription = `Likelihood computes the log-likelihood of images under a flow-matching model,
by the instantaneous change of variables (Chen et al. 2018; FFJORD): it
integrates the images backward from t = 1 to t = 0 together with the
divergence of the velocity field, and adds the standard normal's log-density
at t = 0. It reports bits per dimension of the 8-bit images, uniformly
dequantized (x = pixel + u, u ~ U[0, 1), -seed) and mapped to the model's
scale by y = x/127.5 − 1, whose Jacobian adds log2(127.5) = 6.994 bits per
dimension: bpd = −log p(y)/(784 ln 2) + log2(127.5). The maths and measured
values are in docs/likelihood.md.

The images are the first -n of the MNIST test set (from the Go module cache,
or -data DIR), or those of -npy FILE: uint8 grey levels [N, 28, 28] or
[N, 1, 28, 28] (dequantized as above), or float32 values already in the data
scale [N, 1, 28, 28] (used as they are). With -blur σ the grey levels are
instead scaled exactly and blurred by N(0, σ²) noise (from -seed): -blur 0.1
scores draws from the distribution a σmin = 0.1 model is trained to produce.

The divergence is Hutchinson's estimate with -probes Rademacher vectors per
image (default 1), or exact with -exact: 784 vector-Jacobian products per
field evaluation, hundreds of times the cost. The stepping is adaptive
-method dopri5 with -rtol and -atol (default 1e-5 each), or -steps N fixed
steps of any method.

The mean bits/dim comes with its standard error over the images (which
includes the probes' noise: the estimate of each image is unbiased); with
-probes 2 or more, the mean standard error of one image's estimate from its
probes is shown too. A model trained with σmin > 0 (the tutorial's recipe
has σmin = 0.1; the shipped model σmin = 0) aims at the data blurred by
N(0, σmin²), whose density cannot exceed (2π σmin²)^(−1/2) per dimension:
its bits/dim cannot go much below ½·log2(2π σmin²) + log2(127.5) = 4.998
for σmin = 0.1; the command prints that floor for such a model. Progress
goes to standard error after every batch.
`

type likelihoodFlags struct {
	ckpt, weights, npy, data string
	n, batch, probes         int
	exact                    bool
	blur                     float64
	seed                     uint64
	flow                     flowFlags
}

func runLikelihood(ctx context.Context, args []string, stdout io.Writer) error {
	var f likelihoodFlags
	fs := newFlagSet("likelihood", "[-ckpt FILE] [-n N | -npy FILE] [-probes K | -exact] [-method NAME] [-rtol R -atol A | -steps N] [flags]", likelihoodDescription)
	addModelFlags(fs, &f.ckpt, &f.weights)
	addFlowFlags(fs, &f.flow)
	fs.IntVar(&f.n, "n", 100, "number of MNIST test `images` (the first ones)")
	fs.StringVar(&f.npy, "npy", "", "read the images from this .npy `file` instead of MNIST")
	fs.StringVar(&f.data, "data", "", "MNIST `directory` (default: the Go module cache copy)")
	fs.IntVar(&f.probes, "probes", 1, "Hutchinson probe vectors per image")
	fs.BoolVar(&f.exact, "exact", false, "exact divergence (784 vector-Jacobian products per evaluation) instead of Hutchinson's estimate")
	fs.Float64Var(&f.blur, "blur", 0, "score the images blurred by N(0, `σ`²) in the data scale instead of dequantized (σmin = 0.1 gives the distribution the model is trained to produce)")
	fs.Uint64Var(&f.seed, "seed", 1, "`seed` of the dequantization or blur noise and of the probes")
	fs.IntVar(&f.batch, "batch", 50, "images integrated together")
	given, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	flow, err := f.flow.settings(given)
	if err != nil {
		return err
	}
	if f.batch < 1 {
		return usagef("-batch %d: want at least 1", f.batch)
	}
	flow.Batch = f.batch
	set := &flowmatch.LikelihoodSettings{FlowSettings: flow, Probes: f.probes, Seed: f.seed}
	if f.exact {
		if given["probes"] {
			return usagef("-exact and -probes exclude each other")
		}
		set.Probes = 0
	} else if f.probes < 1 {
		return usagef("-probes %d: want at least 1 (or -exact)", f.probes)
	}
	if !(f.blur >= 0) || math.IsInf(f.blur, 0) {
		return usagef("-blur %v: want a finite value ≥ 0", f.blur)
	}
	if f.npy != "" && given["n"] {
		return usagef("-n and -npy exclude each other: the file fixes the count")
	}
	x, source, err := likelihoodInputs(f)
	if err != nil {
		return err
	}
	n := len(x) / 784
	model, name, err := loadModel(f.ckpt, f.weights)
	if err != nil {
		return err
	}
	start := time.Now()
	set.Progress = func(done, total int) {
		fmt.Fprintf(progressOut, "likelihood: %d/%d images, %v\n", done, total, time.Since(start).Round(time.Second))
	}
	res, err := flowmatch.Likelihood(ctx, model.Net, x, set)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "model %s (%d training steps, %d images)\n", name, model.Step, model.Images)
	div := "exact divergence"
	if set.Probes > 0 {
		div = fmt.Sprintf("Hutchinson divergence, %d Rademacher probe(s) per image", set.Probes)
	}
	fmt.Fprintf(stdout, "%d images (%s), %s, %s\n", n, source, div, f.flow.describe(flow))
	mean, se := meanSE(res.BitsPerDim)
	lo, hi := minMax(res.BitsPerDim)
	meanLogP, _ := meanSE(res.LogP)
	if n == 1 {
		fmt.Fprintf(stdout, "bits/dim: %.4f; log p %.2f nats in the data scale\n", mean, meanLogP)
	} else {
		fmt.Fprintf(stdout, "bits/dim: %.4f ± %.4f (standard error over the images), min %.4f, max %.4f; mean log p %.2f nats in the data scale\n",
			mean, se, lo, hi, meanLogP)
	}
	if set.Probes > 1 {
		var s float64
		for _, v := range res.StdErr {
			s += v
		}
		// StdErr is in nats of log p; a bits/dim is log p/(−784 ln 2).
		fmt.Fprintf(stdout, "probe standard error of one image: %.4f bits/dim on average\n", s/float64(n)/(784*math.Ln2))
	}
	if sm := model.Config.SigmaMin; sm > 0 {
		fmt.Fprintf(stdout, "floor for σmin = %g: %.4f bits/dim (the blurred data's density is at most (2π σmin²)^(−1/2) per dimension)\n",
			sm, flowmatch.BitsPerDimFloor(sm))
	} else {
		fmt.Fprintf(stdout, "σmin = 0: no floor (the model's path ends on the data, not on the data blurred)\n")
	}
	fmt.Fprintf(stdout, "%d field evaluations (%d steps, %d rejected), %d network passes (forward + vector-Jacobian product, up to 256 samples each), wall %v (%.2f s per image)\n",
		res.Stats.FieldEvals, res.Stats.Accepted, res.Stats.Rejected, res.Passes, res.Wall.Round(time.Millisecond), res.Wall.Seconds()/float64(n))
	return nil
}

// likelihoodInputs returns the images of f in the data scale and says
// where they come from.
func likelihoodInputs(f likelihoodFlags) ([]float32, string, error) {
	if f.npy != "" {
		a, err := npy.Read(f.npy)
		if err != nil {
			return nil, "", err
		}
		s := a.Shape
		ok := (len(s) == 3 && s[1] == 28 && s[2] == 28) || (len(s) == 4 && s[1] == 1 && s[2] == 28 && s[3] == 28)
		if !ok || s[0] < 1 {
			return nil, "", fmt.Errorf("%s: images of shape %v, want [N, 28, 28] or [N, 1, 28, 28] with N ≥ 1", f.npy, s)
		}
		if a.U8 != nil {
			x, how := prepare(a.U8, f)
			return x, f.npy + ", " + how, nil
		}
		if f.blur > 0 {
			return nil, "", usagef("-blur applies to grey levels (uint8), not to float32 values")
		}
		for i, v := range a.F32 {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, "", fmt.Errorf("%s: value %d (image %d) is %v", f.npy, i, i/784, v)
			}
		}
		return a.F32, f.npy + ", float32 in the data scale", nil
	}
	if f.n < 1 {
		return nil, "", usagef("-n %d: want at least 1", f.n)
	}
	pix, err := testImages(f.data, f.n)
	if err != nil {
		return nil, "", err
	}
	x, how := prepare(pix, f)
	return x, "MNIST test set, " + how, nil
}

// prepare maps grey levels to the data scale: dequantized (pixel + u,
// u ~ U[0, 1), then /127.5 − 1), or with -blur σ scaled exactly
// (mnist.ScalePixels) plus N(0, σ²) noise, a draw from the data blurred as
// the flow-matching path blurs it at t = 1.
func prepare(pix []uint8, f likelihoodFlags) ([]float32, string) {
	x := make([]float32, len(pix))
	if f.blur == 0 {
		flowmatch.Dequantize(x, pix, f.seed)
		return x, "dequantized"
	}
	mnist.ScalePixels(x, pix)
	e := make([]float32, len(x))
	flowmatch.Noise(e, f.seed)
	for i := range x {
		x[i] += float32(f.blur) * e[i]
	}
	return x, fmt.Sprintf("blurred by N(0, %g²)", f.blur)
}

// testImages returns the pixels of the first n MNIST test images, from dir
// (default: the Go module cache copy).
func testImages(dir string, n int) ([]uint8, error) {
	if dir == "" {
		d, err := mnist.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	ds, err := mnist.Load(dir, mnist.Test)
	if err != nil {
		return nil, err
	}
	im := ds.Images
	if im.Rows != 28 || im.Cols != 28 {
		return nil, fmt.Errorf("%s: MNIST test images of %d×%d, want 28×28", dir, im.Rows, im.Cols)
	}
	if n > im.N {
		return nil, usagef("-n %d: the MNIST test set has %d images", n, im.N)
	}
	return im.Pixels[:n*784], nil
}

// flowFlags are the stepping flags of likelihood, encode and decode:
// adaptive dopri5 at 1e-5 unless told otherwise.
type flowFlags struct {
	method     string
	steps      int
	rtol, atol float64
}

func addFlowFlags(fs interface {
	StringVar(p *string, name, value, usage string)
	IntVar(p *int, name string, value int, usage string)
	Float64Var(p *float64, name string, value float64, usage string)
}, f *flowFlags) {
	names := methodNames()
	names = names[:len(names)-1] // not the tutorial's sampler
	fs.StringVar(&f.method, "method", "dopri5", "ODE method `name`: "+strings.Join(names, ", "))
	fs.IntVar(&f.steps, "steps", 0, "fixed stepping with `N` uniform steps (default: adaptive)")
	fs.Float64Var(&f.rtol, "rtol", flowmatch.DefaultRTol, "adaptive stepping: relative tolerance")
	fs.Float64Var(&f.atol, "atol", flowmatch.DefaultATol, "adaptive stepping: absolute tolerance")
}

// settings turns the flags into FlowSettings for 28×28 images.
func (f flowFlags) settings(given map[string]bool) (flowmatch.FlowSettings, error) {
	var s flowmatch.FlowSettings
	m, err := ode.MethodByName(f.method)
	if err != nil {
		return s, usagef("-method %q: %v", f.method, err)
	}
	s.Method = m
	switch {
	case given["steps"] && (given["rtol"] || given["atol"]):
		return s, usagef("-steps (fixed stepping) and -rtol/-atol (adaptive stepping) exclude each other")
	case given["steps"]:
		if f.steps < 1 {
			return s, usagef("-steps %d: want at least 1", f.steps)
		}
		s.Steps = f.steps
	default:
		if !(f.rtol > 0) || math.IsInf(f.rtol, 0) || !(f.atol > 0) || math.IsInf(f.atol, 0) {
			return s, usagef("-rtol %v -atol %v: want finite values > 0", f.rtol, f.atol)
		}
		if m.BErr == nil {
			return s, usagef("-method %s has no error estimate, so it runs only with -steps; adaptive methods: %s", m.Name, adaptiveMethods())
		}
		s.RTol, s.ATol = f.rtol, f.atol
	}
	return s, nil
}

// describe names the stepping of s, made by settings.
func (f flowFlags) describe(s flowmatch.FlowSettings) string {
	if s.Steps > 0 {
		return fmt.Sprintf("%s with %d steps", s.Method.Name, s.Steps)
	}
	return fmt.Sprintf("%s with rtol %g, atol %g", s.Method.Name, s.RTol, s.ATol)
}

// meanSE returns the mean of v and its standard error (sample standard
// deviation/√n; NaN for one value).
func meanSE(v []float64) (mean, se float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

func minMax(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}
