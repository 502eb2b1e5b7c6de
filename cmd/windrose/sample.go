package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/internal/report"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/npy"
	"github.com/windrose/windrose/ode"
)

func init() {
	register(command{
		name:    "sample",
		summary: "generate MNIST digits from a trained flow-matching model with any ODE method",
		run:     runSample,
	})
}

const sampleDescription = `Sample draws -n images from a flow-matching model: it integrates the learned
velocity field dx/dt = v(x, t) from Gaussian noise at t = 0 to t = 1 with any
of the ODE methods (euler, heun, midpoint, rk4, bs3, dopri5, tsit5; see
"windrose solve -list"), then clamps to [−1, 1] and maps to grey levels.
-method tutorial-rk4 is the reference tutorial's shifted "RK4" (its stages
sit half a step late; not the classical RK4), for reproducing its images.

The model is the one shipped with windrose (trained on two CPU cores) unless
-ckpt names a model file or a training checkpoint (whose EMA weights are used;
-weights raw takes the optimiser's). The stepping is -steps N (fixed), on
-grid early (the default: steps growing from t = 0, where the field changes
fastest), uniform, late or cosine (smaller steps near t = 1, or at both ends),
or -rtol R -atol A (adaptive, error norm over each batch of -batch samples).
The default for a model alone, -method midpoint -steps 10 -grid early (20 field
evaluations per sample), was chosen by the FID study of docs/sampling.md; each flag given
replaces its own default only, so -method rk4 -steps 5 steps on the early grid
unless -grid uniform is given too. With -per-sample, adaptive stepping gives
every sample its own steps and error norm, so easy samples are not held to the
steps of the hardest one in their batch; the network still runs on up to
-batch samples per call, each at its own time, and a finished sample's place
goes to the next one of the same group of 16 batches. -maxsteps bounds the
attempted steps of each solve and -pi selects the proportional–integral step
size controller, as for "windrose solve"; the stepping flags are checked by
package ode before any work, and what it refuses is a usage error.

` + guideDescription + `

The initial noise comes from -seed, or from -noise FILE.npy (float32,
shape [N, 1, 28, 28]; -n is then N). Sample i's noise is the same for every
-n and -batch. -temperature T multiplies it by T (Kingma & Dhariwal, "Glow",
2018): below 1 the samples gather where the model puts most of its mass,
cleaner on average and less varied (docs/flowmatch.md measures it). The
images are written as a PNG mosaic of the first (up to) 256 (-out, -cols
per row) and, with -npy FILE, all of them as a NumPy uint8 array
[N, 28, 28]. -trajectory FILE.png draws the states x_t at 6 times
from 0 to 1 for the first (up to) 8 samples, one row per sample.

Sampling streams: the noise is drawn, integrated and written to the .npy
file a batch at a time, so memory is bounded by -batch whatever -n is: a
million samples for an FID study take the memory of one batch (and the
mosaic's 256 images). Only -noise FILE, which is read whole, takes memory
in proportion to N; -trajectory keeps 6 states of its 8 samples.
The .npy file appears only when complete.

It prints the model first, a progress bar on standard error while it
works (on a terminal; elsewhere a line every 10 seconds) when the run
takes more than 2 seconds, then the field evaluations (each one runs the
network on a batch), the mean evaluations per sample and the wall time.
`

// mosaicMax is the number of images the PNG mosaic of sample shows at
// most: 256 is 32 rows of the default 8 columns, a page of digits; an FID
// run of many thousands would make a PNG nobody looks at.
const mosaicMax = 256

// progressDelay is how long a command runs before it shows progress:
// short runs finish before a bar would help. Tests replace it.
var progressDelay = 2 * time.Second

// perSampleGroup is the number of batches that -per-sample integrates as
// one group of samples entering the calls as others finish: enough that
// the calls stay full for most of a group, few enough to bound memory.
const perSampleGroup = 16

type sampleFlags struct {
	ckpt, weights, noise, npy, out, trajectory string
	n, cols, batch                             int
	seed                                       uint64
	temperature                                float64
	solver                                     steppingFlags
	guide                                      guideFlags
}

