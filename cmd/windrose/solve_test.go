package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// parseSolveReport parses the "key   value" lines that solve prints.
func parseSolveReport(t *testing.T, stdout string) map[string]string {
	t.Helper()
	r := make(map[string]string)
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if len(l) < 13 {
			t.Fatalf("short report line %q in\n%s", l, stdout)
		}
		r[strings.TrimSpace(l[:13])] = l[13:]
	}
	return r
}

func floatsOf(t *testing.T, s string) []float64 {
	t.Helper()
	var xs []float64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		xs = append(xs, v)
	}
	return xs
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.Fields(s)[0])
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return n
}

// tutorialExact is the solution of the tutorial's ODE x' = (x + t² − 2)/(t + 1)
// from x(t0) = x0, written here from the derivation (integrating factor
// 1/(t+1), u = t + 1): x = u² − 2u ln u + 1 + C u with
// C = x0/u0 − u0 + 2 ln u0 − 1/u0.
func tutorialExact(t, t0, x0 float64) float64 {
	u, u0 := t+1, t0+1
	c := x0/u0 - u0 + 2*math.Log(u0) - 1/u0
	return u*u - 2*u*math.Log(u) + 1 + c*u
}

// The report must be what the library computes for the same solve: the
// final state, the stats, and the error against an independently written
// closed form, for every method and both stepping modes.
func TestSolveReport(t *testing.T) {
	type solveCase struct {
		args []string
		set  ode.Settings
	}
	var cases []solveCase
	for _, m := range ode.Methods() {
		cases = append(cases, solveCase{[]string{"-method", m.Name, "-steps", "50"}, ode.Settings{Steps: 50}})
		if m.BErr != nil {
			cases = append(cases, solveCase{[]string{"-method", m.Name, "-rtol", "1e-6", "-atol", "1e-9"}, ode.Settings{RTol: 1e-6, ATol: 1e-9}})
			// A pure absolute tolerance (issue 11).
			cases = append(cases, solveCase{[]string{"-method", m.Name, "-rtol", "0", "-atol", "1e-8"}, ode.Settings{ATol: 1e-8}})
		}
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"solve"}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			r := parseSolveReport(t, stdout)
			m, _ := ode.MethodByName(tc.args[1])
			want, err := ode.Solve(context.Background(),
				ode.Problem[float64]{Field: field.Tutorial{}, T0: 0, T1: 5, X0: []float64{2}}, &tc.set, m)
			if err != nil {
				t.Fatal(err)
			}
			if got := floatsOf(t, r["x"]); len(got) != 1 || got[0] != want.X[0] {
				t.Errorf("x = %v, want %v", got, want.X)
			}
			if got := floatsOf(t, r["exact"]); len(got) != 1 || got[0] != tutorialExact(5, 0, 2) {
				t.Errorf("exact = %v, want %v", got, tutorialExact(5, 0, 2))
			}
			gotErr := floatsOf(t, strings.Fields(r["error"])[0])[0]
			wantErr := math.Abs(want.X[0] - tutorialExact(5, 0, 2))
			// The report prints the error with 4 significant digits.
			if math.Abs(gotErr-wantErr) > 5e-4*wantErr {
				t.Errorf("error = %v, want %v", gotErr, wantErr)
			}
			st := want.Stats
			if atoi(t, r["field evals"]) != st.FieldEvals {
				t.Errorf("field evals %q, want %d", r["field evals"], st.FieldEvals)
			}
			if w := fmt.Sprintf("%d (%d accepted, %d rejected)", st.Steps, st.Accepted, st.Rejected); r["steps"] != w {
				t.Errorf("steps %q, want %q", r["steps"], w)
			}
			if !strings.HasPrefix(r["status"], "Success at t = 5") {
				t.Errorf("status %q", r["status"])
			}
			if r["wall time"] == "" {
				t.Error("no wall time")
			}
		})
	}
}

