package ode_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/windrose/windrose/ode"
)

// scipyCase is one entry of testdata/scipy/rk45.json, written by
// testdata/scipy/gen.py (SciPy's solve_ivp with method="RK45").
type scipyCase struct {
	Problem   string    `json:"problem"`
	T0        float64   `json:"t0"`
	T1        float64   `json:"t1"`
	X0        []float64 `json:"x0"`
	RTol      float64   `json:"rtol"`
	ATol      float64   `json:"atol"`
	NFev      int       `json:"nfev"`
	Accepted  int       `json:"accepted"`
	Rejected  int       `json:"rejected"`
	FirstStep float64   `json:"first_step"`
	XFinal    []float64 `json:"x_final"`
	XExact    []float64 `json:"x_exact"`
	Error     float64   `json:"error"`
}

// The right-hand sides of gen.py, written again here from their sources
// (the tutorial's ODE; HNW I, II.0, eq. (0.1) for Arenstorf; Lorenz 1963).
var scipyFields = map[string]ode.Func[float64]{
	"tutorial": func(dst []float64, t float64, x []float64) {
		dst[0] = (x[0] + t*t - 2) / (t + 1)
	},
	"arenstorf": func(dst []float64, _ float64, y []float64) {
		const mu = 0.012277471
		const mup = 1 - mu
		d1 := math.Pow((y[0]+mu)*(y[0]+mu)+y[1]*y[1], 1.5)
		d2 := math.Pow((y[0]-mup)*(y[0]-mup)+y[1]*y[1], 1.5)
		dst[0] = y[2]
		dst[1] = y[3]
		dst[2] = y[0] + 2*y[3] - mup*(y[0]+mu)/d1 - mu*(y[0]-mup)/d2
		dst[3] = y[1] - 2*y[2] - mup*y[1]/d1 - mu*y[1]/d2
	},
	"lorenz": func(dst []float64, _ float64, y []float64) {
		dst[0] = 10 * (y[1] - y[0])
		dst[1] = y[0]*(28-y[2]) - y[1]
		dst[2] = y[0]*y[1] - 8.0/3*y[2]
	},
}

// TestSciPyParity runs DOPRI5 on the cases SciPy's RK45 solved in
// testdata/scipy/rk45.json. Both implement the same method, error norm,
// controller (safety 0.9, factors in [0.2, 10], no growth after a rejection,
// accept when norm < 1) and initial step, so the work must agree: field
// evaluations within ±10% (the parity bound), and the first step
// within 1e-9 relative (the same formula on the same numbers). Accuracy: the
// final error against the exact (or reference) solution within 10× SciPy's
// own error, except on Lorenz at rtol 1e-6, where SciPy's own error is O(1)
// (chaos: any difference in rounding grows by e^{0.9·20}) and only the work
// is compared.
func TestSciPyParity(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "scipy", "rk45.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []scipyCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range doc.Cases {
		f, ok := scipyFields[c.Problem]
		if !ok {
			t.Errorf("unknown problem %q", c.Problem)
			continue
		}
		s := ode.NewSolver[float64](ode.DOPRI5, len(c.X0))
		var first float64
		s.Observer = func(t float64, x []float64) error {
			if first == 0 && t != c.T0 {
				first = t - c.T0
			}
			return nil
		}
		p := ode.Problem[float64]{Field: f, T0: c.T0, T1: c.T1, X0: c.X0}
		res, err := s.Solve(context.Background(), p, &ode.Settings{RTol: c.RTol, ATol: c.ATol})
		if err != nil {
			t.Errorf("%s rtol %g: %v", c.Problem, c.RTol, err)
			continue
		}
		e := 0.0
		for i := range res.X {
			e = max(e, math.Abs(res.X[i]-c.XExact[i]))
		}
		t.Logf("%-9s rtol %g: FieldEvals %d (SciPy %d), accepted %d (%d), rejected %d (%d), error %.3g (%.3g)",
			c.Problem, c.RTol, res.Stats.FieldEvals, c.NFev, res.Stats.Accepted, c.Accepted,
			res.Stats.Rejected, c.Rejected, e, c.Error)
		if r := float64(res.Stats.FieldEvals) / float64(c.NFev); r < 0.9 || r > 1.1 {
			t.Errorf("%s rtol %g: %d field evaluations, SciPy %d (ratio %.3f, want within ±10%%)",
				c.Problem, c.RTol, res.Stats.FieldEvals, c.NFev, r)
		}
		if math.Abs(first-c.FirstStep) > 1e-9*c.FirstStep {
			t.Errorf("%s rtol %g: first step %v, SciPy %v", c.Problem, c.RTol, first, c.FirstStep)
		}
		if !(c.Problem == "lorenz" && c.RTol > 1e-8) && e > 10*c.Error {
			t.Errorf("%s rtol %g: error %g, SciPy %g", c.Problem, c.RTol, e, c.Error)
		}
	}
}
