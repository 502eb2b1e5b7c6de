package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// The hand loop computes classical RK4: the same numbers as windrose's RK4
// (up to the rounding of a different summation order) and the exact
// solution to RK4's accuracy.
func TestHandRK4(t *testing.T) {
	const dim, steps = 5, 100
	x0 := []float64{1, -2, 0.5, 3, 0}
	p := ode.Problem[float64]{Field: field.Decay{Rate: 1.5}, T0: 0.25, T1: 2, X0: x0}
	want, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: steps}, ode.RK4)
	if err != nil {
		t.Fatal(err)
	}
	x := append([]float64(nil), x0...)
	buf := func() []float64 { return make([]float64, dim) }
	handRK4(p.Field, x, buf(), buf(), buf(), buf(), buf(), p.T0, p.T1, steps)
	// The two differ only in the order of floating-point operations: a few
	// ulp of |x| ≤ 3 over 100 steps.
	if d := maxAbsDiff(x, want.X); d > 1e-14 {
		t.Errorf("hand loop differs from ode.RK4 by %v", d)
	}
	// RK4's global error here is 2.3e-9 (measured with a NumPy RK4 of the
	// same steps); its local error (h·k)^5/120·|x| with h·k = 0.026 per step
	// makes it of that size. 1e-7 bounds it, while a third-order loop would
	// be off by about (h·k)^4/24·|x| per step, some 1e-6 over 100 steps.
	for i, v := range x0 {
		if e := v * math.Exp(-1.5*(p.T1-p.T0)); math.Abs(x[i]-e) > 1e-7 {
			t.Errorf("x[%d] = %v, want %v", i, x[i], e)
		}
	}
}

// rk45Golden is testdata/scipy/rk45.json, written by testdata/scipy/gen.py.
type rk45Golden struct {
	Cases []struct {
		Problem            string
		RTol               float64 `json:"rtol"`
		ATol               float64 `json:"atol"`
		NFev               int     `json:"nfev"`
		Accepted, Rejected int
		XFinal             []float64 `json:"x_final"`
	}
}

