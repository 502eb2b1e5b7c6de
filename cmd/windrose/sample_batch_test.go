package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSamplePerSample runs sample and interpolate with -per-sample on a
// tiny trained model, checks the report line, and checks the usage errors
// of -per-sample without adaptive stepping.
func TestSamplePerSample(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 1)
	s := filepath.Join(dir, "s.png")

	// Shared steps: heun takes 2 evaluations per step, so 3 steps are 6
	// evaluations of every sample, whatever the batches.
	out, _ := wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "5", "-method", "heun", "-steps", "3", "-batch", "2", "-out", s)
	contains(t, "sample output", out, "18 field evaluations", "over 3 batch(es) of up to 2", "6.0 evaluations per sample")

	out, _ = wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "3", "-method", "bs3", "-rtol", "1e-2", "-atol", "1e-2", "-per-sample", "-batch", "2", "-out", s)
	contains(t, "sample -per-sample output", out, "3 samples, bs3 with rtol 0.01, atol 0.01 per sample:",
		"field evaluations in calls of up to 2 samples (", "summed over the samples), ", "evaluations per sample")
	// Each call evaluates one or two samples: calls ≤ n·mean ≤ 2·calls.
	m := regexp.MustCompile(`: (\d+) field evaluations .*, ([0-9.]+) evaluations per sample`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no counts in %q", out)
	}
	calls, _ := strconv.Atoi(m[1])
	mean, _ := strconv.ParseFloat(m[2], 64)
	if total := 3 * mean; calls < 1 || total < float64(calls)-0.15 || total > 2*float64(calls)+0.15 {
		t.Errorf("%d calls for a mean of %v evaluations over 3 samples", calls, mean)
	}

	// -maxsteps and -pi reach the solver.
	_, errOut := wantRun(t, exitFailure, "sample", "-ckpt", ck, "-n", "2", "-steps", "5", "-maxsteps", "2", "-out", s)
	contains(t, "sample -maxsteps 2 stderr", errOut, "maximum number of steps")
	out, _ = wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "2", "-method", "bs3", "-rtol", "1e-2", "-atol", "1e-2", "-pi", "-out", s)
	contains(t, "sample -pi output", out, "bs3 with rtol 0.01, atol 0.01, PI control")

	out, _ = wantRun(t, exitOK, "interpolate", "-ckpt", ck, "-k", "2", "-seed-a", "1", "-seed-b", "2",
		"-method", "bs3", "-rtol", "1e-2", "-atol", "1e-2", "-per-sample", "-out", filepath.Join(dir, "i.png"))
	contains(t, "interpolate -per-sample output", out, "bs3 with rtol 0.01, atol 0.01 per sample")

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"sample", "-per-sample"}, []string{"-per-sample", "-rtol and -atol"}},
		{[]string{"sample", "-per-sample", "-steps", "4"}, []string{"-per-sample", "not fixed steps"}},
		{[]string{"sample", "-per-sample", "-grid", "late:2"}, []string{"-per-sample"}},
		{[]string{"sample", "-per-sample", "-method", "rk4", "-rtol", "1e-3", "-atol", "1e-3"}, []string{"no error estimate"}},
		{[]string{"sample", "-method", "bs3", "-per-sample", "-rtol", "1e-3", "-atol", "1e-3", "-trajectory", filepath.Join(dir, "t.png")}, []string{"-trajectory", "-per-sample"}},
		{[]string{"interpolate", "-per-sample"}, []string{"-per-sample"}},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != exitUsage {
			t.Errorf("windrose %s: exit %d, want %d\n%s%s", strings.Join(tc.args, " "), code, exitUsage, stdout, stderr)
		}
		contains(t, "stderr of windrose "+strings.Join(tc.args, " "), stderr, tc.want...)
	}

	out, _ = wantRun(t, exitOK, "help", "sample")
	contains(t, "help sample", out, "-per-sample", "its own steps")
}
