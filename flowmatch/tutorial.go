package flowmatch

import (
	"context"
	"fmt"
	"math"

	"github.com/windrose/windrose/ode"
)

// TutorialRK4 is the sampler of the reference tutorial (its sample()
// function), kept only to reproduce the tutorial's images. It is not the
// classical RK4 (ode.RK4) and not of order 4 in t: with dt = 1/Steps, step
// i computes
//
//	t  = clamp((i + ½)·dt)
//	k1 = f(t, x)
//	k2 = f(clamp(t + dt/2), x + dt/2·k1)
//	k3 = f(clamp(t + dt/2), x + dt/2·k2)
//	k4 = f(clamp(t + dt),   x + dt·k3)
//	x ← x + dt/6·(k1 + 2·k2 + 2·k3 + k4)
//
// clamp limiting to [TEps, 1 − TEps]. That is the classical RK4 step
// applied to the field shifted half a step later in time, f(s + dt/2, x):
// the stages sit at (i + ½)dt, (i + 1)dt, (i + 1)dt and (i + 3/2)dt, the
// last half a step beyond the step it serves, and on the last step beyond
// t = 1 (where the clamp holds it at 1 − TEps). docs/reference.md lists it
// among the recipe's quirks.
//
// As in the tutorial, where t is a float32 tensor, every time is rounded to
// float32 before the field sees it, and the state updates are float32
// operations in the tutorial's order.
type TutorialRK4 struct {
	// Steps is the number of steps; the tutorial uses 150.
	Steps int

	// FieldEvals and Accepted count the field evaluations (4 per step)
	// and steps of the last Solve.
	FieldEvals, Accepted int

	dim                    int
	x, tmp, k1, k2, k3, k4 []float32
}

// Solve integrates from x0 at t = 0 to t = 1 into dst, recording the state
// at each time of saveAt (which must lie on the grid k/Steps, increasing)
// into the returned slices. dst may alias x0.
func (r *TutorialRK4) Solve(ctx context.Context, dst []float32, f ode.VectorField[float32], x0 []float32, saveAt []float64) ([][]float32, error) {
	if r.Steps <= 0 {
		return nil, fmt.Errorf("flowmatch: TutorialRK4.Steps = %d, want > 0", r.Steps)
	}
	if len(dst) != len(x0) {
		panic(fmt.Sprintf("flowmatch: TutorialRK4: len(dst) = %d, len(x0) = %d", len(dst), len(x0)))
	}
	n := len(x0)
	if r.dim != n {
		r.dim = n
		back := make([]float32, 6*n)
		r.x, r.tmp, r.k1, r.k2, r.k3, r.k4 = back[:n], back[n:2*n], back[2*n:3*n], back[3*n:4*n], back[4*n:5*n], back[5*n:]
	}
	r.FieldEvals, r.Accepted = 0, 0
	N := r.Steps
	saveStep := make([]int, len(saveAt))
	for j, ts := range saveAt {
		k := int(math.Round(ts * float64(N)))
		if math.Abs(ts-float64(k)/float64(N)) > 1e-9 || k < 0 || k > N || j > 0 && k <= saveStep[j-1] {
			return nil, fmt.Errorf("flowmatch: TutorialRK4: save time %v is not on the grid k/%d (increasing, in [0, 1])", ts, N)
		}
		saveStep[j] = k
	}
	saved := make([][]float32, 0, len(saveAt))
	save := func(k int) {
		for len(saved) < len(saveAt) && saveStep[len(saved)] == k {
			saved = append(saved, append([]float32(nil), r.x...))
		}
	}

	copy(r.x, x0)
	save(0)
	dt := 1 / float64(N)
	half := float32(0.5 * dt)
	full := float32(dt)
	sixth := float32(dt / 6)
	clamp := func(t float32) float64 {
		return float64(min(max(t, float32(TEps)), float32(1-TEps)))
	}
	eval := func(dst []float32, t float64, x []float32) {
		f.Eval(dst, t, x)
		r.FieldEvals++
	}
	x, tmp := r.x, r.tmp
	for i := range N {
		if err := ctx.Err(); err != nil {
			return saved, err
		}
		// The tutorial clamps t0 in Python (float64), then makes a float32
		// tensor of it; the later clamps are float32 tensor operations.
		t := float32(math.Min(math.Max((float64(i)+0.5)*dt, TEps), 1-TEps))
		tm := clamp(t + half)
		eval(r.k1, float64(t), x)
		// The conversions round each product, as PyTorch's separate
		// multiply and add kernels do (Go may otherwise fuse them).
		for p := range tmp {
			tmp[p] = x[p] + float32(half*r.k1[p])
		}
		eval(r.k2, tm, tmp)
		for p := range tmp {
			tmp[p] = x[p] + float32(half*r.k2[p])
		}
		eval(r.k3, tm, tmp)
		for p := range tmp {
			tmp[p] = x[p] + float32(full*r.k3[p])
		}
		eval(r.k4, clamp(t+full), tmp)
		for p := range x {
			s := r.k1[p] + float32(2*r.k2[p]) + float32(2*r.k3[p]) + r.k4[p]
			x[p] += float32(sixth * s)
		}
		r.Accepted++
		save(i + 1)
	}
	for p, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return saved, &ode.NonFiniteError{T: 1, Index: p}
		}
	}
	copy(dst, x)
	return saved, nil
}
