package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

func init() {
	register(command{
		name:    "solve",
		summary: "solve a built-in problem with any method; -list shows both",
		run:     runSolve,
	})
}

const solveDescription = `Solve integrates one of the built-in initial-value problems of package field
with one of the Runge–Kutta methods of package ode, then prints the final
state, the error against the exact solution where one is known (the largest
absolute component of x − exact), the work done and the wall time of the
solve.

The stepping is chosen explicitly, with exactly one of
  -steps N            N uniform fixed steps, or
  -rtol R -atol A     adaptive steps (a method with an error estimate);
there are no default tolerances. -rtol 0 with -atol A > 0 is a pure
absolute tolerance; a positive -rtol below 2.2e-14 (100 ulp) is refused.
-saveat counts are bounded by the memory their rows take (16 GiB).

The initial value is the problem's X0, taken at -t0. The exact solution is
reported for any -t0/-t1 when the field has a closed form, and for fields
whose solution is known only at the end of their span (arenstorf) only when
the span is the problem's own.

-csv FILE writes the solution at the -saveat times, one row per time, with
the header t,x0,x1,... followed, when the exact solution is known at every
time, by exact0,exact1,...,err0,err1,... (err = x − exact). The file is
written to a temporary file beside FILE and renamed, so a failed run never
leaves a partial FILE; -csv - writes to standard output. -saveat takes
either a plain integer N (N+1 uniform times t0 + k(t1−t0)/N, k = 0…N) or a
comma-separated list of times inside the span, in the direction of
integration; a single time needs a decimal point or a trailing comma
("-saveat 2.0", "-saveat 2,"), since a plain integer is a count. The saved
states come from the method's dense output, so saving never changes the
steps.

Run "windrose solve -list" for the methods and problems.
`

// defaultSaveIntervals is the number of uniform intervals written by -csv
// when -saveat is not given: 101 rows, enough for a smooth plot of any of
// the built-in problems.
const defaultSaveIntervals = 100

type solveFlags struct {
	problem     string
	stepping    steppingFlags
	t0, t1      float64
	list        bool
	csv, saveAt string
}

func runSolve(ctx context.Context, args []string, stdout io.Writer) error {
	var f solveFlags
	fs := newFlagSet("solve", "[-problem NAME] [-method NAME] (-steps N | -rtol R -atol A) [flags]", solveDescription)
	fs.StringVar(&f.problem, "problem", "tutorial", "built-in problem `name` (see -list)")
	addSteppingFlags(fs, &f.stepping, false)
	fs.Float64Var(&f.t0, "t0", 0, "start time (default: the problem's)")
	fs.Float64Var(&f.t1, "t1", 0, "end time; t1 < t0 integrates backward (default: the problem's)")
	fs.BoolVar(&f.list, "list", false, "list the methods and the problems, then exit")
	fs.StringVar(&f.csv, "csv", "", "write the trajectory at the -saveat times as CSV to `file` (- for standard output)")
	fs.StringVar(&f.saveAt, "saveat", "", "output times for -csv: a count `N` (N+1 uniform times) or a list t,t,... (default 100)")
	given, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if f.list {
		return printList(stdout)
	}

	p, err := field.ProblemByName(f.problem)
	if err != nil {
		return &usageError{err}
	}
	settings, m, _, err := f.stepping.settings(given)
	if err != nil {
		return err
	}
	set := &settings
	prob := p.ODE()
	if given["t0"] {
		prob.T0 = f.t0
	}
	if given["t1"] {
		prob.T1 = f.t1
	}
	if given["saveat"] && f.csv == "" {
		return usagef("-saveat chooses the rows of -csv; give -csv FILE too")
	}
	if f.csv != "" {
		spec := f.saveAt
		if !given["saveat"] {
			spec = strconv.Itoa(defaultSaveIntervals)
		}
		// A count allocates its rows before the solve: a time, a saved
		// state and its slice header each.
		if n, err := strconv.Atoi(spec); err == nil {
			if err := checkCount("-saveat "+spec, int64(n), int64(8+24+8*len(prob.X0)), "rows"); err != nil {
				return err
			}
		}
		if set.SaveAt, err = parseSaveAt(spec, prob.T0, prob.T1); err != nil {
			return err
		}
	}
	if err := f.stepping.checkStepping(set, m, prob.T0, prob.T1); err != nil {
		return err
	}

	start := time.Now()
	res, err := ode.Solve(ctx, prob, set, m)
	wall := time.Since(start)
	if res != nil {
		printSolve(stdout, &p, prob, m, set, res, wall)
	}
	if err != nil {
		if res == nil {
			return err
		}
		return fmt.Errorf("solve stopped with status %v: %w", res.Status, err)
	}
	if f.csv != "" {
		exact, everywhere := exactOf(&p, prob)
		if !everywhere {
			exact = nil
		}
		if err := writeTrajectory(f.csv, stdout, set.SaveAt, res.Saved, exact); err != nil {
			return err
		}
	}
	return nil
}

