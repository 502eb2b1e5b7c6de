package main

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// The target distributions, by their -data names.
var targets = map[string]func(dst []float32, rng *rand.Rand){
	"moons":        moons,
	"checkerboard": checkerboard,
	"8gaussians":   eightGaussians,
}

// targetNames returns the -data names, sorted, for messages.
func targetNames() string {
	return strings.Join(slices.Sorted(maps.Keys(targets)), ", ")
}

// drawTarget returns n points of the named target distribution, drawn from
// seed and stream (one stream per use of the seed: the training set, the
// reference sample, each null sample): x, y of each point one after the
// other.
func drawTarget(name string, n int, seed, stream uint64) ([]float32, error) {
	gen, ok := targets[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown -data %q (want one of %s)", name, targetNames())
	}
	pts := make([]float32, 2*n)
	gen(pts, rand.New(rand.NewPCG(seed, stream)))
	return pts, nil
}

// moons fills dst with the two interleaved half circles of scikit-learn's
// make_moons (upper: (cos θ, sin θ); lower: (1 − cos θ, 1/2 − sin θ), θ
// uniform in [0, π]) with Gaussian noise of standard deviation 0.05 added,
// then centred on the origin and scaled by 1.5, so that the data spans
// about [−2.3, 2.3] × [−1.2, 1.2], the scale of the standard normal noise
// the flow starts from.
func moons(dst []float32, rng *rand.Rand) {
	for i := 0; i < len(dst); i += 2 {
		th := math.Pi * rng.Float64()
		x, y := math.Cos(th), math.Sin(th)
		if rng.IntN(2) == 1 {
			x, y = 1-x, 0.5-y
		}
		x += 0.05 * rng.NormFloat64()
		y += 0.05 * rng.NormFloat64()
		dst[i] = float32(1.5 * (x - 0.5))
		dst[i+1] = float32(1.5 * (y - 0.25))
	}
}

// checkerboard fills dst with points uniform on the 8 dark squares of a
// 4 × 4 checkerboard on [−2, 2]², the density of the FFJORD toy problems
// (Grathwohl et al. 2019) at half their scale.
func checkerboard(dst []float32, rng *rand.Rand) {
	for i := 0; i < len(dst); i += 2 {
		x := 4*rng.Float64() - 2
		// y in a unit band of the right parity for x's column:
		// [−2, −1) or [0, 1) for even columns, shifted by one for odd.
		y := rng.Float64() - 2*float64(rng.IntN(2))
		y += float64(int(math.Floor(x)) & 1)
		dst[i] = float32(x)
		dst[i+1] = float32(y)
	}
}

// eightGaussians fills dst with a mixture of eight equal Gaussians of
// standard deviation 0.15 centred on the circle of radius 2 at the angles
// kπ/4, the mode-covering test of Tong et al. (2024) at a smaller scale.
func eightGaussians(dst []float32, rng *rand.Rand) {
	for i := 0; i < len(dst); i += 2 {
		a := math.Pi / 4 * float64(rng.IntN(8))
		dst[i] = float32(2*math.Cos(a) + 0.15*rng.NormFloat64())
		dst[i+1] = float32(2*math.Sin(a) + 0.15*rng.NormFloat64())
	}
}

// cloud is a point cloud as a flowmatch.Dataset: samples of shape 2×1×1,
// used as they are (no scaling: the targets are already at the noise's
// scale).
type cloud struct {
	pts []float32 // x, y of each point
}

func (c cloud) Len() int              { return len(c.pts) / 2 }
func (c cloud) Shape() (ch, h, w int) { return 2, 1, 1 }
func (c cloud) Batch(dst []float32, indices []int) {
	for k, i := range indices {
		dst[2*k] = c.pts[2*i]
		dst[2*k+1] = c.pts[2*i+1]
	}
}
