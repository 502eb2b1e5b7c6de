package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/ode"
)

// TestSteppingFlags parses the stepping flags of the sampling commands
// and of solve into the ode.Settings that run them, with the same parser.
func TestSteppingFlags(t *testing.T) {
	late, _ := flowmatch.TimeGrid("late", 4)
	early10, _ := flowmatch.TimeGrid("early", 10)
	early3, _ := flowmatch.TimeGrid("early", 3)
	for _, tc := range []struct {
		sampling bool
		args     []string
		want     ode.Settings
		method   string
		tutorial bool
	}{
		// The defaults: flowmatch.DefaultSampleSettings.
		{true, nil, ode.Settings{Grid: early10}, "midpoint", false},
		// Each flag replaces its own default only: the grid stays early.
		{true, []string{"-method", "heun", "-steps", "3", "-maxsteps", "7"}, ode.Settings{Grid: early3, MaxSteps: 7}, "heun", false},
		{true, []string{"-method", "rk4", "-steps", "5", "-grid", "uniform"}, ode.Settings{Steps: 5}, "rk4", false},
		{true, []string{"-steps", "4", "-grid", "late"}, ode.Settings{Grid: late}, "midpoint", false},
		{true, []string{"-method", "dopri5", "-rtol", "1e-3", "-atol", "1e-4", "-pi"}, ode.Settings{RTol: 1e-3, ATol: 1e-4, PI: true}, "dopri5", false},
		{true, []string{"-method", "tutorial-rk4", "-steps", "150"}, ode.Settings{Steps: 150}, "rk4", true},
		{false, []string{"-steps", "10"}, ode.Settings{Steps: 10}, "dopri5", false},
		{false, []string{"-rtol", "0", "-atol", "1e-8", "-maxsteps", "50", "-pi"}, ode.Settings{ATol: 1e-8, MaxSteps: 50, PI: true}, "dopri5", false},
	} {
		var f steppingFlags
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		addSteppingFlags(fs, &f, tc.sampling)
		given, err := parseFlags(fs, tc.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		set, m, tutorial, err := f.settings(given)
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if diff := cmp.Diff(tc.want, set); diff != "" {
			t.Errorf("%v: settings (-want +got):\n%s", tc.args, diff)
		}
		if m.Name != tc.method || tutorial != tc.tutorial {
			t.Errorf("%v: method %s (tutorial %v), want %s (%v)", tc.args, m.Name, tutorial, tc.method, tc.tutorial)
		}
		if err := f.checkStepping(&set, m, 0, 1); err != nil {
			t.Errorf("%v: checkStepping: %v", tc.args, err)
		}
	}
}

// TestSteppingUsageErrors: settings that ode refuses are usage errors of
// every command, naming the flags given and ode's reason, before any
// model is read (-ckpt names no file).
func TestSteppingUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"sample", "-maxsteps", "-1"}, []string{"-maxsteps -1", "MaxSteps = -1"}},
		{[]string{"sample", "-steps", "-2", "-grid", "uniform"}, []string{"-steps -2", "Steps = -2"}},
		{[]string{"sample", "-steps", "-2"}, []string{"-steps -2", "at least 1 step on a -grid"}},
		{[]string{"sample", "-method", "dopri5", "-rtol", "1e-300", "-atol", "0"}, []string{"-rtol 1e-300", "MinRTol"}},
		{[]string{"sample", "-method", "dopri5", "-rtol", "NaN", "-atol", "0"}, []string{"-rtol NaN", "RTol = NaN"}},
		{[]string{"sample", "-method", "tutorial-rk4", "-rtol", "1e-3", "-atol", "1e-3"}, []string{"tutorial-rk4 has uniform steps only"}},
		{[]string{"interpolate", "-method", "euler", "-rtol", "1e-3", "-atol", "1e-3"}, []string{"-method euler -rtol 0.001 -atol 0.001", "has no error estimate"}},
		{[]string{"interpolate", "-maxsteps", "-3"}, []string{"MaxSteps = -3"}},
		{[]string{"solve", "-steps", "10", "-maxsteps", "-1"}, []string{"-steps 10 -maxsteps -1", "MaxSteps = -1"}},
		{[]string{"solve", "-method", "tutorial-rk4", "-steps", "10"}, []string{`-method "tutorial-rk4"`}},
	} {
		args := append(tc.args, "-ckpt", "/nonexistent/model.safetensors")
		if tc.args[0] == "solve" {
			args = tc.args
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || stdout != "" {
			t.Errorf("windrose %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, exitUsage, stdout, stderr)
		}
		contains(t, "stderr of windrose "+strings.Join(args, " "), stderr, tc.want...)
	}
}