func runSample(ctx context.Context, args []string, stdout io.Writer) (err error) {
	var f sampleFlags
	fs := newFlagSet("sample", "[-ckpt FILE] [-method NAME] [-steps N [-grid G] | -rtol R -atol A [-per-sample]] [-n N] [-out FILE.png] [flags]", sampleDescription)
	addModelFlags(fs, &f.ckpt, &f.weights)
	addSteppingFlags(fs, &f.solver, true)
	fs.IntVar(&f.n, "n", 64, "number of `samples` (memory does not grow with it)")
	fs.Uint64Var(&f.seed, "seed", 1, "`seed` of the initial noise")
	fs.Float64Var(&f.temperature, "temperature", 1, "multiply the initial noise by this `factor` (below 1: typical samples, less variety)")
	addGuideFlags(fs, &f.guide)
	fs.StringVar(&f.noise, "noise", "", "read the initial noise from this .npy `file` (float32 [N,1,28,28]; held in memory whole)")
	fs.StringVar(&f.out, "out", "samples.png", fmt.Sprintf("PNG `file` of the mosaic of the first (up to) %d images", mosaicMax))
	fs.IntVar(&f.cols, "cols", 8, "images per row of the mosaic")
	fs.StringVar(&f.npy, "npy", "", "also write all the images to this .npy `file` (uint8 [N,28,28]), batch by batch")
	fs.StringVar(&f.trajectory, "trajectory", "", "PNG `file` of x_t at 6 times for the first 8 samples")
	fs.IntVar(&f.batch, "batch", flowmatch.DefaultSampleSettings().Batch, "samples integrated together")
	backend := backendFlag(fs)
	given, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if err := useBackend(*backend); err != nil {
		return err
	}
	if f.cols < 1 {
		return usagef("-cols %d: want at least 1", f.cols)
	}
	if f.batch < 1 {
		return usagef("-batch %d: want at least 1", f.batch)
	}
	// Finite and positive: 0 would collapse every sample onto one, and a
	// huge factor makes float32 noise overflow.
	if !(f.temperature > 0 && f.temperature <= 100) {
		return usagef("-temperature %v: want a factor in (0, 100]", f.temperature)
	}
	if err := f.guide.check(f.ckpt, given, &f.solver); err != nil {
		return err
	}
	set, err := f.solver.sampleSettings(given, f.batch)
	if err != nil {
		return err
	}
	if f.trajectory != "" && set.PerSample {
		return usagef("-trajectory needs the states at common times, which -per-sample does not record")
	}
	var fileNoise []float32
	if f.noise != "" {
		if given["n"] {
			return usagef("-n and -noise exclude each other: the noise file fixes the count")
		}
		if given["seed"] {
			return usagef("-seed and -noise exclude each other")
		}
		if fileNoise, f.n, err = readNoise(f.noise); err != nil {
			return err
		}
	} else {
		if f.n < 1 {
			return usagef("-n %d: want at least 1", f.n)
		}
		// Memory no longer grows with -n; the .npy file's size, N·784
		// bytes and a header, must still be a file offset.
		if maxN := (math.MaxInt64 - 4096) / 784; f.n > maxN {
			return usagef("-n %d: at most %d samples, whose .npy file of 784 bytes each is the largest a file offset can address", f.n, maxN)
		}
	}
	model, name, err := loadModel(f.ckpt, f.weights)
	if err != nil {
		return err
	}
	guide, guideName, err := f.guide.load(f.ckpt)
	if err != nil {
		return err
	}
	field, err := f.guide.field(model, guide, guideName)
	if err != nil {
		return err
	}
	if err := checkBatch(f.batch, f.n, model, guide); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model %s (%d training steps, %d images)\n", name, model.Step, model.Images)

	var times []float64
	if f.trajectory != "" {
		times = trajectoryTimes(6, set)
	}
	var npyOut *npy.Uint8Writer
	if f.npy != "" {
		if npyOut, err = npy.NewUint8Writer(f.npy, f.n, 28, 28); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				npyOut.Abort()
			}
		}()
	}
	nTraj := min(f.n, 8)
	if guide != nil {
		fmt.Fprintln(stdout, f.guide.describe(guide, guideName))
	}
	res, shown, saved, err := sampleStream(ctx, field, set, fileNoise, f.seed, float32(f.temperature), f.n, times, nTraj, npyOut)
	if err != nil {
		return err
	}
	if err := report.WriteMosaicPNG(f.out, shown, len(shown)/784, 28, 28, f.cols); err != nil {
		return err
	}
	work := fmt.Sprintf("%d field evaluations (%d steps, %d rejected) over %d batch(es) of up to %d",
		res.Stats.FieldEvals, res.Stats.Accepted, res.Stats.Rejected, (f.n+set.Batch-1)/set.Batch, set.Batch)
	if set.PerSample {
		work = fmt.Sprintf("%d field evaluations in calls of up to %d samples (%d steps, %d rejected, summed over the samples)",
			res.Stats.FieldEvals, min(set.Batch, f.n), res.Stats.Accepted, res.Stats.Rejected)
	}
	how := ""
	if f.temperature != 1 {
		how = fmt.Sprintf(" at temperature %v", f.temperature)
	}
	if guide != nil {
		how += fmt.Sprintf(" guided with weight %v (each field evaluation runs the model and the guide)", f.guide.weight)
	}
	fmt.Fprintf(stdout, "%d samples%s, %s: %s, %.1f evaluations per sample, wall %v (%.1f ms per sample)\n",
		f.n, how, describeSettings(set, &f.solver), work, float64(res.SampleEvals)/float64(f.n),
		res.Wall.Round(time.Millisecond), res.Wall.Seconds()*1000/float64(f.n))
	if len(shown)/784 < f.n {
		fmt.Fprintf(stdout, "wrote %s (the first %d images)\n", f.out, len(shown)/784)
	} else {
		fmt.Fprintf(stdout, "wrote %s\n", f.out)
	}
	if npyOut != nil {
		if err := npyOut.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", f.npy)
	}
	if f.trajectory != "" {
		strip := make([]uint8, 0, nTraj*len(times)*784)
		tmp := make([]uint8, 784)
		for s := range nTraj {
			for k := range times {
				flowmatch.Pixels(tmp, saved[k][s*784:(s+1)*784])
				strip = append(strip, tmp...)
			}
		}
		if err := report.WriteMosaicPNG(f.trajectory, strip, nTraj*len(times), 28, 28, len(times)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (t = %s, one row per sample)\n", f.trajectory, formatTimes(times))
	}
	return nil
}

