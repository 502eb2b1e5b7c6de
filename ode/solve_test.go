package ode_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/windrose/windrose/ode"
)

// decayProblem is x' = −x, x(t0) = x0·1 in dim components; the exact
// solution is x0·exp(−(t−t0)).
func decayProblem(t0, t1 float64, dim int) ode.Problem[float64] {
	return ode.Problem[float64]{Field: decay[float64]{}, T0: t0, T1: t1, X0: ones[float64](dim)}
}

// recorder is an Observer that keeps every time and state it is shown.
type recorder struct {
	ts []float64
	xs [][]float64
}

func (r *recorder) observe(t float64, x []float64) error {
	r.ts = append(r.ts, t)
	r.xs = append(r.xs, slices.Clone(x))
	return nil
}

func adaptiveMethods() []*ode.Tableau {
	var ms []*ode.Tableau
	for _, m := range ode.Methods() {
		if m.BErr != nil {
			ms = append(ms, m)
		}
	}
	return ms
}

// TestFixedGridLandsOnT1 checks that the uniform grid is t0 + k·(t1−t0)/N,
// computed and never accumulated, and ends exactly on t1, forward and
// backward. With t1 − t0 = 1 and N = 10, accumulating 0.1 would end at
// 0.9999999999999999, and 10 steps of 0.1 from 0.3 would miss 1.3.
func TestFixedGridLandsOnT1(t *testing.T) {
	for _, span := range [][2]float64{{0, 1}, {0.3, 1.3}, {1.3, 0.3}, {-2, 7.1}} {
		for _, m := range ode.Methods() {
			const n = 10
			s := ode.NewSolver[float64](m, 1)
			var rec recorder
			s.Observer = rec.observe
			res, err := s.Solve(context.Background(), decayProblem(span[0], span[1], 1), &ode.Settings{Steps: n})
			if err != nil {
				t.Fatal(err)
			}
			if res.T != span[1] || rec.ts[n] != span[1] {
				t.Errorf("%s %v: ends at %v (observer %v), want exactly %v", m.Name, span, res.T, rec.ts[n], span[1])
			}
			if len(rec.ts) != n+1 || res.Stats.Accepted != n || res.Stats.Steps != n || res.Status != ode.Success {
				t.Errorf("%s %v: %d observations, stats %+v, status %v", m.Name, span, len(rec.ts), res.Stats, res.Status)
			}
			for k := 0; k < n; k++ {
				want := span[0] + (span[1]-span[0])*float64(k)/n
				if rec.ts[k] != want {
					t.Errorf("%s %v: t_%d = %v, want %v", m.Name, span, k, rec.ts[k], want)
				}
			}
		}
	}
}

// TestGrid checks an explicit non-uniform grid against explicit Euler
// written out by hand on the same grid.
func TestGrid(t *testing.T) {
	grid := []float64{0, 0.1, 0.15, 0.4, 0.41, 1}
	for _, dir := range []float64{1, -1} {
		g := slices.Clone(grid)
		for i := range g {
			g[i] *= dir
		}
		x := 1.0
		for i := 1; i < len(g); i++ {
			x += (g[i] - g[i-1]) * -x
		}
		s := ode.NewSolver[float64](ode.Euler, 1)
		var rec recorder
		s.Observer = rec.observe
		res, err := s.Solve(context.Background(), decayProblem(g[0], g[len(g)-1], 1), &ode.Settings{Grid: g})
		if err != nil {
			t.Fatal(err)
		}
		if res.X[0] != x || !slices.Equal(rec.ts, g) || res.Stats.FieldEvals != len(g)-1 {
			t.Errorf("dir %v: x = %v (want %v), times %v (want %v), stats %+v", dir, res.X[0], x, rec.ts, g, res.Stats)
		}
	}
}

