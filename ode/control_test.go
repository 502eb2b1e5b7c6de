package ode_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/windrose/windrose/ode"
)

// arenstorfProblem is the Arenstorf orbit over one period (HNW I, II.0),
// whose exact end state is its initial state.
func arenstorfProblem() ode.Problem[float64] {
	return ode.Problem[float64]{
		Field: scipyFields["arenstorf"],
		T0:    0, T1: 17.0652165601579625588917206249,
		X0: []float64{0.994, 0, 0, -2.00158510637908252240537862224},
	}
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// TestPIController: PI control solves the Arenstorf orbit to the accuracy of
// the elementary controller (within 10× its error: both control the same
// local error, only the step sequence differs) and takes a different step
// sequence, with fewer rejections at the loose tolerance where the
// elementary controller oscillates (SciPy: 39 rejections of 218 steps at
// rtol 1e-6).
func TestPIController(t *testing.T) {
	p := arenstorfProblem()
	for _, rtol := range []float64{1e-6, 1e-10} {
		set := &ode.Settings{RTol: rtol, ATol: rtol * 1e-3}
		plain, err := ode.Solve(context.Background(), p, set, ode.DOPRI5)
		if err != nil {
			t.Fatal(err)
		}
		set.PI = true
		pi, err := ode.Solve(context.Background(), p, set, ode.DOPRI5)
		if err != nil {
			t.Fatal(err)
		}
		ePlain, ePI := maxAbsDiff(plain.X, p.X0), maxAbsDiff(pi.X, p.X0)
		t.Logf("rtol %g: elementary %+v error %.3g; PI %+v error %.3g", rtol, plain.Stats, ePlain, pi.Stats, ePI)
		if ePI > 10*ePlain {
			t.Errorf("rtol %g: PI error %g, elementary %g", rtol, ePI, ePlain)
		}
		if pi.Stats == plain.Stats {
			t.Errorf("rtol %g: PI did not change the step sequence", rtol)
		}
		if rtol == 1e-6 && pi.Stats.Rejected >= plain.Stats.Rejected {
			t.Errorf("rtol %g: PI rejected %d steps, elementary %d", rtol, pi.Stats.Rejected, plain.Stats.Rejected)
		}
	}
}

// TestATolVec: a per-component tolerance equal to the scalar one gives the
// identical solve; loosening the tolerance of one component lets the
// controller take fewer steps.
func TestATolVec(t *testing.T) {
	p := arenstorfProblem()
	scalar, err := ode.Solve(context.Background(), p, &ode.Settings{RTol: 1e-8, ATol: 1e-10}, ode.Tsit5)
	if err != nil {
		t.Fatal(err)
	}
	vec, err := ode.Solve(context.Background(), p, &ode.Settings{RTol: 1e-8, ATol: 123, ATolVec: []float64{1e-10, 1e-10, 1e-10, 1e-10}}, ode.Tsit5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(scalar.X, vec.X) || scalar.Stats != vec.Stats {
		t.Errorf("ATolVec equal to ATol: %v %+v, scalar %v %+v", vec.X, vec.Stats, scalar.X, scalar.Stats)
	}
	// Velocities ~ 1: an atol of 1 on them and a looser rtol overall means
	// the velocity errors barely count.
	loose, err := ode.Solve(context.Background(), p, &ode.Settings{RTol: 1e-8, ATolVec: []float64{1e-10, 1e-10, 1e3, 1e3}}, ode.Tsit5)
	if err != nil {
		t.Fatal(err)
	}
	if loose.Stats.Steps >= scalar.Stats.Steps {
		t.Errorf("loosened ATolVec: %d steps, scalar %d", loose.Stats.Steps, scalar.Stats.Steps)
	}
}

// TestStepBounds: InitialStep is the first step tried, and no step exceeds
// MaxStep.
func TestStepBounds(t *testing.T) {
	for _, m := range []*ode.Tableau{ode.Heun, ode.BS3, ode.DOPRI5, ode.Tsit5} {
		s := ode.NewSolver[float64](m, 1)
		var rec recorder
		s.Observer = rec.observe
		res, err := s.Solve(context.Background(), decayProblem(0, 2, 1), &ode.Settings{RTol: 1e-3, ATol: 1e-6, InitialStep: 1e-3, MaxStep: 0.125})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stats.Rejected == 0 && rec.ts[1] != 1e-3 {
			t.Errorf("%s: first step %v, want InitialStep 1e-3", m.Name, rec.ts[1])
		}
		for i := 1; i < len(rec.ts); i++ {
			if h := rec.ts[i] - rec.ts[i-1]; h > 0.125 {
				t.Errorf("%s: step %v > MaxStep 0.125", m.Name, h)
			}
		}
		// An InitialStep larger than the span is clipped to it.
		res, err = s.Solve(context.Background(), decayProblem(0, 0.01, 1), &ode.Settings{RTol: 1e-3, ATol: 1e-6, InitialStep: 5})
		if err != nil || res.T != 0.01 || math.Abs(res.X[0]-math.Exp(-0.01)) > 1e-5 {
			t.Errorf("%s: huge InitialStep: %v, %+v", m.Name, err, res)
		}
	}
}

// TestHeunAdaptive: Heun's embedded Euler estimate makes it adaptive with a
// first-order error estimate (exponent 1/2); halving rtol several times
// grows the work like rtol^(−1/2) (for a 2nd-order method with local error
// controlled at rtol the number of steps scales like rtol^(−1/2)).
func TestHeunAdaptive(t *testing.T) {
	steps := func(rtol float64) float64 {
		res, err := ode.Solve(context.Background(), decayProblem(0, 2, 1), &ode.Settings{RTol: rtol, ATol: rtol * 1e-3}, ode.Heun)
		if err != nil {
			t.Fatal(err)
		}
		return float64(res.Stats.Accepted)
	}
	r := math.Log(steps(1e-8)/steps(1e-6)) / math.Log(100)
	// Expected 0.5; 0.4–0.6 allows for the initial steps and the last
	// shortened step.
	if r < 0.4 || r > 0.6 {
		t.Errorf("Heun: steps grow like rtol^-%.3f, want about rtol^-0.5", r)
	}
}
