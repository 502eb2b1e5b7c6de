package solvers_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// rk45Case is one case of testdata/scipy/rk45.json (see gen.py there).
type rk45Case struct {
	Problem     string    `json:"problem"`
	T0          float64   `json:"t0"`
	T1          float64   `json:"t1"`
	X0          []float64 `json:"x0"`
	RTol        float64   `json:"rtol"`
	ATol        float64   `json:"atol"`
	NFev        int       `json:"nfev"`
	NJev        int       `json:"njev"`
	Accepted    int       `json:"accepted"`
	Rejected    int       `json:"rejected"`
	XFinal      []float64 `json:"x_final"`
	XExact      []float64 `json:"x_exact"`
	ExactKind   string    `json:"exact_kind"`
	Error       float64   `json:"error"`
	Uncertainty float64   `json:"reference_uncertainty"`
}

type rk45File struct {
	SciPyVersion string     `json:"scipy_version"`
	Method       string     `json:"method"`
	Cases        []rk45Case `json:"cases"`
}

func loadRK45(t *testing.T) rk45File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "scipy", "rk45.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f rk45File
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if f.Method != "RK45" || len(f.Cases) != 6 {
		t.Fatalf("rk45.json: method %q with %d cases, want RK45 with 6", f.Method, len(f.Cases))
	}
	return f
}

// TestSciPyParity runs DOPRI5 on the problems and tolerances of
// testdata/scipy/rk45.json and compares with SciPy's solve_ivp(RK45),
// which is the same Dormand–Prince pair with the same error norm,
// controller and initial step algorithm:
//
//   - work: Stats.FieldEvals within ±10% of SciPy's nfev. Both count the
//     evaluation at T0, one for the initial step and 6 per attempted step,
//     so equal step sequences give equal counts; the 10% allows for small
//     differences in the controller (the minimum step guard, say) without
//     hiding a missing FSAL reuse (which would add 1/6 ≈ 17%) or a
//     different controller exponent (20–40% more or fewer steps).
//   - accuracy: the final max-abs error against the exact value within a
//     factor 10 of SciPy's, both ways (same order of magnitude).
//
// Lorenz on [0, 20] is chaotic (largest Lyapunov exponent ≈ 0.9, so
// perturbations grow by up to e^18 ≈ 7e7 over the span) and has no closed
// form; its "exact" value is SciPy's DOP853 at rtol = atol = 1e-13, whose
// own uncertainty, estimated by gen.py as its distance to DOP853 at 1e-12,
// is 9.3e-8. The test first checks that this is below 1% of SciPy's RK45
// error, so the reference can measure these errors at all. The same factor
// 10 is then applied, for this reason: when the two solvers take the same
// steps (their counts agree), their trajectories differ only by round-off
// amplified by at most 7e7, i.e. by 1e-8 relative, and their errors agree
// to far better than a factor 10 (measured: the final states differ by at
// most 6.2e-10, the errors by under 1e-5 relative); were the
// step sequences to differ slightly, both global errors would still be
// dominated by the same exponential amplification of local errors of the
// same size, so they would remain of the same order, though no longer
// equal. A bound tighter than 10 would depend on the exact step sequence,
// looser would not test accuracy.
func TestSciPyParity(t *testing.T) {
	f := loadRK45(t)
	t.Logf("reference: SciPy %s", f.SciPyVersion)
	for _, c := range f.Cases {
		p, err := field.ProblemByName(c.Problem)
		if err != nil {
			t.Fatal(err)
		}
		if p.T0 != c.T0 || p.T1 != c.T1 || maxAbsErr(p.X0, c.X0) != 0 {
			t.Fatalf("%s: catalogue problem [%v, %v] from %v differs from the JSON's [%v, %v] from %v",
				c.Problem, p.T0, p.T1, p.X0, c.T0, c.T1, c.X0)
		}
		if c.NJev != 0 {
			t.Errorf("%s: SciPy reports %d Jacobian evaluations for an explicit method", c.Problem, c.NJev)
		}
		// gen.py computed the exact values independently; where package
		// field has them too they must agree to round-off.
		if p.Exact != nil {
			if d := maxAbsErr(p.ExactAt(p.T1), c.XExact); d > 1e-13*math.Max(1, maxAbsErr(c.XExact, make([]float64, len(c.XExact)))) {
				t.Errorf("%s: exact x(T1) from field %v, from gen.py %v", c.Problem, p.ExactAt(p.T1), c.XExact)
			}
		} else if !(c.Uncertainty > 0 && c.Uncertainty < 0.01*c.Error) {
			t.Errorf("%s rtol %g: reference uncertainty %.3g is not below 1%% of SciPy's error %.3g", c.Problem, c.RTol, c.Uncertainty, c.Error)
		}

		res := solve(t, ode.DOPRI5, p.ODE(), &ode.Settings{RTol: c.RTol, ATol: c.ATol})
		st := res.Stats
		goErr := maxAbsErr(res.X, c.XExact)
		t.Logf("%-9s rtol %.0e atol %.0e: windrose (evals %d, accepted %d, rejected %d, error %.3g), SciPy (nfev %d, accepted %d, rejected %d, error %.3g); final states differ by %.2g",
			c.Problem, c.RTol, c.ATol, st.FieldEvals, st.Accepted, st.Rejected, goErr,
			c.NFev, c.Accepted, c.Rejected, c.Error, maxAbsErr(res.X, c.XFinal))
		if d := math.Abs(float64(st.FieldEvals - c.NFev)); d > 0.1*float64(c.NFev) {
			t.Errorf("%s rtol %g: %d field evaluations, SciPy %d: more than 10%% apart", c.Problem, c.RTol, st.FieldEvals, c.NFev)
		}
		if !(goErr <= 10*c.Error && goErr >= c.Error/10) {
			t.Errorf("%s rtol %g: final error %.3g, SciPy's %.3g: not within a factor 10", c.Problem, c.RTol, goErr, c.Error)
		}
	}
}