// TestFixedOrder is a quick order check on x' = −x: halving the step divides
// the error at t = 1 by about 2^Order. The thorough cross-solver study lives
// in solvers_test. Tolerance ±0.2 on the observed order: at N = 32 and 64
// the next term of the error expansion changes the slope by O(h) ≈ 0.03,
// well inside it.
func TestFixedOrder(t *testing.T) {
	exact := math.Exp(-1)
	for _, m := range ode.Methods() {
		errAt := func(n int) float64 {
			res, err := ode.Solve(context.Background(), decayProblem(0, 1, 1), &ode.Settings{Steps: n}, m)
			if err != nil {
				t.Fatal(err)
			}
			return math.Abs(res.X[0] - exact)
		}
		e1, e2 := errAt(32), errAt(64)
		if p := math.Log2(e1 / e2); math.Abs(p-float64(m.Order)) > 0.2 {
			t.Errorf("%s: observed order %.3f (errors %g, %g), want %d", m.Name, p, e1, e2, m.Order)
		}
	}
}

// TestAdaptiveAccuracy: on x' = −x over [0, 3] the global error follows the
// tolerance. A tolerance proportionality check: each method's final error is
// below 50·rtol (the local error is controlled to about rtol per step, and
// the decay damps what was committed earlier), and a 100× tighter rtol gives
// a smaller error.
func TestAdaptiveAccuracy(t *testing.T) {
	exact := math.Exp(-3)
	for _, m := range adaptiveMethods() {
		var prev float64
		for i, rtol := range []float64{1e-4, 1e-6, 1e-8} {
			res, err := ode.Solve(context.Background(), decayProblem(0, 3, 1), &ode.Settings{RTol: rtol, ATol: rtol * 1e-3}, m)
			if err != nil {
				t.Fatal(err)
			}
			e := math.Abs(res.X[0]-exact) / exact
			if e > 50*rtol {
				t.Errorf("%s rtol %g: relative error %g", m.Name, rtol, e)
			}
			if i > 0 && e >= prev {
				t.Errorf("%s rtol %g: error %g not below %g at the looser tolerance", m.Name, rtol, e, prev)
			}
			if res.Stats.Steps != res.Stats.Accepted+res.Stats.Rejected {
				t.Errorf("%s: stats %+v", m.Name, res.Stats)
			}
			prev = e
		}
	}
}

// TestBackward integrates x' = −x from t = 2 down to t = −1 (so the solution
// grows by e³) with every method, fixed and adaptive, and compares with the
// exact value. Fixed: 300 steps, error bounds from the method's order with a
// generous constant (Euler's relative global error is ≈ 3h/2·3 ≈ 0.05 here).
func TestBackward(t *testing.T) {
	exact := math.Exp(3)
	fixedTol := map[int]float64{1: 0.1, 2: 1e-3, 3: 1e-5, 4: 1e-7, 5: 1e-9}
	for _, m := range ode.Methods() {
		res, err := ode.Solve(context.Background(), decayProblem(2, -1, 2), &ode.Settings{Steps: 300}, m)
		if err != nil {
			t.Fatal(err)
		}
		if e := math.Abs(res.X[1]-exact) / exact; e > fixedTol[m.Order] || res.T != -1 {
			t.Errorf("%s fixed backward: relative error %g, T = %v", m.Name, e, res.T)
		}
		if m.BErr == nil {
			continue
		}
		var rec recorder
		s := ode.NewSolver[float64](m, 2)
		s.Observer = rec.observe
		res, err = s.Solve(context.Background(), decayProblem(2, -1, 2), &ode.Settings{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{1.5, 0, -0.5}})
		if err != nil {
			t.Fatal(err)
		}
		if e := math.Abs(res.X[0]-exact) / exact; e > 1e-6 || res.T != -1 {
			t.Errorf("%s adaptive backward: relative error %g, T = %v", m.Name, e, res.T)
		}
		for i, ts := range []float64{1.5, 0, -0.5} {
			if e := math.Abs(res.Saved[i][0] - math.Exp(2-ts)); e > 1e-6*math.Exp(2-ts) {
				t.Errorf("%s adaptive backward: saved at %v off by %g", m.Name, ts, e)
			}
		}
		for i := 1; i < len(rec.ts); i++ {
			if !(rec.ts[i] < rec.ts[i-1]) {
				t.Fatalf("%s: times not decreasing: %v", m.Name, rec.ts)
			}
		}
	}
}

