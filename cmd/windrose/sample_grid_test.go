package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleGrid runs sample with -grid on a tiny trained model: the
// report names the grid, the default stepping is midpoint with 10 steps on
// the early grid bit for bit, another grid gives other images, and bad
// grids are usage errors.
func TestSampleGrid(t *testing.T) {
	dir, ck := tinyCheckpoint(t, 2)
	s := filepath.Join(dir, "s.png")
	npy := func(name string) string { return filepath.Join(dir, name) }

	// No stepping flags: flowmatch.DefaultSampleSettings, the same images
	// as its three flags given.
	out, _ := wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "3", "-out", s, "-npy", npy("plain.npy"))
	contains(t, "sample output", out, "midpoint with 10 steps on the early grid: 20 field evaluations")
	wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "3", "-method", "midpoint", "-steps", "10", "-grid", "early", "-out", s, "-npy", npy("default.npy"))
	out, _ = wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "3", "-method", "midpoint", "-steps", "4", "-grid", "uniform", "-out", s, "-npy", npy("uniform.npy"))
	contains(t, "sample -grid uniform output", out, "midpoint with 4 steps: 8 field evaluations")
	out, _ = wantRun(t, exitOK, "sample", "-ckpt", ck, "-n", "3", "-method", "midpoint", "-steps", "4", "-grid", "early:3", "-out", s, "-npy", npy("early.npy"))
	contains(t, "sample -grid early:3 output", out, "midpoint with 4 steps on the early:3 grid: 8 field evaluations")

	read := func(name string) []uint8 {
		px, _, err := readImagesNPY(npy(name))
		if err != nil {
			t.Fatal(err)
		}
		return px
	}
	if !bytes.Equal(read("plain.npy"), read("default.npy")) {
		t.Error("-method midpoint -steps 10 -grid early changed the images of the default stepping")
	}
	if bytes.Equal(read("uniform.npy"), read("early.npy")) {
		t.Error("-grid early:3 gave the uniform grid's images")
	}

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"sample", "-grid", "quadratic"}, []string{`-grid "quadratic"`, "uniform, late, early, cosine"}},
		{[]string{"sample", "-grid", "late:20"}, []string{`"20"`}},
		{[]string{"sample", "-grid", "late", "-rtol", "1e-3", "-atol", "1e-3"}, []string{"exclude each other"}},
		{[]string{"sample", "-method", "tutorial-rk4", "-grid", "late"}, []string{"own uniform grid"}},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != exitUsage {
			t.Errorf("windrose %s: exit %d, want %d\n%s%s", strings.Join(tc.args, " "), code, exitUsage, stdout, stderr)
		}
		contains(t, "stderr of windrose "+strings.Join(tc.args, " "), stderr, tc.want...)
	}
}