// The small DOPRI5 cases do the work SciPy's RK45 does (same counts, same
// final state), as recorded by testdata/scipy/gen.py; the large cases
// reach the exact solution.
func TestCases(t *testing.T) {
	b, err := os.ReadFile("../../testdata/scipy/rk45.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden rk45Golden
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	cs, err := cases()
	if err != nil {
		t.Fatal(err)
	}
	matched := 0
	for _, c := range cs {
		if strings.HasPrefix(c.name, "decay100k") && testing.Short() {
			// 0.5 s each; the hand loop is covered by TestHandRK4 and
			// the solvers by package ode's tests.
			continue
		}
		call, result := c.prepare()
		if err := call(); err != nil {
			t.Errorf("%s (%s): %v", c.name, c.method, err)
			continue
		}
		st, x := result()
		if strings.HasPrefix(c.name, "decay100k") {
			// 1e-9: DOPRI5 at rtol = atol = 1e-10 and RK4 with h = 1e-3
			// (error ≈ h^4/120 ≈ 1e-14) are both far more accurate.
			if e := maxAbsDiff(x, c.exact); !(e < 1e-9) {
				t.Errorf("%s (%s): error %v", c.name, c.method, e)
			}
			continue
		}
		for _, g := range golden.Cases {
			if c.name != fmt.Sprintf("%s rtol=%g atol=%g", g.Problem, g.RTol, g.ATol) {
				continue
			}
			matched++
			if st.FieldEvals != g.NFev || st.Accepted != g.Accepted || st.Rejected != g.Rejected {
				t.Errorf("%s: (nfev, accepted, rejected) = (%d, %d, %d), SciPy's (%d, %d, %d)",
					c.name, st.FieldEvals, st.Accepted, st.Rejected, g.NFev, g.Accepted, g.Rejected)
			}
			// Same algorithm, same steps: the final states differ by
			// rounding, amplified on the chaotic Lorenz orbit (measured
			// up to 6e-10); a different method differs by far more.
			if d := maxAbsDiff(x, g.XFinal); !(d < 1e-7) {
				t.Errorf("%s: final state %v, SciPy's %v", c.name, x, g.XFinal)
			}
		}
	}
	if matched != 2*3 {
		t.Errorf("%d cases matched the golden SciPy data, want 6", matched)
	}
}

// The two sides name their cases alike, or the table pairs nothing.
func TestCaseNamesMatchSciPySide(t *testing.T) {
	out, err := exec.Command("/usr/bin/python3", "scipy_side.py", "--list").Output()
	if err != nil {
		t.Skipf("scipy side unavailable here: %v", err)
	}
	py := strings.Fields(strings.ReplaceAll(string(out), " ", "_"))
	cs, _ := cases()
	var gonames []string
	for _, c := range cs {
		if n := strings.ReplaceAll(c.name, " ", "_"); !slices.Contains(gonames, n) {
			gonames = append(gonames, n)
		}
	}
	if !slices.Equal(py, gonames) {
		t.Errorf("case names differ:\nscipy_side.py: %v\ncases.go:      %v", py, gonames)
	}
}

func TestCalibrate(t *testing.T) {
	calls := 0
	n, _, err := calibrate(func() error { calls++; return nil }, 0)
	if err != nil || n != 1 || calls != 2 {
		t.Errorf("calibrate with no minimum time: n = %d, %d calls (want 1 and 2: warm-up, sample), err %v", n, calls, err)
	}
	boom := errors.New("boom")
	calls = 0
	if _, _, err := calibrate(func() error {
		calls++
		if calls == 3 {
			return boom
		}
		return nil
	}, 1<<62); !errors.Is(err, boom) {
		t.Errorf("calibrate error %v, want boom", err)
	}
}

func TestTable(t *testing.T) {
	e := 1e-6
	ours := &report{Side: "windrose", Versions: "go", Cases: []measurement{
		{Name: tutorialTargetCase, Method: "windrose dopri5", Seconds: 1e-5, NFev: 380, Error: &e, XHead: []float64{1}},
		{Name: handLoopCase, Method: "windrose rk4", Seconds: 0.5, NFev: 4000, XHead: []float64{2, 3}},
		{Name: handLoopCase, Method: "go hand-written RK4", Seconds: 0.4, NFev: 4000, XHead: []float64{2, 3.5}},
	}}
	peers := &report{Side: "scipy", Versions: "py", Cases: []measurement{
		{Name: tutorialTargetCase, Method: "scipy RK45", Seconds: 4e-3, NFev: 760, XHead: []float64{1.25}},
		{Name: handLoopCase, Method: "numpy hand-written RK4", Seconds: 0.25, NFev: 4000, XHead: []float64{2, 3}},
		{Name: "lonely", Method: "scipy RK45", Seconds: 1, NFev: 1},
	}}
	rows := pairRows(ours, peers)
	var got []string
	for _, r := range rows {
		got = append(got, r.ours.Method+" vs "+r.peer.Method)
	}
	want := []string{"windrose dopri5 vs scipy RK45", "windrose rk4 vs go hand-written RK4", "windrose rk4 vs numpy hand-written RK4"}
	if !slices.Equal(got, want) {
		t.Fatalf("pairs %q, want %q", got, want)
	}
	var buf bytes.Buffer
	printTable(&buf, ours, peers)
	out := buf.String()
	for _, s := range []string{
		"| " + tutorialTargetCase + " | dopri5 | scipy RK45 | 380 | 760 | 2.00 | 10 µs | 4 ms | 400 | 1.0e-06 | - | 2.5e-01 |",
		"| " + handLoopCase + " | rk4 | go hand-written RK4 | 4000 | 4000 | 1.00 | 500 ms | 400 ms | 0.8 | - | - | 5.0e-01 |",
		"| " + handLoopCase + " | rk4 | numpy hand-written RK4 | 4000 | 4000 | 1.00 | 500 ms | 250 ms | 0.5 | - | - | 0.0e+00 |",
		"SciPy/windrose time 400 (want ≥ 50): met",
		"windrose/hand-loop time 1.250 (want ≤ 1.15): MISSED",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "lonely") {
		t.Errorf("an unpaired peer case was printed:\n%s", out)
	}
}

// The table keeps each case's fastest round; rounds that disagree on the
// work done are refused.
func TestTableFilesMergeRounds(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r report) string {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		path := dir + "/" + name
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	m := func(side string, sec float64, nfev int) report {
		method := "scipy RK45"
		if side == "windrose" {
			method = "windrose dopri5"
		}
		return report{Side: side, Cases: []measurement{{Name: "c", Method: method, Seconds: sec, Samples: 5, NFev: nfev, XHead: []float64{0}}}}
	}
	paths := []string{
		write("w1", m("windrose", 3e-6, 10)), write("s1", m("scipy", 2e-3, 10)),
		write("w2", m("windrose", 2e-6, 10)), write("s2", m("scipy", 3e-3, 10)),
	}
	var buf bytes.Buffer
	if err := printTableFiles(&buf, paths); err != nil {
		t.Fatal(err)
	}
	// Fastest rounds: 2 µs and 2 ms, ratio 1000.
	if want := "| c | dopri5 | scipy RK45 | 10 | 10 | 1.00 | 2 µs | 2 ms | 1e+03 |"; !strings.Contains(buf.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, buf.String())
	}
	bad := write("w3", m("windrose", 1e-6, 11))
	if err := printTableFiles(io.Discard, append(paths, bad)); err == nil || !strings.Contains(err.Error(), "disagree") {
		t.Errorf("rounds with different counts: error %v", err)
	}
	if err := printTableFiles(io.Discard, paths[:1]); err == nil {
		t.Error("a single side was accepted")
	}
}
