package main

import (
	"bufio"
	"fmt"
	"github.com/windrose/windrose/internal/atomicfile"
	"io"
	"strconv"
	"strings"
)

// parseSaveAt reads a -saveat value for the span from t0 to t1: a plain
// integer N ≥ 1 means the N+1 uniform times t0 + k(t1−t0)/N, k = 0…N
// (computed, not accumulated, and exactly t1 at k = N, as ode computes its
// fixed grid); anything else is a comma-separated list of times. Empty
// entries are skipped, so "2," is the single time 2. Whether the times lie
// in the span and run toward t1 is left to the solver, which checks it.
func parseSaveAt(spec string, t0, t1 float64) ([]float64, error) {
	if n, err := strconv.Atoi(spec); err == nil {
		if n < 1 {
			return nil, usagef("-saveat %d: a count of intervals must be at least 1", n)
		}
		// For k < n the rounding errors (a few ulp) are far smaller than
		// the gap (t1−t0)/n to t1, so every time lies inside the span.
		ts := make([]float64, n+1)
		for k := range n {
			ts[k] = t0 + (t1-t0)*float64(k)/float64(n)
		}
		ts[n] = t1
		return ts, nil
	}
	var ts []float64
	for s := range strings.SplitSeq(spec, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, usagef("-saveat: %q is neither a count nor a list of times", spec)
		}
		ts = append(ts, v)
	}
	if len(ts) == 0 {
		return nil, usagef("-saveat %q: no times", spec)
	}
	return ts, nil
}

// writeTrajectory writes the CSV of the saved states xs at the times ts to
// path, atomically, or to stdout when path is "-". When exact is not nil it
// adds the columns exact0… and err0… (x − exact).
func writeTrajectory(path string, stdout io.Writer, ts []float64, xs [][]float64, exact func(dst []float64, t float64)) error {
	write := func(w io.Writer) error {
		return writeCSV(w, ts, xs, exact)
	}
	if path == "-" {
		return write(stdout)
	}
	return atomicfile.Write(path, write)
}

func writeCSV(w io.Writer, ts []float64, xs [][]float64, exact func(dst []float64, t float64)) error {
	if len(xs) != len(ts) {
		// ode fills Saved for every SaveAt time on success.
		panic(fmt.Sprintf("windrose: %d saved states for %d times", len(xs), len(ts)))
	}
	dim := 0
	if len(xs) > 0 {
		dim = len(xs[0])
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("t")
	for _, col := range []string{"x", "exact", "err"} {
		if col != "x" && exact == nil {
			break
		}
		for i := range dim {
			fmt.Fprintf(bw, ",%s%d", col, i)
		}
	}
	bw.WriteByte('\n')
	ex := make([]float64, dim)
	for k, t := range ts {
		bw.WriteString(ftoa(t))
		for _, v := range xs[k] {
			bw.WriteByte(',')
			bw.WriteString(ftoa(v))
		}
		if exact != nil {
			exact(ex, t)
			for _, v := range ex {
				bw.WriteByte(',')
				bw.WriteString(ftoa(v))
			}
			for i, v := range ex {
				bw.WriteByte(',')
				bw.WriteString(ftoa(xs[k][i] - v))
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
