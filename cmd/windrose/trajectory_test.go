package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func parseRow(t *testing.T, rec []string) []float64 {
	t.Helper()
	v := make([]float64, len(rec))
	for i, s := range rec {
		var err error
		if v[i], err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func TestSolveCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tutorial.csv")
	code, stdout, stderr := runCLI(t, "solve", "-method", "dopri5", "-rtol", "1e-10", "-atol", "1e-12",
		"-csv", path, "-saveat", "10")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := readCSV(t, path)
	if got := strings.Join(recs[0], ","); got != "t,x0,exact0,err0" {
		t.Errorf("header %q", got)
	}
	if len(recs) != 12 {
		t.Fatalf("%d records, want a header and 11 rows", len(recs))
	}
	for k, rec := range recs[1:] {
		v := parseRow(t, rec)
		if v[0] != 5*float64(k)/10 {
			t.Errorf("row %d: t = %v, want %v", k, v[0], 5*float64(k)/10)
		}
		ex := tutorialExact(v[0], 0, 2)
		// DOPRI5 at rtol 1e-10 and its 4th-order dense output keep the
		// tutorial's solution (|x| ≤ 16) within about 1e-8 everywhere;
		// x itself is checked against a closed form written in the test.
		if math.Abs(v[1]-ex) > 1e-8 || v[2] != ex || v[3] != v[1]-ex {
			t.Errorf("row %d: %v, exact %v", k, v, ex)
		}
	}
	// The last row is the reported final state.
	last := parseRow(t, recs[len(recs)-1])
	if x := floatsOf(t, parseSolveReport(t, stdout)["x"]); last[1] != x[0] {
		t.Errorf("last row x %v, report x %v", last[1], x[0])
	}
	// Nothing is left beside the file.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the CSV", len(ents))
	}
}

// Without an exact solution the CSV has the state columns only; a list of
// times picks the rows; -csv - writes to stdout after the report.
func TestSolveCSVListNoExact(t *testing.T) {
	code, stdout, stderr := runCLI(t, "solve", "-problem", "lorenz", "-method", "rk4", "-steps", "2000",
		"-csv", "-", "-saveat", "0, 1.5,20")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	i := strings.Index(stdout, "t,x0")
	if i < 0 {
		t.Fatalf("no CSV on stdout:\n%s", stdout)
	}
	recs, err := csv.NewReader(strings.NewReader(stdout[i:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "t,x0,x1,x2" || len(recs) != 4 {
		t.Fatalf("header %q, %d records", got, len(recs))
	}
	if got := parseRow(t, recs[1]); got[0] != 0 || got[1] != 1 || got[2] != 1 || got[3] != 1 {
		t.Errorf("first row %v, want the initial value (0, 1, 1, 1)", got)
	}
	if got := parseRow(t, recs[2])[0]; got != 1.5 {
		t.Errorf("second row at t = %v, want 1.5", got)
	}
	x := floatsOf(t, parseSolveReport(t, stdout[:i])["x"])
	if got := parseRow(t, recs[3]); got[0] != 20 || got[1] != x[0] || got[3] != x[2] {
		t.Errorf("last row %v, final state %v", got, x)
	}
}

// A failed solve writes no CSV and leaves an existing file as it was.
func TestSolveCSVNotWrittenOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, _ := runCLI(t, "solve", "-problem", "lorenz", "-rtol", "1e-8", "-atol", "1e-8",
		"-maxsteps", "5", "-csv", path)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("file changed to %q", b)
	}
}

func TestParseSaveAt(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		t0, t1 float64
		want   []float64
	}{
		{"4", 0, 2, []float64{0, 0.5, 1, 1.5, 2}},
		{"2", 5, 1, []float64{5, 3, 1}},
		{"1", 0.1, 0.3, []float64{0.1, 0.3}},
		{"0.5", 0, 2, []float64{0.5}},
		{"2,", 0, 5, []float64{2}},
		{" 1 , 2.5,4 ", 0, 5, []float64{1, 2.5, 4}},
		{"1e-3,2", 0, 5, []float64{1e-3, 2}},
	} {
		got, err := parseSaveAt(tc.spec, tc.t0, tc.t1)
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("parseSaveAt(%q) = %v, %v; want %v", tc.spec, got, err, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("parseSaveAt(%q) = %v, want %v", tc.spec, got, tc.want)
				break
			}
		}
	}
	// The uniform times never step past t1, whatever the rounding: the
	// last one is t1 itself and every one lies in the span.
	for n := 1; n <= 200; n++ {
		got, _ := parseSaveAt(strconv.Itoa(n), 0.1, 0.7)
		if got[n] != 0.7 {
			t.Fatalf("n = %d: last time %v", n, got[n])
		}
		for _, v := range got {
			if v < 0.1 || v > 0.7 {
				t.Fatalf("n = %d: time %v outside [0.1, 0.7]", n, v)
			}
		}
	}
	for _, spec := range []string{"0", "-2", "", ",", "x", "1,,y"} {
		if _, err := parseSaveAt(spec, 0, 1); err == nil {
			t.Errorf("parseSaveAt(%q) accepted", spec)
		}
	}
}
