package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/windrose/windrose/ode"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ode_vs_scipy:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ode_vs_scipy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	samples := fs.Int("samples", 5, "timed samples per case; the fastest is kept")
	sampleTime := fs.Duration("sample-time", 50*time.Millisecond, "minimum duration of one sample")
	only := fs.String("only", "", "run only the cases whose name contains this `substring`")
	table := fs.Bool("table", false, "print the table of the JSON reports given as arguments (rounds of both sides)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *table {
		return printTableFiles(stdout, fs.Args())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *samples < 1 {
		return fmt.Errorf("-samples %d: want at least 1", *samples)
	}
	rep, err := measureAll(*only, *samples, *sampleTime, stderr)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", " ")
	return enc.Encode(rep)
}

// measureAll times every case whose name contains only, logging progress
// to log. After each case's calibration, the samples are taken round-robin
// over the cases, so that a change of load on the shared machine falls on
// all of them alike rather than on whichever case ran at that moment.
func measureAll(only string, samples int, sampleTime time.Duration, log io.Writer) (*report, error) {
	all, err := cases()
	if err != nil {
		return nil, err
	}
	type timed struct {
		benchCase
		call   func() error
		result func() (ode.Stats, []float64)
		n      int
		best   time.Duration
	}
	var ts []*timed
	for _, c := range all {
		if !strings.Contains(c.name, only) {
			continue
		}
		t := &timed{benchCase: c}
		t.call, t.result = c.prepare()
		if t.n, t.best, err = calibrate(t.call, sampleTime); err != nil {
			return nil, fmt.Errorf("%s (%s): %w", c.name, c.method, err)
		}
		ts = append(ts, t)
	}
	for range samples - 1 {
		for _, t := range ts {
			d, err := timeCalls(t.call, t.n)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): %w", t.name, t.method, err)
			}
			t.best = min(t.best, d)
		}
	}

	rep := &report{
		Side:     "windrose",
		Versions: fmt.Sprintf("%s, GOMAXPROCS %d", runtime.Version(), runtime.GOMAXPROCS(0)),
	}
	for _, t := range ts {
		st, x := t.result()
		m := measurement{
			Name: t.name, Method: t.method, Samples: samples, CallsPerSample: t.n,
			Seconds: t.best.Seconds() / float64(t.n),
			NFev:    st.FieldEvals, Accepted: st.Accepted, Rejected: st.Rejected,
			XHead: append([]float64(nil), x[:min(headLen, len(x))]...),
		}
		if t.exact != nil {
			e := maxAbsDiff(x, t.exact)
			m.Error = &e
		}
		rep.Cases = append(rep.Cases, m)
		fmt.Fprintf(log, "windrose side: %s (%s): %.4g ms\n", t.name, t.method, m.Seconds*1e3)
	}
	return rep, nil
}
