package field_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// fieldsJSON is testdata/scipy/fields.json, written by testdata/scipy/gen.py
// from NumPy/SciPy implementations of the same equations.
type fieldsJSON struct {
	LinearA [][]float64 `json:"linear_A"`
	Samples []struct {
		Field  string             `json:"field"`
		Params map[string]float64 `json:"params"`
		T      float64            `json:"t"`
		X      []float64          `json:"x"`
		F      []float64          `json:"f"`
	} `json:"samples"`
	Exact []struct {
		Field  string             `json:"field"`
		Params map[string]float64 `json:"params"`
		T0     float64            `json:"t0"`
		X0     []float64          `json:"x0"`
		T      float64            `json:"t"`
		X      []float64          `json:"x"`
	} `json:"exact"`
}

func loadFields(t *testing.T) fieldsJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "scipy", "fields.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d fieldsJSON
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// catalogueLinearA is the matrix of the "linear" catalogue problem.
func catalogueLinearA(t *testing.T) *mat.Dense {
	t.Helper()
	p, err := field.ProblemByName("linear")
	if err != nil {
		t.Fatal(err)
	}
	return p.Field.(field.Linear).A
}

// byName builds the Go field that a fields.json entry names.
func byName(t *testing.T, name string, params map[string]float64) ode.VectorField[float64] {
	t.Helper()
	switch name {
	case "tutorial":
		return field.Tutorial{}
	case "decay":
		return field.Decay{Rate: params["rate"]}
	case "linear":
		return field.Linear{A: catalogueLinearA(t)}
	case "oscillator":
		return field.Oscillator{Omega: params["omega"]}
	case "lorenz":
		return field.Lorenz{}
	case "arenstorf":
		return field.Arenstorf{}
	case "vanderpol":
		return field.VanDerPol{Mu: params["mu"]}
	}
	t.Fatalf("unknown field %q in fields.json", name)
	return nil
}

// relErr is max_i |got_i - want_i| / max(1, max_i |want_i|).
func relErr(got, want []float64) float64 {
	return floats.Distance(got, want, math.Inf(1)) / math.Max(1, floats.Norm(want, math.Inf(1)))
}

// TestFieldsMatchNumPy compares every field's Eval with the NumPy
// implementation in gen.py at random sample points.
func TestFieldsMatchNumPy(t *testing.T) {
	d := loadFields(t)
	if !mat.Equal(mat.NewDense(3, 3, flatten(d.LinearA)), catalogueLinearA(t)) {
		t.Fatalf("catalogue linear A differs from gen.py's: %v", d.LinearA)
	}
	seen := map[string]bool{}
	for _, s := range d.Samples {
		f := byName(t, s.Field, s.Params)
		got := make([]float64, len(s.X))
		f.Eval(got, s.T, s.X)
		// Same formulas in a different evaluation order: a few ulps of the
		// largest term. The Arenstorf field subtracts O(1/r³) terms near the
		// bodies, so allow 1e-13 relative to max(1, |f|).
		if e := relErr(got, s.F); e > 1e-13 {
			t.Errorf("%s at t=%v x=%v: Eval = %v, NumPy %v (rel err %.3g)", s.Field, s.T, s.X, got, s.F, e)
		}
		seen[s.Field] = true
	}
	for _, p := range field.Problems() {
		if !seen[p.Name] {
			t.Errorf("fields.json has no samples of %s", p.Name)
		}
	}
}

// TestExactMatchesNumPy compares Exact with gen.py's closed forms (and
// scipy.linalg.expm for the linear system).
func TestExactMatchesNumPy(t *testing.T) {
	d := loadFields(t)
	for _, e := range d.Exact {
		f := byName(t, e.Field, e.Params).(field.Exacter)
		got := make([]float64, len(e.X0))
		f.Exact(got, e.T, e.T0, e.X0)
		// Closed forms agree to round-off; expm (Padé, scaling and squaring,
		// in both gonum and SciPy) is accurate to a few ulps times the
		// condition of the exponential, 1e-12 is ample for ‖tA‖ ≤ 10.
		if r := relErr(got, e.X); r > 1e-12 {
			t.Errorf("%s from x(%v)=%v at t=%v: Exact = %v, NumPy %v (rel err %.3g)", e.Field, e.T0, e.X0, e.T, got, e.X, r)
		}
	}
}

func flatten(a [][]float64) []float64 {
	var out []float64
	for _, r := range a {
		out = append(out, r...)
	}
	return out
}

