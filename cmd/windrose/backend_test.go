package main

import (
	"testing"

	"github.com/windrose/windrose/nn"
)

// TestBackendFlag: -backend names a built-in backend or is a usage error
// naming the ones built in, on every command that builds a network.
func TestBackendFlag(t *testing.T) {
	t.Cleanup(func() { nn.UseBackend("") })
	for _, cmd := range []string{"train", "sample", "eval"} {
		_, stderr := wantRun(t, exitUsage, cmd, "-backend", "no-such-backend")
		contains(t, cmd+" -backend no-such-backend", stderr, `no backend "no-such-backend"`, "built:", "cpu")
	}
	dir := t.TempDir()
	wantRun(t, exitOK, "sample", "-backend", "cpu", "-n", "2", "-steps", "1", "-out", dir+"/s.png")
	if got := nn.DefaultBackend().Name(); got != "cpu" {
		t.Errorf("after sample -backend cpu the default backend is %s", got)
	}
}
