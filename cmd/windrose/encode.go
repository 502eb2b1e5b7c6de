package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/internal/report"
	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/npy"
)

func init() {
	register(command{
		name:    "encode",
		summary: "map images to the noise a flow-matching model decodes them from (t = 1 → 0)",
		run:     runEncode,
	})
	register(command{
		name:    "decode",
		summary: "map noise to images with a flow-matching model (t = 0 → 1), checking the round trip",
		run:     runDecode,
	})
}

const encodeDescription = `Encode integrates the model's flow dx/dt = v(x, t) backward, from images at
t = 1 to t = 0, and writes the noise x(0) as float32 [N, 1, 28, 28] to -out
(which "windrose decode -noise" and "windrose sample -noise" read). The
images are the first -n of the MNIST test set (or -data DIR), or -npy FILE
(uint8 [N, 28, 28] or [N, 1, 28, 28]), scaled to [−1, 1] as in training
(pixel/127.5 − 1).

Unless -roundtrip=false, it then decodes the noise back and reports the
round-trip error: the largest and RMS difference in the data scale, and the
number of pixels whose grey level changed. The flow is invertible, so the
error measures the solver's, and falls with the tolerance. The stepping is
adaptive -method dopri5 with -rtol and -atol (default 1e-5 each), or -steps
N fixed steps of any method.
`

const decodeDescription = `Decode integrates the model's flow dx/dt = v(x, t) from noise at t = 0 to
t = 1, with float64 states and adaptive dopri5 by default, and writes the
images as a PNG grid (-out) and, with -npy, as uint8 [N, 28, 28]. The noise is
-noise FILE (float32 [N, 1, 28, 28], as "windrose encode" writes it) or -n
draws from -seed.

Unless -roundtrip=false, it then encodes the images (the states at t = 1,
before rounding to grey levels) back to noise and reports the round-trip
error in the noise: largest and RMS difference. The stepping is adaptive
-method dopri5 with -rtol and -atol (default 1e-5 each), or -steps N fixed
steps of any method.
`

type codeFlags struct {
	ckpt, weights, npy, data, noise, out string
	n, batch, cols                       int
	seed                                 uint64
	roundTrip                            bool
	flow                                 flowFlags
}

func runEncode(ctx context.Context, args []string, stdout io.Writer) error {
	var f codeFlags
	fs := newFlagSet("encode", "[-ckpt FILE] [-n N | -npy FILE] -out NOISE.npy [-method NAME] [-rtol R -atol A | -steps N] [flags]", encodeDescription)
	addModelFlags(fs, &f.ckpt, &f.weights)
	addFlowFlags(fs, &f.flow)
	fs.IntVar(&f.n, "n", 16, "number of MNIST test `images` (the first ones)")
	fs.StringVar(&f.npy, "npy", "", "read the images (uint8) from this .npy `file` instead of MNIST")
	fs.StringVar(&f.data, "data", "", "MNIST `directory` (default: the Go module cache copy)")
	fs.StringVar(&f.out, "out", "noise.npy", "write the noise to this .npy `file` (float32 [N,1,28,28])")
	fs.IntVar(&f.batch, "batch", 64, "images integrated together")
	fs.BoolVar(&f.roundTrip, "roundtrip", true, "decode the noise back and report the round-trip error")
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
	var pix []uint8
	source := "MNIST test set"
	if f.npy != "" {
		if given["n"] {
			return usagef("-n and -npy exclude each other: the file fixes the count")
		}
		a, err := npy.Read(f.npy)
		if err != nil {
			return err
		}
		s := a.Shape
		ok := (len(s) == 3 && s[1] == 28 && s[2] == 28) || (len(s) == 4 && s[1] == 1 && s[2] == 28 && s[3] == 28)
		if !ok || a.U8 == nil || s[0] < 1 {
			return fmt.Errorf("%s: %v array, want uint8 images [N, 28, 28] or [N, 1, 28, 28] with N ≥ 1", f.npy, s)
		}
		pix, source = a.U8, f.npy
	} else {
		if f.n < 1 {
			return usagef("-n %d: want at least 1", f.n)
		}
		if pix, err = testImages(f.data, f.n); err != nil {
			return err
		}
	}
	n := len(pix) / 784
	x := make([]float32, len(pix))
	mnist.ScalePixels(x, pix)
	model, name, err := loadModel(f.ckpt, f.weights)
	if err != nil {
		return err
	}
	z := make([]float32, len(x))
	res, err := flowmatch.Encode(ctx, z, model.Net, x, &flow)
	if err != nil {
		return err
	}
	if err := npy.WriteFloat32(f.out, z, n, 1, 28, 28); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model %s (%d training steps, %d images)\n", name, model.Step, model.Images)
	fmt.Fprintf(stdout, "encoded %d images (%s), %s: %d field evaluations (%d steps, %d rejected), wall %v\n",
		n, source, f.flow.describe(flow), res.Stats.FieldEvals, res.Stats.Accepted, res.Stats.Rejected, res.Wall.Round(time.Millisecond))
	fmt.Fprintf(stdout, "noise: mean %.4f, standard deviation %.4f (N(0, 1) would give 0 and 1)\n", mean32(z), std32(z))
	fmt.Fprintf(stdout, "wrote %s\n", f.out)
	if !f.roundTrip {
		return nil
	}
	back := make([]float32, len(x))
	dec, err := flowmatch.Decode(ctx, back, model.Net, z, &flow)
	if err != nil {
		return err
	}
	maxErr, rms := diff32(back, x)
	got := make([]uint8, len(back))
	flowmatch.Pixels(got, back)
	changed := 0
	for i := range got {
		if got[i] != pix[i] {
			changed++
		}
	}
	fmt.Fprintf(stdout, "round trip (decode, %d field evaluations, wall %v): max |x − decode(encode(x))| %.3g, RMS %.3g in [−1, 1]; %d of %d pixels changed grey level\n",
		dec.Stats.FieldEvals, dec.Wall.Round(time.Millisecond), maxErr, rms, changed, len(pix))
	return nil
}