// exactCase is one initial-value problem of a field with a closed form.
type exactCase struct {
	name string
	f    interface {
		ode.VectorField[float64]
		field.Exacter
	}
	t0     float64
	x0     []float64
	ts     []float64 // times at which the residual is checked
	h      float64   // finite-difference step for x'(t)
	maxRes float64   // residual bound, see TestExactSolvesODE
}

func exactCases(t *testing.T) []exactCase {
	rnd := mat.NewDense(4, 4, []float64{
		-1, 0.3, 0, 2,
		0.1, -0.2, -1, 0,
		0, 1, -0.5, 0.7,
		-2, 0, 0.4, -0.1,
	})
	return []exactCase{
		{name: "tutorial x(0)=2", f: field.Tutorial{}, t0: 0, x0: []float64{2}, ts: []float64{0.1, 1, 2.5, 5}},
		{name: "tutorial x(1)=(-3,0.5,7)", f: field.Tutorial{}, t0: 1, x0: []float64{-3, 0.5, 7}, ts: []float64{-0.5, 0.2, 3, 6}},
		{name: "decay k=1", f: field.Decay{Rate: 1}, t0: 0, x0: []float64{1}, ts: []float64{0.5, 2}},
		{name: "decay k=-0.7", f: field.Decay{Rate: -0.7}, t0: 1, x0: []float64{2, -1}, ts: []float64{0, 3}},
		{name: "linear catalogue", f: field.Linear{A: catalogueLinearA(t)}, t0: 0, x0: []float64{1, 0, 1}, ts: []float64{0.3, 2, 5}},
		{name: "linear 4x4", f: field.Linear{A: rnd}, t0: -1, x0: []float64{1, 2, -1, 0.5}, ts: []float64{-2, 0, 1.5}},
		{name: "oscillator w=2", f: field.Oscillator{Omega: 2}, t0: 0, x0: []float64{1, 0}, ts: []float64{0.7, 10}},
		{name: "oscillator w=0", f: field.Oscillator{}, t0: 2, x0: []float64{1, -3}, ts: []float64{0, 5}},
	}
}

// TestExactSolvesODE checks each closed form on its own terms: it equals x0
// at t0 and its time derivative, by a fourth-order central difference,
// equals the field at (t, Exact(t)).
func TestExactSolvesODE(t *testing.T) {
	for _, c := range exactCases(t) {
		t.Run(c.name, func(t *testing.T) {
			n := len(c.x0)
			x := make([]float64, n)
			c.f.Exact(x, c.t0, c.t0, c.x0)
			// At t0 the closed forms reduce to x0 up to round-off in
			// log/exp/expm of 0: a few ulps.
			if r := relErr(x, c.x0); r > 1e-14 {
				t.Errorf("Exact(t0) = %v, want x0 = %v", x, c.x0)
			}
			// The stencil (-x(t+2h) + 8x(t+h) - 8x(t-h) + x(t-2h))/(12h) has
			// truncation error h⁴|x⁽⁵⁾|/30 and round-off about
			// 1.5 eps |x|/h; with h = 1e-3 both are ~1e-12 relative for these
			// solutions (derivatives of modest size), so 1e-9 relative to
			// max(1, |f|) separates a wrong formula (O(1) residual) from
			// numerical noise by three orders of magnitude on each side.
			const h = 1e-3
			xp2, xp1, xm1, xm2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			fx := make([]float64, n)
			fd := make([]float64, n)
			for _, tt := range c.ts {
				c.f.Exact(xp2, tt+2*h, c.t0, c.x0)
				c.f.Exact(xp1, tt+h, c.t0, c.x0)
				c.f.Exact(xm1, tt-h, c.t0, c.x0)
				c.f.Exact(xm2, tt-2*h, c.t0, c.x0)
				c.f.Exact(x, tt, c.t0, c.x0)
				c.f.Eval(fx, tt, x)
				for i := range fd {
					fd[i] = (-xp2[i] + 8*xp1[i] - 8*xm1[i] + xm2[i]) / (12 * h)
				}
				if r := relErr(fd, fx); r > 1e-9 {
					t.Errorf("t=%v: d/dt Exact = %v, field = %v (rel residual %.3g)", tt, fd, fx, r)
				}
			}
		})
	}
}

// TestTutorialClosedForm checks Exact for the tutorial's own problem against
// the formula written out for x(0) = 2, x(t) = (t+1)² − 2(t+1)ln(t+1) + 1
// (verified symbolically by SymPy in gen.py).
func TestTutorialClosedForm(t *testing.T) {
	got := make([]float64, 1)
	for _, tt := range []float64{0, 0.5, 1, 2, 3.7, 5} {
		u := tt + 1
		want := u*u - 2*u*math.Log(u) + 1
		field.Tutorial{}.Exact(got, tt, 0, []float64{2})
		// Same formula with C = 0 folded differently: round-off only.
		if math.Abs(got[0]-want) > 1e-14*math.Abs(want) {
			t.Errorf("x(%v) = %v, want %v", tt, got[0], want)
		}
	}
}

