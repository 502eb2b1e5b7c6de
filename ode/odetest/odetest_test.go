package odetest_test

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// TestProblemsExact checks each built-in problem's closed form: it equals X0
// at T0, and its derivative (fourth-order central difference) equals the
// field along the solution.
func TestProblemsExact(t *testing.T) {
	for _, p := range odetest.Problems() {
		t.Run(p.Name, func(t *testing.T) {
			if got := p.ExactAt(p.T0); floats.Distance(got, p.X0, math.Inf(1)) > 1e-15 {
				t.Errorf("Exact(T0) = %v, want X0 = %v", got, p.X0)
			}
			// h = 1e-3: truncation h⁴|x⁽⁵⁾|/30 and round-off 1.5 eps|x|/h are
			// both near 1e-12 for these O(1) solutions; a wrong formula gives
			// an O(1) residual. 1e-9 sits between.
			const h = 1e-3
			n := len(p.X0)
			f := make([]float64, n)
			for _, tt := range []float64{p.T0 + 0.3, (p.T0 + p.T1) / 2, p.T1} {
				xp2, xp1 := p.ExactAt(tt+2*h), p.ExactAt(tt+h)
				xm1, xm2 := p.ExactAt(tt-h), p.ExactAt(tt-2*h)
				p.Field.Eval(f, tt, p.ExactAt(tt))
				for i := range f {
					d := (-xp2[i] + 8*xp1[i] - 8*xm1[i] + xm2[i]) / (12 * h)
					if math.Abs(d-f[i]) > 1e-9 {
						t.Errorf("t=%v component %d: x' = %v, f = %v", tt, i, d, f[i])
					}
				}
			}
		})
	}
}

func TestLogLogSlope(t *testing.T) {
	// y = 3 x^2.5 exactly, so the fit is exact up to round-off in the logs.
	x := []float64{0.1, 0.05, 0.02, 0.01}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 3 * math.Pow(v, 2.5)
	}
	if k := odetest.LogLogSlope(x, y); math.Abs(k-2.5) > 1e-12 {
		t.Errorf("slope = %v, want 2.5", k)
	}
	// A least-squares fit, not a two-point secant: for y = x²·(1, 2, 1, 2)
	// the residuals of log y alternate ±ln(2)/2 around 2 log x + c; the
	// slope differs from 2 by (Σ dx·r)/(Σ dx²), computed by hand for
	// x = 1, 2, 4, 8 (dx = (-1.5, -0.5, 0.5, 1.5)·ln 2,
	// r = (-1, 1, -1, 1)·ln(2)/2): Σ dx·r = ln²2·(1.5-0.5-0.5+1.5)/2 = ln²2,
	// Σ dx² = 5 ln²2, so the slope is 2 + 1/5.
	x = []float64{1, 2, 4, 8}
	y = []float64{1, 8, 16, 128}
	if k := odetest.LogLogSlope(x, y); math.Abs(k-2.2) > 1e-12 {
		t.Errorf("slope = %v, want 2.2", k)
	}
	for _, c := range []struct {
		name string
		x, y []float64
	}{
		{"length", []float64{1, 2}, []float64{1}},
		{"one point", []float64{1}, []float64{1}},
		{"zero", []float64{1, 2}, []float64{0, 1}},
		{"negative", []float64{-1, 2}, []float64{1, 1}},
		{"equal x", []float64{2, 2}, []float64{1, 3}},
	} {
		expectPanic(t, c.name, func() { odetest.LogLogSlope(c.x, c.y) })
	}
}

func expectPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "odetest: ") {
			t.Errorf("%s: panic %v, want an odetest: panic", name, r)
		}
	}()
	f()
}

// TestObservedOrder runs the helper on methods whose orders are textbook
// facts. Step counts: for Euler on the rotation over [0, 4], h from 0.04 to
// 0.005 gives errors 0.3..0.04, where the leading term h·C dominates (the
// next term is O(h²), 1/10 of it at the coarsest h); for RK4, h from 0.2 to
// 0.025 gives errors 1e-5..1e-9, far above round-off (1e-15) and with the
// O(h⁵) term below 5% of the O(h⁴) one. The ±0.1 band is wider than the
// pre-asymptotic drift this leaves (measured below 0.05) and narrower than
// the distance to the next integer order.
func TestObservedOrder(t *testing.T) {
	for _, c := range []struct {
		m     *ode.Tableau
		p     field.Problem
		steps []int
		want  float64
	}{
		{ode.Euler, odetest.Rotation(), []int{100, 200, 400, 800}, 1},
		{ode.Euler, odetest.Nonautonomous(), []int{200, 400, 800, 1600}, 1},
		{ode.RK4, odetest.Rotation(), []int{20, 40, 80, 160}, 4},
		{ode.RK4, odetest.Decay(), []int{10, 20, 40, 80}, 4},
		{ode.RK4, odetest.Nonautonomous(), []int{40, 80, 160, 320}, 4},
	} {
		order, errs, err := odetest.ObservedOrder(c.m, c.p, c.steps)
		if err != nil {
			t.Errorf("%s on %s: %v", c.m.Name, c.p.Name, err)
			continue
		}
		if len(errs) != len(c.steps) {
			t.Errorf("%s on %s: %d errors for %d step counts", c.m.Name, c.p.Name, len(errs), len(c.steps))
		}
		if math.Abs(order-c.want) > 0.1 {
			t.Errorf("%s on %s: observed order %.3f, want %v (errors %v)", c.m.Name, c.p.Name, order, c.want, errs)
		}
	}
}