// exactOf returns the exact solution of the solve of prob (p's field from
// prob.X0 at prob.T0), or nil when it is unknown. everywhere reports whether
// it holds at every time; otherwise it holds only at prob.T1.
//
// A field with a closed form (field.Exacter) gives the solution from any
// (t0, x0). Otherwise p.Exact, the catalogue's solution from p's own
// (T0, X0), is only trusted at the end of p's own span: that is all the
// catalogue promises for such problems (the Arenstorf orbit is known only
// after one period).
func exactOf(p *field.Problem, prob ode.Problem[float64]) (exact func(dst []float64, t float64), everywhere bool) {
	if e, ok := p.Field.(field.Exacter); ok {
		t0, x0 := prob.T0, prob.X0
		return func(dst []float64, t float64) { e.Exact(dst, t, t0, x0) }, true
	}
	if p.Exact != nil && prob.T0 == p.T0 && prob.T1 == p.T1 {
		return p.Exact, false
	}
	return nil, false
}

// printSolve prints the report of one solve.
func printSolve(w io.Writer, p *field.Problem, prob ode.Problem[float64], m *ode.Tableau, set *ode.Settings, res *ode.Result[float64], wall time.Duration) {
	mode := fmt.Sprintf("fixed, %d steps", set.Steps)
	if set.Steps == 0 {
		mode = fmt.Sprintf("adaptive, rtol %g, atol %g", set.RTol, set.ATol)
	}
	line := func(key, format string, args ...any) {
		fmt.Fprintf(w, "%-12s "+format+"\n", append([]any{key}, args...)...)
	}
	line("problem", "%s, dim %d, t from %s to %s", p.Name, len(prob.X0), ftoa(prob.T0), ftoa(prob.T1))
	line("method", "%s (%s)", m.Name, mode)
	line("status", "%v at t = %s", res.Status, ftoa(res.T))
	line("x", "%s", ftoas(res.X))
	exact, _ := exactOf(p, prob)
	switch {
	case exact != nil && res.Status == ode.Success:
		ex := make([]float64, len(res.X))
		exact(ex, res.T)
		var maxErr float64
		for i := range ex {
			maxErr = max(maxErr, math.Abs(res.X[i]-ex[i]))
		}
		line("exact", "%s", ftoas(ex))
		line("error", "%.3e (max |x − exact|)", maxErr)
	case exact == nil:
		line("exact", "unknown")
	}
	st := res.Stats
	line("field evals", "%d", st.FieldEvals)
	line("steps", "%d (%d accepted, %d rejected)", st.Steps, st.Accepted, st.Rejected)
	line("wall time", "%v", wall)
}

// ftoa formats v in the shortest form that reads back exactly.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func ftoas(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = ftoa(v)
	}
	return strings.Join(s, " ")
}