// TestSaveAt checks dense output against the exact solution of x' = −x at
// points strictly inside steps, and that asking for output changes neither
// the solution nor the steps. Bounds: with 20 steps on [0, 1] (h = 0.05),
// DOPRI5's and Tsit5's 4th-order interpolants have local error
// ≈ C·h⁵ ≈ 3e-7·C with C well below 0.1; the cubic Hermite on top of RK4 is
// O(h⁴)/384 ≈ 2e-8; on BS3 (measured 2.0e-6 at t = 1), Heun and Midpoint
// (≈ h²/6 ≈ 4e-4) the method's own global error dominates, as it does on
// Euler (≈ h/2 ≈ 0.025).
func TestSaveAt(t *testing.T) {
	saveAt := []float64{0, 0.013, 0.25, 0.5, 0.5, 0.731, 0.9999, 1}
	bound := map[string]float64{"euler": 0.03, "heun": 1e-3, "midpoint": 1e-3, "rk4": 1e-7, "bs3": 5e-6, "dopri5": 1e-8, "tsit5": 1e-8}
	for _, m := range ode.Methods() {
		s := ode.NewSolver[float64](m, 3)
		p := decayProblem(0, 1, 3)
		set := &ode.Settings{Steps: 20}
		plain, err := s.Solve(context.Background(), p, set)
		if err != nil {
			t.Fatal(err)
		}
		xPlain, stPlain := slices.Clone(plain.X), plain.Stats
		set.SaveAt = saveAt
		res, err := s.Solve(context.Background(), p, set)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.X, xPlain) || res.Stats.Steps != stPlain.Steps {
			t.Errorf("%s: SaveAt changed the solution: %v vs %v, %+v vs %+v", m.Name, res.X, xPlain, res.Stats, stPlain)
		}
		if len(res.Saved) != len(saveAt) {
			t.Fatalf("%s: %d saved states, want %d", m.Name, len(res.Saved), len(saveAt))
		}
		for i, ts := range saveAt {
			if e := math.Abs(res.Saved[i][2] - math.Exp(-ts)); e > bound[m.Name] {
				t.Errorf("%s: saved at %v off by %g > %g", m.Name, ts, e, bound[m.Name])
			}
		}
		if res.Saved[0][0] != 1 || res.Saved[7][0] != res.X[0] || res.Saved[3][1] != res.Saved[4][1] {
			t.Errorf("%s: end points or repeated times not exact: %v", m.Name, res.Saved)
		}
	}
}

// TestSaveAtAdaptive: with adaptive steps, which are long on x' = −x (few
// SaveAt points fall on a step's end), the dense output at 101 points is as
// accurate as the steps: within 10·rtol of the exact solution (|x| ≤ 1).
func TestSaveAtAdaptive(t *testing.T) {
	var saveAt []float64
	for i := range 101 {
		saveAt = append(saveAt, float64(i)*0.05)
	}
	for _, m := range []*ode.Tableau{ode.DOPRI5, ode.Tsit5, ode.BS3, ode.Heun} {
		res, err := ode.Solve(context.Background(), decayProblem(0, 5, 1), &ode.Settings{RTol: 1e-7, ATol: 1e-10, SaveAt: saveAt}, m)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i, ts := range saveAt {
			worst = max(worst, math.Abs(res.Saved[i][0]-math.Exp(-ts)))
		}
		if worst > 1e-6 {
			t.Errorf("%s: worst SaveAt error %g with rtol 1e-7", m.Name, worst)
		}
	}
}