// -t0 and -t1 move the span; X0 is then the value at -t0 and the exact
// solution follows it. Backward integration works the same way.
func TestSolveSpan(t *testing.T) {
	for _, tc := range []struct{ t0, t1 float64 }{{1, 3}, {4, 0.5}} {
		code, stdout, stderr := runCLI(t, "solve", "-method", "rk4", "-steps", "400",
			"-t0", ftoa(tc.t0), "-t1", ftoa(tc.t1))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		r := parseSolveReport(t, stdout)
		want := tutorialExact(tc.t1, tc.t0, 2)
		if got := floatsOf(t, r["exact"]); got[0] != want {
			t.Errorf("span [%v, %v]: exact %v, want %v", tc.t0, tc.t1, got, want)
		}
		// RK4's error on this smooth problem with h ≤ 0.01 is far below
		// 1e-8 (the Euler example measures it); a wrong X0 time or a
		// wrong exact solution would give an O(1) difference.
		if got := floatsOf(t, r["x"]); math.Abs(got[0]-want) > 1e-8 {
			t.Errorf("span [%v, %v]: x %v, want %v", tc.t0, tc.t1, got, want)
		}
	}
}

// A problem whose exact value is known only after its period reports it for
// its own span and "unknown" for any other.
func TestSolveEndOnlyExact(t *testing.T) {
	_, stdout, _ := runCLI(t, "solve", "-problem", "arenstorf", "-rtol", "1e-10", "-atol", "1e-12")
	r := parseSolveReport(t, stdout)
	if got, want := floatsOf(t, r["exact"]), field.ArenstorfX0(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("arenstorf exact %v, want %v", got, want)
	}
	// DOPRI5 at 1e-10 closes the orbit to about 1e-6 (SciPy's RK45 error at
	// these tolerances is of that size, testdata/scipy/rk45.json); an orbit
	// that does not close is off by O(1).
	if e := floatsOf(t, strings.Fields(r["error"])[0])[0]; !(e < 1e-4) {
		t.Errorf("arenstorf error %v", e)
	}
	_, stdout, _ = runCLI(t, "solve", "-problem", "arenstorf", "-rtol", "1e-6", "-atol", "1e-9", "-t1", "10")
	if r := parseSolveReport(t, stdout); r["exact"] != "unknown" {
		t.Errorf("arenstorf on [0, 10]: exact %q, want unknown", r["exact"])
	}
	_, stdout, _ = runCLI(t, "solve", "-problem", "lorenz", "-steps", "100", "-method", "rk4")
	if r := parseSolveReport(t, stdout); r["exact"] != "unknown" || r["error"] != "" {
		t.Errorf("lorenz: exact %q error %q", r["exact"], r["error"])
	}
}