// TestExactAliasing: Exacter allows dst and x0 to be the same slice.
func TestExactAliasing(t *testing.T) {
	for _, c := range exactCases(t) {
		want := make([]float64, len(c.x0))
		c.f.Exact(want, c.ts[0], c.t0, c.x0)
		x := append([]float64(nil), c.x0...)
		c.f.Exact(x, c.ts[0], c.t0, x)
		if !floats.Equal(x, want) {
			t.Errorf("%s: Exact in place = %v, want %v", c.name, x, want)
		}
	}
}

// TestFieldContract runs odetest.CheckField on every catalogue field and
// on the adapters.
func TestFieldContract(t *testing.T) {
	for _, p := range field.Problems() {
		if err := odetest.CheckField(p.Field, p.T0+0.37*(p.T1-p.T0), p.X0); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	x4 := []float64{0.5, -1, 2, 0.25}
	if err := odetest.CheckField[float64](field.Reverse[float64]{Field: field.Tutorial{}}, -2, x4); err != nil {
		t.Errorf("Reverse: %v", err)
	}
	if err := odetest.CheckField[float32](&field.Float32{Field: field.Lorenz{}}, 1, []float32{1, 2, 3}); err != nil {
		t.Errorf("Float32: %v", err)
	}
	if err := odetest.CheckField[float64](&field.Float64{Field: &field.Float32{Field: field.Arenstorf{}}}, 1, x4); err != nil {
		t.Errorf("Float64: %v", err)
	}
}

// TestEvalAllocs: fields are evaluated once per stage in a solver's inner
// loop, so none may allocate (the conversion adapters after their buffers
// have grown).
func TestEvalAllocs(t *testing.T) {
	type tc struct {
		name string
		eval func()
	}
	var cases []tc
	for _, p := range field.Problems() {
		dst := make([]float64, len(p.X0))
		cases = append(cases, tc{p.Name, func() { p.Field.Eval(dst, 1, p.X0) }})
	}
	x32 := []float32{1, 2, 3}
	d32 := make([]float32, 3)
	f32 := &field.Float32{Field: field.Lorenz{}}
	cases = append(cases, tc{"Float32", func() { f32.Eval(d32, 1, x32) }})
	x64 := []float64{1, 2, 3}
	d64 := make([]float64, 3)
	f64 := &field.Float64{Field: f32}
	cases = append(cases, tc{"Float64", func() { f64.Eval(d64, 1, x64) }})
	r := field.Reverse[float64]{Field: field.Tutorial{}}
	cases = append(cases, tc{"Reverse", func() { r.Eval(d64, -1, x64) }})
	for _, c := range cases {
		c.eval() // let the conversion buffers grow
		if a := testing.AllocsPerRun(100, c.eval); a != 0 {
			t.Errorf("%s: %v allocations per Eval, want 0", c.name, a)
		}
	}
}

func TestReverse(t *testing.T) {
	f := field.Tutorial{}
	r := field.Reverse[float64]{Field: f}
	x := []float64{1.5, -2}
	got := make([]float64, 2)
	want := make([]float64, 2)
	for _, s := range []float64{-4.5, -1, -0.25} {
		r.Eval(got, s, x)
		f.Eval(want, -s, x)
		for i := range want {
			// Negation is exact, so the match is bitwise.
			if got[i] != -want[i] {
				t.Errorf("Reverse at s=%v: %v, want %v", s, got, want)
			}
		}
	}
}

func TestFloatAdapters(t *testing.T) {
	f := field.Arenstorf{}
	x := []float64{0.5, 0.25, -0.3, 1.1}
	want := make([]float64, 4)
	f.Eval(want, 0, x)

	x32 := make([]float32, 4)
	for i, v := range x {
		x32[i] = float32(v)
	}
	d32 := make([]float32, 4)
	(&field.Float32{Field: f}).Eval(d32, 0, x32)
	// Inputs rounded to float32 (relative 6e-8) move f by about its
	// condition number times that; outputs are rounded to float32 again.
	// |∂f/∂x| is O(10) at this point, so 1e-5 relative is a safe bound that
	// still catches a wrong conversion (e.g. truncating to an integer).
	for i := range want {
		if math.Abs(float64(d32[i])-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
			t.Errorf("Float32: component %d = %v, want %v", i, d32[i], want[i])
		}
	}
	// Float64 over Float32 round-trips the state through float32 and back:
	// the result is exactly the float32 one widened.
	d64 := make([]float64, 4)
	(&field.Float64{Field: &field.Float32{Field: f}}).Eval(d64, 0, x)
	for i := range d64 {
		if d64[i] != float64(d32[i]) {
			t.Errorf("Float64: component %d = %v, want %v", i, d64[i], float64(d32[i]))
		}
	}
	// Buffers grow when a larger state comes along.
	g := &field.Float32{Field: field.Decay{Rate: 1}}
	g.Eval(make([]float32, 1), 0, []float32{1})
	big := []float32{1, 2, 3, 4, 5}
	out := make([]float32, 5)
	g.Eval(out, 0, big)
	for i := range out {
		if out[i] != -big[i] {
			t.Errorf("Float32 after growth: %v", out)
			break
		}
	}
}

func TestProblems(t *testing.T) {
	wantNames := []string{"tutorial", "decay", "linear", "oscillator", "lorenz", "arenstorf", "vanderpol"}
	ps := field.Problems()
	if len(ps) != len(wantNames) {
		t.Fatalf("%d problems, want %d", len(ps), len(wantNames))
	}
	hasExact := map[string]bool{"tutorial": true, "decay": true, "linear": true, "oscillator": true, "arenstorf": true}
	for i, p := range ps {
		if p.Name != wantNames[i] {
			t.Errorf("problem %d is %q, want %q", i, p.Name, wantNames[i])
		}
		if (p.Exact != nil) != hasExact[p.Name] {
			t.Errorf("%s: Exact set = %v, want %v", p.Name, p.Exact != nil, hasExact[p.Name])
		}
		if p.T1 <= p.T0 || len(p.X0) == 0 || p.Field == nil {
			t.Errorf("%s: malformed problem %+v", p.Name, p)
		}
		q, err := field.ProblemByName(p.Name)
		if err != nil || q.Name != p.Name {
			t.Errorf("ProblemByName(%q) = %v, %v", p.Name, q.Name, err)
		}
		// Exact at T0 is the initial value; the closure must not depend on
		// the caller's X0 afterwards.
		if p.Exact != nil {
			x0 := append([]float64(nil), p.X0...)
			for i := range p.X0 {
				p.X0[i] = 99
			}
			got := p.ExactAt(p.T0)
			if relErr(got, x0) > 1e-14 {
				t.Errorf("%s: Exact(T0) = %v, want %v", p.Name, got, x0)
			}
		}
	}
	if _, err := field.ProblemByName("lorentz"); err == nil || !strings.Contains(err.Error(), "lorenz") {
		t.Errorf("unknown name: error %v, want one listing the known names", err)
	}
	// The Arenstorf closure knows only T0 and T1.
	p, _ := field.ProblemByName("arenstorf")
	if got := p.ExactAt(field.ArenstorfPeriod); !floats.Equal(got, field.ArenstorfX0()) {
		t.Errorf("arenstorf Exact(T) = %v, want %v", got, field.ArenstorfX0())
	}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("arenstorf Exact(T/2) did not panic")
			}
		}()
		p.ExactAt(field.ArenstorfPeriod / 2)
	}()
}