// TestObservedOrderZeroError: a method that is exact on the problem (Euler
// on x' = 0) leaves no logarithm to take: an error, not a silent NaN.
func TestObservedOrderZeroError(t *testing.T) {
	p := field.Problem{
		Name:  "constant",
		Field: ode.Func[float64](func(dst []float64, _ float64, _ []float64) { dst[0] = 0 }),
		T0:    0, T1: 1, X0: []float64{3},
		Exact: func(dst []float64, _ float64) { dst[0] = 3 },
	}
	if _, _, err := odetest.ObservedOrder(ode.Euler, p, []int{1, 2}); err == nil {
		t.Error("no error for zero errors")
	}
}

func TestObservedOrderPanics(t *testing.T) {
	noExact := odetest.Decay()
	noExact.Exact = nil
	expectPanic(t, "nil Exact", func() { odetest.ObservedOrder(ode.Euler, noExact, []int{1, 2}) })
	expectPanic(t, "one count", func() { odetest.ObservedOrder(ode.Euler, odetest.Decay(), []int{1}) })
	expectPanic(t, "zero count", func() { odetest.ObservedOrder(ode.Euler, odetest.Decay(), []int{0, 2}) })
}

func TestCounter(t *testing.T) {
	c := &odetest.Counter[float32]{Field: ode.Func[float32](func(dst []float32, _ float64, x []float32) {
		copy(dst, x)
	})}
	d := make([]float32, 2)
	for i := 0; i < 5; i++ {
		c.Eval(d, 0, []float32{1, 2})
	}
	if c.Evals != 5 || d[1] != 2 {
		t.Errorf("Evals = %d, dst = %v; want 5 and the wrapped field's output", c.Evals, d)
	}
}

func TestContract(t *testing.T) {
	inner := odetest.Rotation().Field
	newC := func() *odetest.Contract[float64] {
		return &odetest.Contract[float64]{Field: inner, Dim: 2, T0: 1, T1: -1}
	}
	buf := make([]float64, 6)
	ok := newC()
	ok.Eval(buf[0:2], 0.5, buf[2:4])
	ok.Eval(buf[0:2], -1, buf[2:4])
	if ok.Err != nil || ok.Violations != 0 {
		t.Errorf("good calls flagged: %v", ok.Err)
	}
	for _, c := range []struct {
		name string
		call func(c *odetest.Contract[float64])
		msg  string
	}{
		{"length", func(c *odetest.Contract[float64]) { c.Eval(buf[0:2], 0, buf[2:5]) }, "len"},
		{"dim", func(c *odetest.Contract[float64]) { c.Eval(buf[0:3], 0, buf[3:6]) }, "want 2"},
		{"alias", func(c *odetest.Contract[float64]) { c.Eval(buf[1:3], 0, buf[2:4]) }, "sharing"},
		{"same", func(c *odetest.Contract[float64]) { c.Eval(buf[0:2], 0, buf[0:2]) }, "sharing"},
		{"late", func(c *odetest.Contract[float64]) { c.Eval(buf[0:2], 1.0000001, buf[2:4]) }, "outside"},
		{"early", func(c *odetest.Contract[float64]) { c.Eval(buf[0:2], -2, buf[2:4]) }, "outside"},
		{"nan", func(c *odetest.Contract[float64]) { c.Eval(buf[0:2], math.NaN(), buf[2:4]) }, "non-finite"},
	} {
		k := newC()
		c.call(k)
		c.call(k)
		if k.Err == nil || !strings.Contains(k.Err.Error(), c.msg) || k.Violations != 2 {
			t.Errorf("%s: Err = %v, Violations = %d; want two violations mentioning %q", c.name, k.Err, k.Violations, c.msg)
		}
	}
	// Adjacent, non-overlapping slices are fine.
	adj := newC()
	adj.Eval(buf[0:2], 0, buf[2:4])
	if adj.Err != nil {
		t.Errorf("adjacent slices flagged: %v", adj.Err)
	}
}

