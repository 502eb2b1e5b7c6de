package main

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windrose/windrose/ode/odetest"
)

// printed is one row of the printed table, read back.
type printed struct {
	method        string
	steps         int
	rtol          float64
	maxErr, order float64
	evals         int
}

// parseTable reads back the rows that printTable wrote.
func parseTable(t *testing.T, out string) []printed {
	t.Helper()
	var rows []printed
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) != 6 || f[0] == "method" || !strings.Contains("euler heun rk4 dopri5", f[0]) {
			continue
		}
		num := func(s string) float64 {
			if s == "-" {
				return math.NaN()
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("row %q: %v", l, err)
			}
			return v
		}
		r := printed{method: f[0], rtol: num(f[2]), maxErr: num(f[3]), evals: int(num(f[4])), order: num(f[5])}
		if f[1] != "-" {
			r.steps = int(num(f[1]))
		}
		rows = append(rows, r)
	}
	return rows
}

func TestEulerExample(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // the default -out is euler.png in the current directory
	var out bytes.Buffer
	if err := run(nil, &out); err != nil {
		t.Fatal(err)
	}
	rows := parseTable(t, out.String())
	if len(rows) != 3*len(stepCounts)+len(rtols) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), 3*len(stepCounts)+len(rtols), out.String())
	}

	// Fixed steps: the field evaluations are stages × N, and the observed
	// order tends to the method's order. Its leading error term is C·h^q;
	// the next one, O(h^(q+1)), still shows at N = 20 (RK4 measures 3.81
	// there, Heun 1.79), and from N = 50 on (h ≤ 0.1) the measured orders
	// are within 0.12 of q. 0.15 keeps that margin while any mistake in a
	// method's coefficients drops its order by at least 1.
	stages := map[string]int{"euler": 1, "heun": 2, "rk4": 4}
	orders := map[string]float64{"euler": 1, "heun": 2, "rk4": 4}
	for _, r := range rows {
		if r.method == "dopri5" {
			continue
		}
		if r.evals != stages[r.method]*r.steps {
			t.Errorf("%s N=%d: %d evaluations, want %d", r.method, r.steps, r.evals, stages[r.method]*r.steps)
		}
		if r.steps >= 50 && math.Abs(r.order-orders[r.method]) > 0.15 {
			t.Errorf("%s N=%d: observed order %.2f, want %v ± 0.15", r.method, r.steps, r.order, orders[r.method])
		}
		if r.steps == stepCounts[0] && !math.IsNaN(r.order) {
			t.Errorf("%s N=%d: order %v printed for a first row", r.method, r.steps, r.order)
		}
	}

	// Dormand–Prince: errors fall with the tolerance and stay proportional
	// to it. The solution reaches |x| ≈ 15.5, so a step's error is allowed
	// to be about rtol·15.5 and the global error a small multiple of that;
	// 100·rtol bounds it with room (measured: at most 8·rtol from rtol 1e-5
	// on). Against the work the error falls like evals^(−5) for a 5th-order
	// method; on this range the fit is steeper (about 6), because the fixed
	// costs (the start, the rejected steps) weigh less as the tolerance
	// tightens. A 4th-order propagated solution would give about 4.
	var ev, errs []float64
	prev := math.Inf(1)
	for _, r := range rows {
		if r.method != "dopri5" {
			continue
		}
		if r.maxErr > 100*r.rtol {
			t.Errorf("dopri5 rtol %v: error %v > 100·rtol", r.rtol, r.maxErr)
		}
		if r.rtol <= 1e-5 {
			if !(r.maxErr < prev) {
				t.Errorf("dopri5 rtol %v: error %v did not fall (previous %v)", r.rtol, r.maxErr, prev)
			}
			ev = append(ev, float64(r.evals))
			errs = append(errs, r.maxErr)
		}
		prev = r.maxErr
	}
	k := -odetest.LogLogSlope(ev, errs)
	t.Logf("dopri5: error falls like evals^-%.2f", k)
	if k < 4.7 || k > 7.5 {
		t.Errorf("dopri5: error falls like evals^-%.2f, want an exponent in [4.7, 7.5]", k)
	}

	f, err := os.Open(filepath.Join(dir, "euler.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("euler.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Errorf("euler.png is %v", b)
	}
}

// -out chooses the file; a bad flag is an error.
func TestEulerFlags(t *testing.T) {
	if err := run([]string{"-nope"}, new(bytes.Buffer)); err == nil {
		t.Error("an unknown flag was accepted")
	}
	path := filepath.Join(t.TempDir(), "e.png")
	var out bytes.Buffer
	if err := run([]string{"-out", path}, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil || !strings.Contains(out.String(), path) {
		t.Errorf("stat %s: %v; output mentions it: %v", path, err, strings.Contains(out.String(), path))
	}
}
