package flowmatch

import (
	"math"

	"github.com/windrose/windrose/ode"
)

// TutorialField is the reference tutorial's sampler (its sample() function)
// recast as a field, kept only to reproduce the tutorial's images: the
// tutorial's stepper is the classical RK4 (ode.RK4) with Steps uniform
// steps applied to Field delayed by half a step. With dt = 1/Steps its
// step i computes
//
//	t  = clamp((i + ½)·dt)
//	k1 = f(t, x)
//	k2 = f(clamp(t + dt/2), x + dt/2·k1)
//	k3 = f(clamp(t + dt/2), x + dt/2·k2)
//	k4 = f(clamp(t + dt),   x + dt·k3)
//	x ← x + dt/6·(k1 + 2·k2 + 2·k3 + k4)
//
// clamp limiting to [TEps, 1 − TEps]: the classical RK4 step from s = i·dt
// on the field g(s, x) = f(clamp(s + dt/2), x), whose stages sit at
// (i + ½)dt, (i + 1)dt, (i + 1)dt and (i + 3/2)dt, the last half a step
// beyond the step it serves, and on the last step beyond t = 1 (where the
// clamp holds it at 1 − TEps). It is not of order 4 in t but of order 1
// (the shift is an error of order dt). docs/reference.md lists it among the
// recipe's quirks.
//
// As in the tutorial, where t is a float32 tensor, the shifted time is
// rounded to float32 before Field sees it. The tutorial's own float32
// state updates differ from ode.RK4's in the order of their roundings, so
// the two agree to float32 rounding, not bit for bit.
type TutorialField struct {
	// Field is the velocity field the tutorial samples.
	Field ode.VectorField[float32]
	// Steps is the number of uniform steps the field is solved with (the
	// tutorial uses 150); it fixes the delay dt/2 = 1/(2·Steps).
	Steps int
}

// Eval evaluates Field at the time t + dt/2, clamped to [TEps, 1 − TEps]
// and rounded to float32. It panics if Steps ≤ 0.
func (g *TutorialField) Eval(dst []float32, t float64, x []float32) {
	if g.Steps <= 0 {
		panic("flowmatch: TutorialField.Steps must be > 0")
	}
	s := math.Min(math.Max(t+0.5/float64(g.Steps), TEps), 1-TEps)
	g.Field.Eval(dst, float64(float32(s)), x)
}