// sampleStream integrates n samples a group at a time (a batch; perSampleGroup
// batches with PerSample), so that its memory is bounded by the batch: the
// noise comes from fileNoise when it is not nil, else from
// flowmatch.NewNoiseStream(seed), which draws exactly the values of
// flowmatch.Noise for all n at once, multiplied by temperature; each
// group's grey levels go to npyOut when it is not nil. It returns the summed work, the grey levels of the
// first (up to) mosaicMax samples and, at times (nil for none), the states
// of the first nSaved samples (at most n), for a trajectory.
//
// Without PerSample a group is one batch of Sample, so the result is bit
// for bit that of one Sample call on all the noise. With PerSample the
// samples of a group enter the calls as others finish, as in one call,
// and differ from it only through the rounding of the network's batched
// arithmetic.
func sampleStream(ctx context.Context, field ode.VectorField[float32], set *flowmatch.SampleSettings, fileNoise []float32, seed uint64, temperature float32, n int, times []float64, nSaved int, npyOut *npy.Uint8Writer) (res flowmatch.SampleResult, shown []uint8, saved [][]float32, err error) {
	group := set.Batch
	if set.PerSample {
		group *= perSampleGroup
	}
	group = min(group, n)
	stream := flowmatch.NewNoiseStream(seed)
	noise := make([]float32, group*784)
	x := make([]float32, group*784)
	pix := make([]uint8, group*784)
	shown = make([]uint8, 0, min(n, mosaicMax)*784)
	if len(times) > 0 {
		saved = make([][]float32, len(times))
		for k := range saved {
			saved[k] = make([]float32, nSaved*784)
		}
	} else {
		nSaved = 0
	}

	pp := &report.ProgressPrinter{W: progressOut}
	if fl, ok := progressOut.(*os.File); ok {
		pp.Terminal = report.IsTerminal(fl)
	}
	defer pp.Done()
	start := time.Now()
	for lo := 0; lo < n; lo += group {
		hi := min(lo+group, n)
		m := (hi - lo) * 784
		if fileNoise != nil {
			copy(noise[:m], fileNoise[lo*784:hi*784])
		} else {
			stream.Fill(noise[:m])
		}
		if temperature != 1 {
			for i := range noise[:m] {
				noise[i] *= temperature
			}
		}
		s := *set
		s.SaveAt = nil
		if lo < nSaved {
			// Saving does not change the steps (ode's dense output).
			s.SaveAt = times
		}
		r, err := flowmatch.Sample(ctx, x[:m], field, noise[:m], &s)
		if r != nil {
			res.Stats.FieldEvals += r.Stats.FieldEvals
			res.Stats.Steps += r.Stats.Steps
			res.Stats.Accepted += r.Stats.Accepted
			res.Stats.Rejected += r.Stats.Rejected
			res.SampleEvals += r.SampleEvals
			res.Wall += r.Wall
		}
		if err != nil {
			if lo > 0 {
				err = fmt.Errorf("samples from %d: %w", lo, err)
			}
			return res, nil, nil, err
		}
		if lo < nSaved {
			for k := range saved {
				copy(saved[k][lo*784:], r.Saved[k][:(min(hi, nSaved)-lo)*784])
			}
		}
		flowmatch.Pixels(pix[:m], x[:m])
		if k := min(cap(shown)-len(shown), m); k > 0 {
			shown = append(shown, pix[:k]...)
		}
		if npyOut != nil {
			if _, err := npyOut.Write(pix[:m]); err != nil {
				return res, nil, nil, err
			}
		}
		if el := time.Since(start); el >= progressDelay {
			frac := float64(hi) / float64(n)
			pp.Report(report.Progress{
				Label:        fmt.Sprintf("samples %d/%d", hi, n),
				ImagesPerSec: float64(hi) / el.Seconds(),
				Elapsed:      el,
				Fraction:     frac,
				ETA:          time.Duration(float64(el) * (1 - frac) / frac),
			})
		}
	}
	return res, shown, saved, nil
}