func TestSolveUsageErrors(t *testing.T) {
	var methods, problems []string
	for _, m := range ode.Methods() {
		methods = append(methods, m.Name)
	}
	for _, p := range field.Problems() {
		problems = append(problems, p.Name)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"unknown method", []string{"-method", "rk5", "-steps", "10"}, append([]string{`"rk5"`}, methods...)},
		{"unknown problem", []string{"-problem", "kepler", "-steps", "10"}, append([]string{`"kepler"`}, problems...)},
		{"no stepping", nil, []string{"-steps N", "-rtol R -atol A"}},
		{"both modes", []string{"-steps", "10", "-rtol", "1e-6", "-atol", "1e-9"}, []string{"exclude"}},
		{"rtol only", []string{"-rtol", "1e-6"}, []string{"both -rtol and -atol"}},
		{"atol only", []string{"-atol", "1e-6"}, []string{"both -rtol and -atol"}},
		{"zero steps", []string{"-steps", "0"}, []string{"-steps 0"}},
		{"negative steps", []string{"-steps", "-3"}, []string{"-steps -3"}},
		{"zero tolerances", []string{"-rtol", "0", "-atol", "0"}, []string{"-rtol 0 -atol 0", "pure absolute"}},
		{"rtol below 100 ulp", []string{"-rtol", "1e-300", "-atol", "0"}, []string{"-rtol 1e-300", "2.22e-14"}},
		{"saveat count beyond memory", []string{"-steps", "10", "-csv", "-", "-saveat", "1000000000000"}, []string{"-saveat 1000000000000", "16 GiB", "at most 429496729 "}},
		{"saveat count 2^63-1", []string{"-steps", "10", "-csv", "-", "-saveat", "9223372036854775807"}, []string{"-saveat 9223372036854775807", "16 GiB"}},
		{"negative atol", []string{"-rtol", "1e-6", "-atol", "-1"}, []string{"-atol -1"}},
		{"NaN rtol", []string{"-rtol", "NaN", "-atol", "1e-9"}, []string{"-rtol NaN"}},
		{"adaptive without estimate", []string{"-method", "rk4", "-rtol", "1e-6", "-atol", "1e-9"},
			[]string{"rk4 has no error estimate", "dopri5"}},
		{"bad int", []string{"-steps", "ten"}, []string{"-steps"}},
		{"bad float", []string{"-rtol", "1e-6x", "-atol", "0"}, []string{"-rtol"}},
		{"unknown flag", []string{"-order", "5"}, []string{"-order"}},
		{"stray argument", []string{"-steps", "10", "tutorial"}, []string{`"tutorial"`}},
		{"saveat without csv", []string{"-steps", "10", "-saveat", "5"}, []string{"-csv"}},
		{"saveat zero", []string{"-steps", "10", "-csv", "-", "-saveat", "0"}, []string{"-saveat 0"}},
		{"saveat garbage", []string{"-steps", "10", "-csv", "-", "-saveat", "a,b"}, []string{"a,b"}},
		{"saveat outside", []string{"-steps", "10", "-csv", "-", "-saveat", "1,7"}, []string{"SaveAt", "7"}},
		{"saveat backward", []string{"-steps", "10", "-csv", "-", "-saveat", "3,1"}, []string{"SaveAt", "monotone"}},
		{"non-finite t1", []string{"-steps", "10", "-t1", "Inf"}, []string{"non-finite"}},
		{"negative maxsteps", []string{"-steps", "10", "-maxsteps", "-1"}, []string{"-maxsteps"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"solve"}, tc.args...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitUsage, stdout, stderr)
			}
			if stdout != "" {
				t.Errorf("a usage error printed on stdout:\n%s", stdout)
			}
			for _, s := range append(tc.stderr, "windrose help solve") {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

// Failures while solving exit 1 and still print how far the solve got.
func TestSolveRunTimeFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		status string
		stderr string
	}{
		{"max steps", []string{"-problem", "lorenz", "-rtol", "1e-8", "-atol", "1e-8", "-maxsteps", "5"},
			"MaxStepsReached", "maximum number of steps"},
		// The tutorial's field has a pole at t = −1: a fixed step landing on
		// it gives an infinity.
		{"pole", []string{"-method", "euler", "-steps", "2", "-t0", "0", "-t1", "-2"}, "NonFinite", "non-finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"solve"}, tc.args...)...)
			if code != exitFailure {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
			}
			if r := parseSolveReport(t, stdout); !strings.HasPrefix(r["status"], tc.status) {
				t.Errorf("status %q, want %s", r["status"], tc.status)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
}

// The cancellation of the context (Ctrl-C in main) stops a solve as a
// run-time failure.
func TestSolveCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	code := run(ctx, []string{"solve", "-steps", "10"}, &out, &errb)
	if code != exitFailure || !strings.Contains(errb.String(), "context canceled") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestSolveList(t *testing.T) {
	code, stdout, stderr := runCLI(t, "solve", "-list")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := make(map[string][]string)
	for _, l := range strings.Split(stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = f
		}
	}
	for _, m := range ode.Methods() {
		f := rows[m.Name]
		embedded := "-"
		if m.BErr != nil {
			embedded = strconv.Itoa(m.ErrorOrder)
		}
		dense := "cubic"
		if m.Dense != nil {
			dense = "own,"
		}
		want := []string{m.Name, strconv.Itoa(m.Order), embedded, strconv.Itoa(len(m.C)), yesNo(m.FSAL), dense}
		if len(f) < len(want) || fmt.Sprint(f[:len(want)]) != fmt.Sprint(want) {
			t.Errorf("method row %v, want it to start with %v", f, want)
		}
	}
	wantExact := map[string]string{"tutorial": "yes", "decay": "yes", "linear": "yes", "oscillator": "yes",
		"lorenz": "no", "arenstorf": "at", "vanderpol": "no"}
	for _, p := range field.Problems() {
		f := rows[p.Name]
		if len(f) < 5 || f[1] != strconv.Itoa(len(p.X0)) || f[2] != "["+ftoa(p.T0)+"," || f[4] != wantExact[p.Name] {
			t.Errorf("problem row %v: want dim %d, span from %v, exact %q", f, len(p.X0), p.T0, wantExact[p.Name])
		}
	}
}
