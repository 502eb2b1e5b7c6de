package solvers_test

import (
	"context"
	"math"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// evalMode is one way of running a solve for TestFieldEvals.
type evalMode struct {
	name     string
	adaptive bool
	// settings builds the Settings for problem p.
	settings func(p field.Problem) *ode.Settings
}

// at returns T0 + f·(T1 − T0).
func at(p field.Problem, f float64) float64 { return p.T0 + f*(p.T1-p.T0) }

var evalModes = []evalMode{
	{"steps", false, func(field.Problem) *ode.Settings { return &ode.Settings{Steps: 7} }},
	{"grid", false, func(p field.Problem) *ode.Settings {
		return &ode.Settings{Grid: []float64{p.T0, at(p, 0.1), at(p, 0.15), at(p, 0.6), p.T1}}
	}},
	// SaveAt inside the last fixed step (6/7 < 0.93 < 1): Hermite output of
	// a non-FSAL method needs f(T1, x(T1)), one extra evaluation.
	{"steps+saveat-last", false, func(p field.Problem) *ode.Settings {
		return &ode.Settings{Steps: 7, SaveAt: []float64{at(p, 0.05), at(p, 0.5), at(p, 0.93)}}
	}},
	// SaveAt inside earlier steps and on grid points only: f at the end of
	// those steps is the next step's first stage, so nothing extra.
	{"steps+saveat-early", false, func(p field.Problem) *ode.Settings {
		return &ode.Settings{Steps: 7, SaveAt: []float64{p.T0, at(p, 0.05), at(p, 3.0/7), at(p, 0.5), p.T1}}
	}},
	{"adaptive", true, func(field.Problem) *ode.Settings { return &ode.Settings{RTol: 1e-6, ATol: 1e-9} }},
	{"adaptive-initialstep", true, func(p field.Problem) *ode.Settings {
		return &ode.Settings{RTol: 1e-6, ATol: 1e-9, InitialStep: 1e-3 * math.Abs(p.T1-p.T0)}
	}},
	{"adaptive-pi", true, func(field.Problem) *ode.Settings { return &ode.Settings{RTol: 1e-6, ATol: 1e-9, PI: true} }},
	{"adaptive+saveat", true, func(p field.Problem) *ode.Settings {
		return &ode.Settings{RTol: 1e-6, ATol: 1e-9, SaveAt: []float64{at(p, 0.3), at(p, 0.999999)}}
	}},
}

// TestFieldEvals checks Stats against an independent count (odetest.Counter
// wrapping the field) and against the count implied by stages, steps and
// FSAL reuse (odetest.FieldEvals, which derives it), for every method and
// stepping mode, forward and backward, on problems with and without
// rejected steps (the Arenstorf orbit at rtol 1e-6 rejects about one step
// in five).
func TestFieldEvals(t *testing.T) {
	arenstorf, err := field.ProblemByName("arenstorf")
	if err != nil {
		t.Fatal(err)
	}
	tutorial, _ := field.ProblemByName("tutorial")
	rot := odetest.Rotation()
	backRot := rot
	backRot.Name, backRot.T0, backRot.T1, backRot.X0 = "rotation-backward", rot.T1, rot.T0, rot.ExactAt(rot.T1)
	sawRejected := false
	for _, p := range []field.Problem{tutorial, rot, backRot, arenstorf} {
		for _, m := range ode.Methods() {
			for _, mode := range evalModes {
				if mode.adaptive && m.BErr == nil {
					continue
				}
				set := mode.settings(p)
				c := &odetest.Counter[float64]{Field: p.Field}
				q := p.ODE()
				q.Field = c
				s := ode.NewSolver[float64](m, len(q.X0))
				var times []float64
				s.Observer = func(t float64, _ []float64) error {
					times = append(times, t)
					return nil
				}
				res, err := s.Solve(context.Background(), q, set)
				if err != nil {
					t.Errorf("%s %s on %s: %v", m.Name, mode.name, p.Name, err)
					continue
				}
				st := res.Stats
				name := m.Name + " " + mode.name + " on " + p.Name
				if st.FieldEvals != c.Evals {
					t.Errorf("%s: Stats.FieldEvals = %d, the field was called %d times", name, st.FieldEvals, c.Evals)
				}
				if st.Steps != st.Accepted+st.Rejected {
					t.Errorf("%s: Steps %d != Accepted %d + Rejected %d", name, st.Steps, st.Accepted, st.Rejected)
				}
				if len(times) != st.Accepted+1 {
					t.Errorf("%s: Observer saw %d times, want Accepted+1 = %d", name, len(times), st.Accepted+1)
					continue
				}
				if !mode.adaptive {
					n := set.Steps
					if len(set.Grid) > 0 {
						n = len(set.Grid) - 1
					}
					if st.Accepted != n || st.Rejected != 0 {
						t.Errorf("%s: %d accepted, %d rejected, want %d and 0", name, st.Accepted, st.Rejected, n)
					}
				}
				sawRejected = sawRejected || st.Rejected > 0

				extra := 0
				if mode.adaptive && set.InitialStep == 0 {
					extra++ // Hairer's initial step: f(T0 + h0, X0 + h0·f0)
				}
				if !m.FSAL && m.Dense == nil {
					// Hermite output inside the last step [times[A−1], T1].
					lo, hi := times[len(times)-2], times[len(times)-1]
					for _, ts := range set.SaveAt {
						if (ts-lo)*(hi-ts) > 0 {
							extra++
							break
						}
					}
				}
				if want := odetest.FieldEvals(m, st, extra); st.FieldEvals != want {
					t.Errorf("%s: FieldEvals = %d, want (s−1)·Steps + first stages + extra = %d (stats %+v, extra %d)",
						name, st.FieldEvals, want, st, extra)
				}
			}
		}
	}
	if !sawRejected {
		t.Error("no solve rejected a step: the rejected-step accounting went untested")
	}
}
