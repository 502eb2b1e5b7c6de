package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/internal/report"
)

func init() {
	register(command{
		name:    "interpolate",
		summary: "decode a path between two noise vectors (linear and spherical) into a strip of digits",
		run:     runInterpolate,
	})
}

const interpolateDescription = `Interpolate draws two noise vectors from -seed-a and -seed-b, makes -k
points between them (both ends included) by linear interpolation and by
spherical interpolation (slerp), decodes every point with the flow-matching
model (as "windrose sample" does) and writes a PNG of two rows: linear on
top, spherical below.

The flow is deterministic, so neighbouring noise vectors decode to
neighbouring images, and the strip shows one digit turning into another.
Linear interpolation passes through noise of smaller norm than a Gaussian
draw has (by 1/√2 at the middle), which the model never saw at t = 0;
spherical interpolation keeps the norm.

` + guideDescription + `
`

func runInterpolate(ctx context.Context, args []string, stdout io.Writer) error {
	var ckpt, weights, out string
	var k int
	var solver steppingFlags
	var guide guideFlags
	var seedA, seedB uint64
	fs := newFlagSet("interpolate", "[-ckpt FILE] [-seed-a A -seed-b B] [-k K] [-out FILE.png] [flags]", interpolateDescription)
	addModelFlags(fs, &ckpt, &weights)
	addSteppingFlags(fs, &solver, true)
	addGuideFlags(fs, &guide)
	fs.Uint64Var(&seedA, "seed-a", 1, "`seed` of the first noise vector")
	fs.Uint64Var(&seedB, "seed-b", 2, "`seed` of the second noise vector")
	fs.IntVar(&k, "k", 10, "number of `points`, both ends included")
	fs.StringVar(&out, "out", "interpolate.png", "PNG `file` of the strip")
	given, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if err := guide.check(ckpt, given, &solver); err != nil {
		return err
	}
	set, err := solver.sampleSettings(given, flowmatch.DefaultSampleSettings().Batch)
	if err != nil {
		return err
	}
	if k < 2 {
		return usagef("-k %d: want at least 2", k)
	}
	if err := checkCount(fmt.Sprintf("-k %d", k), int64(k), 2*imageBytes, "pairs of points (linear and spherical)"); err != nil {
		return err
	}
	if seedA == seedB {
		return usagef("-seed-a and -seed-b are both %d: the path would be a single point", seedA)
	}
	model, name, err := loadModel(ckpt, weights)
	if err != nil {
		return err
	}
	g, gName, err := guide.load(ckpt)
	if err != nil {
		return err
	}
	field, err := guide.field(model, g, gName)
	if err != nil {
		return err
	}
	a, b := make([]float32, 784), make([]float32, 784)
	flowmatch.Noise(a, seedA)
	flowmatch.Noise(b, seedB)
	noise := make([]float32, 2*k*784)
	for i := range k {
		l := float64(i) / float64(k-1)
		flowmatch.Lerp(noise[i*784:(i+1)*784], a, b, l)
		flowmatch.Slerp(noise[(k+i)*784:(k+i+1)*784], a, b, l)
	}
	x := make([]float32, len(noise))
	res, err := flowmatch.Sample(ctx, x, field, noise, set)
	if err != nil {
		return err
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	if err := report.WriteMosaicPNG(out, pix, 2*k, 28, 28, k); err != nil {
		return err
	}
	if g != nil {
		name += "; " + guide.describe(g, gName)
	}
	fmt.Fprintf(stdout, "model %s; %d points from seed %d to seed %d, %s: %d field evaluations, wall %v\n",
		name, k, seedA, seedB, describeSettings(set, &solver), res.Stats.FieldEvals, res.Wall.Round(time.Millisecond))
	fmt.Fprintf(stdout, "wrote %s (top: linear, bottom: spherical)\n", out)
	return nil
}
