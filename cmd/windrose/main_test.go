package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs the command line args in-process and returns its exit code and
// outputs.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDispatch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings expected on stdout
		stderr   []string // substrings expected on stderr
		noStdout bool
	}{
		{name: "no command", args: nil, code: exitUsage,
			stderr: []string{"no command given", "Usage:", "solve"}, noStdout: true},
		{name: "help", args: []string{"help"}, code: exitOK,
			stdout: []string{"Usage:", "windrose <command>", "solve"}},
		{name: "-h", args: []string{"-h"}, code: exitOK, stdout: []string{"Usage:"}},
		{name: "help solve", args: []string{"help", "solve"}, code: exitOK,
			stdout: []string{"Usage: windrose solve", "-rtol", "-atol", "-steps", "-saveat", "-csv", "-list"}},
		{name: "solve -h", args: []string{"solve", "-h"}, code: exitOK, stdout: []string{"Usage: windrose solve"}},
		{name: "unknown command", args: []string{"sovle"}, code: exitUsage,
			stderr: []string{`unknown command "sovle"`, "solve"}, noStdout: true},
		{name: "help unknown", args: []string{"help", "nope"}, code: exitUsage,
			stderr: []string{`unknown command "nope"`}, noStdout: true},
		{name: "help two", args: []string{"help", "solve", "solve"}, code: exitUsage, noStdout: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.noStdout && stdout != "" {
				t.Errorf("unexpected stdout:\n%s", stdout)
			}
		})
	}
}

// Every registered command must answer -h with its usage and exit 0, so that
// "windrose help <command>" works for the commands others add.
func TestEveryCommandHasHelp(t *testing.T) {
	if len(commands) == 0 {
		t.Fatal("no command registered")
	}
	for _, c := range commands {
		code, stdout, stderr := runCLI(t, "help", c.name)
		if code != exitOK || !strings.Contains(stdout, "Usage: windrose "+c.name) {
			t.Errorf("help %s: exit %d\nstdout:\n%s\nstderr:\n%s", c.name, code, stdout, stderr)
		}
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("registering solve twice did not panic")
		}
	}()
	register(command{name: "solve"})
}