func TestObserver(t *testing.T) {
	for _, set := range []*ode.Settings{{Steps: 7}, {RTol: 1e-6, ATol: 1e-9}} {
		s := ode.NewSolver[float64](ode.DOPRI5, 1)
		var rec recorder
		s.Observer = rec.observe
		res, err := s.Solve(context.Background(), decayProblem(0, 2, 1), set)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.ts) != res.Stats.Accepted+1 || rec.ts[0] != 0 || rec.xs[0][0] != 1 || rec.ts[len(rec.ts)-1] != 2 || rec.xs[len(rec.xs)-1][0] != res.X[0] {
			t.Errorf("%+v: observed %d times %v for %+v", set, len(rec.ts), rec.ts, res.Stats)
		}
		// A non-nil error stops the solve and comes back as is.
		stopErr := errors.New("enough")
		calls := 0
		s.Observer = func(t float64, x []float64) error {
			calls++
			if calls == 3 {
				return stopErr
			}
			return nil
		}
		res, err = s.Solve(context.Background(), decayProblem(0, 2, 1), set)
		if err != stopErr || res == nil || res.Status != ode.Stopped || res.Stats.Accepted != 2 || res.T != rec.ts[2] {
			t.Errorf("%+v: stopping observer: err %v, result %+v", set, err, res)
		}
	}
}

func TestT0EqualsT1(t *testing.T) {
	for _, set := range []*ode.Settings{{Steps: 5, SaveAt: []float64{1, 1}}, {RTol: 1e-6, SaveAt: []float64{1}}, {Grid: []float64{1}}} {
		s := ode.NewSolver[float64](ode.DOPRI5, 2)
		var rec recorder
		s.Observer = rec.observe
		p := ode.Problem[float64]{Field: decay[float64]{}, T0: 1, T1: 1, X0: []float64{3, 4}}
		res, err := s.Solve(context.Background(), p, set)
		if err != nil {
			t.Fatalf("%+v: %v", set, err)
		}
		if res.Status != ode.Success || res.T != 1 || !slices.Equal(res.X, p.X0) || res.Stats != (ode.Stats{}) || len(rec.ts) != 1 {
			t.Errorf("%+v: %+v, observed %v", set, res, rec.ts)
		}
		for _, x := range res.Saved {
			if !slices.Equal(x, p.X0) {
				t.Errorf("%+v: saved %v", set, res.Saved)
			}
		}
	}
}

