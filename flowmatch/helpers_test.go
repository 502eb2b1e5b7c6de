package flowmatch

import (
	"math"
	"math/rand/v2"

	"github.com/windrose/windrose/mnist"
)

// blobImages returns n synthetic h×w images: a bright disc of random
// centre and radius on a dark background, a distribution simple enough
// for a tiny network to make progress on in a few steps.
func blobImages(n, h, w int, seed uint64) *mnist.Images {
	r := rand.New(rand.NewPCG(seed, 1))
	im := &mnist.Images{N: n, Rows: h, Cols: w, Pixels: make([]uint8, n*h*w)}
	for k := range n {
		cy := float64(h)/4 + r.Float64()*float64(h)/2
		cx := float64(w)/4 + r.Float64()*float64(w)/2
		rad := float64(min(h, w)) * (0.15 + 0.15*r.Float64())
		for y := range h {
			for x := range w {
				d := math.Hypot(float64(y)-cy, float64(x)-cx)
				v := 255 * math.Max(0, math.Min(1, rad-d+0.5))
				im.Pixels[(k*h+y)*w+x] = uint8(v)
			}
		}
	}
	return im
}

// tinyConfig is a network and batch small enough for tests of seconds.
func tinyConfig() Config {
	return Config{
		Base: 8, TimeDim: 16, Batch: 8, LR: 3e-3, WarmupSteps: 5, Cosine: true,
		EMADecay: 0.9, Loss: LossMSE, Epochs: 1000, Seed: 7,
	}
}