// checkBatch refuses a -batch whose network activations exceed memLimit:
// the network, and the guide's when it is not nil, each hold theirs for
// min(batch, n) samples.
func checkBatch(batch, n int, model, guide *flowmatch.Model) error {
	size := netSampleBytes(fullWidth(model.Config), netMapsInference)
	what := "the network's activations for one sample of a batch"
	if guide != nil {
		size += netSampleBytes(fullWidth(guide.Config), netMapsInference)
		what = "the two networks' activations for one sample of a batch"
	}
	return checkCount(fmt.Sprintf("-batch %d", batch), int64(min(batch, n)), size, what)
}

// addModelFlags declares -ckpt and -weights.
func addModelFlags(fs interface {
	StringVar(p *string, name, value, usage string)
}, ckpt, weights *string) {
	fs.StringVar(ckpt, "ckpt", "", "model or checkpoint `file` (default: the shipped model, "+models.MNISTName+")")
	fs.StringVar(weights, "weights", "ema", "weights of a training checkpoint: `ema` or raw")
}

// trajectoryTimes returns k times from 0 to 1; with fixed steps they are
// rounded to the step grid, so that they are states the method computed.
func trajectoryTimes(k int, s *flowmatch.SampleSettings) []float64 {
	times := make([]float64, 0, k)
	for i := range k {
		t := float64(i) / float64(k-1)
		if s.Steps > 0 {
			t = math.Round(t*float64(s.Steps)) / float64(s.Steps)
		}
		if len(times) > 0 && t <= times[len(times)-1] {
			continue // fewer steps than times
		}
		times = append(times, t)
	}
	return times
}

func formatTimes(ts []float64) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = fmt.Sprintf("%.3g", t)
	}
	return strings.Join(s, ", ")
}

// loadModel reads the model at path, or the shipped one when path is
// empty, and returns it with the name to report.
func loadModel(path, weights string) (*flowmatch.Model, string, error) {
	var w flowmatch.Weights
	switch weights {
	case "ema":
		w = flowmatch.EMAWeights
	case "raw":
		w = flowmatch.RawWeights
	default:
		return nil, "", usagef("-weights %q: want ema or raw", weights)
	}
	if path == "" {
		m, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, w)
		if err != nil {
			return nil, "", fmt.Errorf("the shipped model: %w", err)
		}
		return m, "shipped " + models.MNISTName, nil
	}
	m, err := flowmatch.LoadModel(path, w)
	if err != nil {
		return nil, "", err
	}
	return m, path, nil
}