// TestInvalidInput lists the problems and settings that Solve refuses with
// an error wrapping ErrInvalidInput and a nil Result.
func TestInvalidInput(t *testing.T) {
	p := decayProblem(0, 1, 2)
	with := func(f func(*ode.Problem[float64])) ode.Problem[float64] {
		q := p
		q.X0 = slices.Clone(p.X0)
		f(&q)
		return q
	}
	tests := []struct {
		name   string
		m      *ode.Tableau
		p      ode.Problem[float64]
		set    *ode.Settings
		reason string
	}{
		{"nil settings", ode.DOPRI5, p, nil, "no default tolerances"},
		{"zero settings", ode.DOPRI5, p, &ode.Settings{}, "no default tolerances"},
		{"RTol below MinRTol", ode.DOPRI5, p, &ode.Settings{RTol: 1e-300}, "below MinRTol"},
		{"RTol below MinRTol with ATol", ode.DOPRI5, p, &ode.Settings{RTol: 1e-15, ATol: 1e-9}, "RTol = 1e-15"},
		{"only ATol, no BErr", ode.RK4, p, &ode.Settings{ATol: 1e-6}, `"rk4" has no BErr`},
		{"pure absolute with a zero ATolVec entry", ode.DOPRI5, p, &ode.Settings{ATolVec: []float64{1e-6, 0}}, "ATolVec[1] = 0 with RTol = 0"},
		{"ATol and negative RTol", ode.DOPRI5, p, &ode.Settings{RTol: -1, ATol: 1e-6}, "RTol = -1"},
		{"ATol and steps and RTol", ode.DOPRI5, p, &ode.Settings{Steps: 3, RTol: 1e-6, ATol: 1e-6}, "exactly one"},
		{"negative RTol", ode.DOPRI5, p, &ode.Settings{RTol: -1e-6}, "RTol = -1e-06"},
		{"NaN RTol", ode.DOPRI5, p, &ode.Settings{RTol: math.NaN()}, "RTol = NaN"},
		{"Inf RTol", ode.DOPRI5, p, &ode.Settings{RTol: math.Inf(1)}, "RTol = +Inf"},
		{"two modes", ode.DOPRI5, p, &ode.Settings{Steps: 10, RTol: 1e-6}, "exactly one"},
		{"grid and steps", ode.RK4, p, &ode.Settings{Steps: 10, Grid: []float64{0, 1}}, "exactly one"},
		{"adaptive without BErr", ode.RK4, p, &ode.Settings{RTol: 1e-6}, `"rk4" has no BErr`},
		{"NaN T0", ode.RK4, with(func(q *ode.Problem[float64]) { q.T0 = math.NaN() }), &ode.Settings{Steps: 1}, "non-finite time"},
		{"Inf T1", ode.DOPRI5, with(func(q *ode.Problem[float64]) { q.T1 = math.Inf(1) }), &ode.Settings{RTol: 1e-6}, "non-finite time"},
		{"len X0", ode.RK4, with(func(q *ode.Problem[float64]) { q.X0 = q.X0[:1] }), &ode.Settings{Steps: 1}, "len(X0) = 1"},
		{"len ATolVec", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, ATolVec: []float64{1e-9}}, "len(ATolVec) = 1"},
		{"negative ATolVec", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, ATolVec: []float64{1e-9, -1}}, "ATolVec[1]"},
		{"negative ATol", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, ATol: -1}, "ATol = -1"},
		{"negative MaxStep", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, MaxStep: -1}, "MaxStep = -1"},
		{"NaN InitialStep", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, InitialStep: math.NaN()}, "InitialStep = NaN"},
		{"MinStep > MaxStep", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, MinStep: 0.5, MaxStep: 0.1}, "exceeds MaxStep"},
		{"negative MaxSteps", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, MaxSteps: -1}, "MaxSteps = -1"},
		{"grid start", ode.RK4, p, &ode.Settings{Grid: []float64{0.1, 1}}, "Grid runs from 0.1 to 1"},
		{"grid end", ode.RK4, p, &ode.Settings{Grid: []float64{0, 0.9}}, "want from T0 = 0 to T1 = 1"},
		{"grid single point", ode.RK4, p, &ode.Settings{Grid: []float64{0}}, "Grid runs from 0 to 0"},
		{"grid not monotone", ode.RK4, p, &ode.Settings{Grid: []float64{0, 0.5, 0.4, 1}}, "index 2"},
		{"grid repeated", ode.RK4, p, &ode.Settings{Grid: []float64{0, 0.5, 0.5, 1}}, "index 2"},
		{"grid NaN", ode.RK4, p, &ode.Settings{Grid: []float64{0, math.NaN(), 1}}, "index 1"},
		{"grid backward for forward span", ode.RK4, with(func(q *ode.Problem[float64]) { q.T0, q.T1 = 1, 0 }), &ode.Settings{Grid: []float64{1, 0.5, 0.7, 0}}, "index 2"},
		{"SaveAt outside", ode.DOPRI5, p, &ode.Settings{RTol: 1e-6, SaveAt: []float64{0.5, 1.5}}, "SaveAt[1] = 1.5"},
		{"SaveAt before T0", ode.RK4, p, &ode.Settings{Steps: 3, SaveAt: []float64{-0.1}}, "SaveAt[0] = -0.1"},
		{"SaveAt NaN", ode.RK4, p, &ode.Settings{Steps: 3, SaveAt: []float64{math.NaN()}}, "SaveAt[0] = NaN"},
		{"SaveAt not monotone", ode.RK4, p, &ode.Settings{Steps: 3, SaveAt: []float64{0.5, 0.2}}, "not monotone"},
		{"SaveAt ascending on a backward span", ode.RK4, with(func(q *ode.Problem[float64]) { q.T0, q.T1 = 1, 0 }), &ode.Settings{Steps: 3, SaveAt: []float64{0.2, 0.5}}, "not monotone"},
	}
	for _, tc := range tests {
		s := ode.NewSolver[float64](tc.m, 2)
		res, err := s.Solve(context.Background(), tc.p, tc.set)
		if !errors.Is(err, ode.ErrInvalidInput) || res != nil {
			t.Errorf("%s: Solve = %v, %v; want ErrInvalidInput and a nil Result", tc.name, res, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.reason)
		}
		// Settings.Validate refuses the same inputs with the same error,
		// except the length of X0, which it takes to be dim.
		if tc.name == "len X0" {
			continue
		}
		if verr := tc.set.Validate(tc.m, tc.p.T0, tc.p.T1, 2); verr == nil || verr.Error() != err.Error() {
			t.Errorf("%s: Validate = %v, want Solve's %v", tc.name, verr, err)
		}
	}
	// Validate accepts what Solve runs, and reports a negative Steps, on
	// which Solve panics, as an error.
	for _, set := range []*ode.Settings{{Steps: 3}, {Grid: []float64{0, 0.5, 1}}, {RTol: 1e-6, ATol: 1e-9, SaveAt: []float64{0.5}}, {ATol: 1e-6}} {
		if err := set.Validate(ode.DOPRI5, 0, 1, 2); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", set, err)
		}
	}
	if err := (&ode.Settings{Steps: -1}).Validate(ode.RK4, 0, 1, 2); !errors.Is(err, ode.ErrInvalidInput) {
		t.Errorf("Validate with Steps = -1: %v, want ErrInvalidInput", err)
	}
	// The one-shot Solve returns a bad tableau's reason instead of panicking.
	bad := &ode.Tableau{Name: "bad", Order: 1, C: []float64{0}, A: [][]float64{{}}, B: []float64{0.5}}
	if _, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 1}, bad); !errors.Is(err, ode.ErrTableauWeights) {
		t.Errorf("Solve with a bad tableau: %v", err)
	}
	if _, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 1}, nil); !errors.Is(err, ode.ErrTableauShape) {
		t.Errorf("Solve with a nil tableau: %v", err)
	}
}

