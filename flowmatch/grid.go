package flowmatch

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Time grids for the fixed-step samplers. A uniform grid spends as many
// steps where the learned field is nearly constant as where it bends; a
// grid that packs its steps where the solution curves buys the same
// accuracy with fewer field evaluations (the idea behind the noise-level
// schedules of diffusion samplers, e.g. Karras et al., "Elucidating the
// Design Space of Diffusion-Based Generative Models", NeurIPS 2022, §3).
// For flow matching on the linear path x_t = (1 − t)·x0 + t·x1 the field
// is the conditional mean of x1 − x0 given x_t: smooth near t = 0, where
// every sample is still noise, and sharpest near t = 1, where the mean
// resolves into single digits. docs/sampling.md measures which grid wins.

// GridSchedules lists the names TimeGrid accepts.
var GridSchedules = []string{"uniform", "late", "early", "cosine"}

// TimeGrid returns steps+1 times from exactly 0 to exactly 1, increasing,
// spaced by the named schedule (u_k = k/steps):
//
//	uniform    t_k = u_k
//	late[:p]   t_k = 1 − (1 − u_k)^p   steps shrink toward t = 1 (p > 1)
//	early[:p]  t_k = u_k^p             steps shrink toward t = 0 (p > 1)
//	cosine     t_k = (1 − cos(π·u_k))/2   small steps at both ends
//
// p defaults to 2 and must lie in [1, 8]: beyond that the smallest step of
// a short grid is a vanishing fraction of the span. The result is meant for
// SampleSettings.Grid (or ode.Settings.Grid). Unknown names, a bad p and
// steps < 1 are errors naming the value.
func TimeGrid(schedule string, steps int) ([]float64, error) {
	if steps < 1 {
		return nil, fmt.Errorf("flowmatch: time grid with %d steps, want at least 1", steps)
	}
	name, arg, hasArg := strings.Cut(schedule, ":")
	p := 2.0
	if hasArg {
		if name != "late" && name != "early" {
			return nil, fmt.Errorf("flowmatch: time grid %q: only late and early take an exponent", schedule)
		}
		v, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(v >= 1 && v <= 8) {
			return nil, fmt.Errorf("flowmatch: time grid %q: exponent %q, want a number in [1, 8]", schedule, arg)
		}
		p = v
	}
	var warp func(u float64) float64
	switch name {
	case "uniform":
		warp = func(u float64) float64 { return u }
	case "late":
		warp = func(u float64) float64 { return 1 - math.Pow(1-u, p) }
	case "early":
		warp = func(u float64) float64 { return math.Pow(u, p) }
	case "cosine":
		warp = func(u float64) float64 { return (1 - math.Cos(math.Pi*u)) / 2 }
	default:
		return nil, fmt.Errorf("flowmatch: unknown time grid %q, want one of %s (late and early take an optional :p)", schedule, strings.Join(GridSchedules, ", "))
	}
	g := make([]float64, steps+1)
	for k := 1; k < steps; k++ {
		g[k] = warp(float64(k) / float64(steps))
	}
	g[steps] = 1 // exact ends whatever the rounding of the warp
	return g, nil
}

// EquidistributedGrid returns steps+1 times from pilot[0] to pilot[len−1]
// that spread the steps the way a pilot solve spread its own: pilot holds
// the times an adaptive solve reached (start, every accepted step, end), so
// its step density — steps per unit time, large where the error controller
// had to shorten the steps — is the local difficulty of the problem. With
// M = len(pilot) − 1 pilot steps, t_k is the point where the pilot's step
// count, interpolated linearly within each pilot step, reaches k·M/steps.
// The grid thus follows the controller's choices without paying for its
// error estimates and rejections on every later solve.
//
// It panics with a "flowmatch: ..." message if steps < 1 or pilot has fewer
// than two times or does not strictly increase.
func EquidistributedGrid(pilot []float64, steps int) []float64 {
	if steps < 1 || len(pilot) < 2 {
		panic(fmt.Sprintf("flowmatch: EquidistributedGrid: %d pilot times, %d steps; want at least 2 and 1", len(pilot), steps))
	}
	for i := 1; i < len(pilot); i++ {
		if !(pilot[i] > pilot[i-1]) {
			panic(fmt.Sprintf("flowmatch: EquidistributedGrid: pilot times not increasing at %d: %v, %v", i, pilot[i-1], pilot[i]))
		}
	}
	m := len(pilot) - 1
	g := make([]float64, steps+1)
	g[0], g[steps] = pilot[0], pilot[m]
	for k := 1; k < steps; k++ {
		s := float64(k) * float64(m) / float64(steps)
		j := min(int(s), m-1)
		g[k] = pilot[j] + (s-float64(j))*(pilot[j+1]-pilot[j])
	}
	return g
}