// TestArenstorfPeriod checks the orbit constants (μ, y2'(0), T, typed here
// from HNW I, II.0) by integrating one period with DOPRI5 at
// rtol = atol = 1e-12: the solution must close. Measured: the gap
// |x(T) − x(0)| is 3.8e-8, while changing y2'(0) by 1e-10 opens it to
// 1.4e-6 (the orbit amplifies errors strongly near the Moon). The bound
// 3e-7 sits between the two, so a constant wrong in its tenth digit fails.
func TestArenstorfPeriod(t *testing.T) {
	p, _ := field.ProblemByName("arenstorf")
	res, err := ode.Solve(t.Context(), p.ODE(), &ode.Settings{RTol: 1e-12, ATol: 1e-12}, ode.DOPRI5)
	if err != nil {
		t.Fatal(err)
	}
	if d := floats.Distance(res.X, field.ArenstorfX0(), math.Inf(1)); d > 3e-7 {
		t.Errorf("orbit does not close: |x(T) - x(0)| = %.3g", d)
	}
}

// TestProblemODECopies: ODE hands the solver a copy of X0.
func TestProblemODECopies(t *testing.T) {
	p, err := field.ProblemByName("oscillator")
	if err != nil {
		t.Fatal(err)
	}
	q := p.ODE()
	q.X0[0] = 42
	if p.X0[0] != 1 {
		t.Errorf("ODE shares X0 with the Problem")
	}
	if q.T0 != p.T0 || q.T1 != p.T1 || q.Field == nil {
		t.Errorf("ODE = %+v", q)
	}
}