func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if r == nil || !strings.HasPrefix(msg, "ode: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: recovered %v, want an \"ode: ...%s...\" panic", name, r, want)
		}
	}()
	f()
}

// TestPanics lists the plain programmer mistakes, which panic.
func TestPanics(t *testing.T) {
	p := decayProblem(0, 1, 1)
	s := ode.NewSolver[float64](ode.RK4, 1)
	mustPanic(t, "nil field", "nil Problem.Field", func() {
		s.Solve(context.Background(), ode.Problem[float64]{T1: 1, X0: []float64{1}}, &ode.Settings{Steps: 1})
	})
	mustPanic(t, "negative Steps", "negative Settings.Steps", func() {
		s.Solve(context.Background(), p, &ode.Settings{Steps: -3})
	})
	mustPanic(t, "nil context", "nil context", func() {
		//lint:ignore SA1012 the nil context is the point of the test
		s.Solve(nil, p, &ode.Settings{Steps: 1})
	})
	mustPanic(t, "nil method", "nil method", func() { ode.NewSolver[float64](nil, 1) })
	mustPanic(t, "negative dim", "negative dimension", func() { ode.NewSolver[float32](ode.RK4, -1) })
	bad := &ode.Tableau{Name: "bad", Order: 2, C: []float64{0}, A: [][]float64{{}}, B: []float64{1}}
	mustPanic(t, "invalid tableau", "order condition", func() { ode.NewSolver[float64](bad, 1) })
}