// Broken fields for TestCheckField.
type (
	writesX     struct{}
	skipsFirst  struct{}
	accumulates struct{}
	stateful    struct{ n int }
	retains     struct{ last []float64 }
)

func (writesX) Eval(dst []float64, _ float64, x []float64) {
	copy(dst, x)
	x[0] = 0
}
func (skipsFirst) Eval(dst []float64, _ float64, x []float64) { copy(dst[1:], x[1:]) }
func (accumulates) Eval(dst []float64, _ float64, x []float64) {
	for i := range dst {
		dst[i] += x[i]
	}
}
func (s *stateful) Eval(dst []float64, _ float64, x []float64) {
	s.n++
	for i := range dst {
		dst[i] = x[i] + float64(s.n)
	}
}

// retains caches the first x it sees and keeps using it: the bug the
// "must not retain" rule forbids.
func (r *retains) Eval(dst []float64, _ float64, x []float64) {
	if r.last == nil {
		r.last = x
	}
	copy(dst, r.last)
}

func TestCheckField(t *testing.T) {
	x := []float64{1, 2, 3}
	for _, p := range odetest.Problems() {
		if err := odetest.CheckField(p.Field, p.T0, p.X0); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	// ode.Batch keeps the contract of the field it applies per sample.
	rot := odetest.Rotation()
	two := append(append([]float64(nil), rot.X0...), 0.5, -3)
	if err := odetest.CheckField[float64](ode.Batch[float64]{Field: rot.Field, Dim: len(rot.X0)}, 1, two); err != nil {
		t.Errorf("ode.Batch: %v", err)
	}
	for _, c := range []struct {
		name string
		f    ode.VectorField[float64]
		msg  string
	}{
		{"writes x", writesX{}, "changed x"},
		{"skips dst[0]", skipsFirst{}, "dst[0]"},
		{"accumulates", accumulates{}, "dst[0]"}, // NaN + x stays NaN
		{"stateful", &stateful{}, "previous contents"},
		{"retains", &retains{}, "earlier calls"},
	} {
		err := odetest.CheckField(c.f, 0, x)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: CheckField = %v, want an error mentioning %q", c.name, err, c.msg)
		}
	}
	if x[0] != 1 {
		t.Errorf("CheckField let a field modify the caller's x")
	}
	expectPanic(t, "empty", func() { odetest.CheckField[float64](writesX{}, 0, nil) })
	expectPanic(t, "nan", func() { odetest.CheckField[float64](writesX{}, 0, []float64{math.NaN()}) })
}

func TestCompareFields(t *testing.T) {
	a := ode.Func[float32](func(dst []float32, t float64, x []float32) {
		for i := range x {
			dst[i] = x[i] * float32(t)
		}
	})
	b := ode.Func[float32](func(dst []float32, t float64, x []float32) {
		for i := range x {
			dst[i] = x[i]*float32(t) + float32(i)*0.5
		}
	})
	x := []float32{1, 2, 3}
	if d := odetest.CompareFields[float32](a, a, 2, x); d != 0 {
		t.Errorf("field vs itself: %v", d)
	}
	// Component 2 differs by exactly 2*0.5 = 1.
	if d := odetest.CompareFields[float32](a, b, 2, x); d != 1 {
		t.Errorf("distance = %v, want 1", d)
	}
}

// TestFieldEvalsFormula checks the formula on counts known from elsewhere:
// classical RK4 makes 4 evaluations per fixed step; SciPy's RK45 (DOPRI5,
// FSAL) on the tutorial problem at rtol 1e-6 made 92 evaluations for 14
// accepted and 1 rejected step (testdata/scipy/rk45.json), i.e. 2 + 6·15
// with Hairer's initial step as the extra one; Heun with Hairer's initial
// step evaluates k1 at T0 and after each accepted step but the last, k2 in
// every attempt.
func TestFieldEvalsFormula(t *testing.T) {
	for _, c := range []struct {
		m     *ode.Tableau
		st    ode.Stats
		extra int
		want  int
	}{
		{ode.RK4, ode.Stats{Steps: 10, Accepted: 10}, 0, 40},
		{ode.DOPRI5, ode.Stats{Steps: 15, Accepted: 14, Rejected: 1}, 1, 92},
		{ode.Heun, ode.Stats{Steps: 5, Accepted: 3, Rejected: 2}, 1, 5 + 3 + 1},
		{ode.BS3, ode.Stats{Steps: 4, Accepted: 4}, 0, 3*4 + 1},
		{ode.Euler, ode.Stats{}, 0, 0},
	} {
		if got := odetest.FieldEvals(c.m, c.st, c.extra); got != c.want {
			t.Errorf("%s %+v extra %d: %d, want %d", c.m.Name, c.st, c.extra, got, c.want)
		}
	}
}