func runDecode(ctx context.Context, args []string, stdout io.Writer) error {
	var f codeFlags
	fs := newFlagSet("decode", "[-ckpt FILE] [-noise FILE.npy | -n N -seed S] [-out FILE.png] [-npy FILE] [-method NAME] [-rtol R -atol A | -steps N] [flags]", decodeDescription)
	addModelFlags(fs, &f.ckpt, &f.weights)
	addFlowFlags(fs, &f.flow)
	fs.IntVar(&f.n, "n", 16, "number of `samples`")
	fs.Uint64Var(&f.seed, "seed", 1, "`seed` of the noise")
	fs.StringVar(&f.noise, "noise", "", "read the noise from this .npy `file` (float32 [N,1,28,28])")
	fs.StringVar(&f.out, "out", "decoded.png", "PNG `file` of the image grid")
	fs.IntVar(&f.cols, "cols", 8, "images per row of the grid")
	fs.StringVar(&f.npy, "npy", "", "also write the images to this .npy `file` (uint8 [N,28,28])")
	fs.IntVar(&f.batch, "batch", 64, "samples integrated together")
	fs.BoolVar(&f.roundTrip, "roundtrip", true, "encode the images back and report the round-trip error")
	given, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	flow, err := f.flow.settings(given)
	if err != nil {
		return err
	}
	if f.batch < 1 || f.cols < 1 {
		return usagef("-batch %d, -cols %d: want at least 1", f.batch, f.cols)
	}
	flow.Batch = f.batch
	var z []float32
	if f.noise != "" {
		if given["n"] || given["seed"] {
			return usagef("-n and -seed exclude -noise: the file fixes the noise")
		}
		if z, f.n, err = readNoise(f.noise); err != nil {
			return err
		}
	} else {
		if f.n < 1 {
			return usagef("-n %d: want at least 1", f.n)
		}
		z = make([]float32, f.n*784)
		flowmatch.Noise(z, f.seed)
	}
	model, name, err := loadModel(f.ckpt, f.weights)
	if err != nil {
		return err
	}
	x := make([]float32, len(z))
	res, err := flowmatch.Decode(ctx, x, model.Net, z, &flow)
	if err != nil {
		return err
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	if err := report.WriteMosaicPNG(f.out, pix, f.n, 28, 28, f.cols); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model %s (%d training steps, %d images)\n", name, model.Step, model.Images)
	fmt.Fprintf(stdout, "decoded %d samples, %s: %d field evaluations (%d steps, %d rejected), wall %v\n",
		f.n, f.flow.describe(flow), res.Stats.FieldEvals, res.Stats.Accepted, res.Stats.Rejected, res.Wall.Round(time.Millisecond))
	fmt.Fprintf(stdout, "wrote %s\n", f.out)
	if f.npy != "" {
		if err := npy.WriteUint8(f.npy, pix, f.n, 28, 28); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", f.npy)
	}
	if !f.roundTrip {
		return nil
	}
	back := make([]float32, len(z))
	enc, err := flowmatch.Encode(ctx, back, model.Net, x, &flow)
	if err != nil {
		return err
	}
	maxErr, rms := diff32(back, z)
	fmt.Fprintf(stdout, "round trip (encode, %d field evaluations, wall %v): max |z − encode(decode(z))| %.3g, RMS %.3g\n",
		enc.Stats.FieldEvals, enc.Wall.Round(time.Millisecond), maxErr, rms)
	return nil
}

// diff32 returns the largest and the RMS difference of a and b.
func diff32(a, b []float32) (maxAbs, rms float64) {
	var ss float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		maxAbs = max(maxAbs, math.Abs(d))
		ss += d * d
	}
	return maxAbs, math.Sqrt(ss / float64(len(a)))
}

func mean32(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

func std32(v []float32) float64 {
	m := mean32(v)
	var ss float64
	for _, x := range v {
		ss += (float64(x) - m) * (float64(x) - m)
	}
	return math.Sqrt(ss / float64(len(v)))
}
