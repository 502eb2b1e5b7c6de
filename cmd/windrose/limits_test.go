package main

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/windrose/windrose/nn"
)

// TestVelocityNetParams: the quadratic fit gives the exact parameter count
// of nets it was not fitted on, among them the reference (1,135,361).
func TestVelocityNetParams(t *testing.T) {
	for _, c := range []struct{ base, timeDim int }{{64, 128}, {32, 128}, {48, 64}, {24, 128}} {
		net := nn.NewVelocityNet(nn.Config{Base: c.base, TimeDim: c.timeDim, Groups: 8}, rand.New(rand.NewPCG(0, 0)))
		want := 0
		for _, p := range net.Params() {
			want += p.Value.Len()
		}
		if got := velocityNetParams(c.base, c.timeDim); got != float64(want) {
			t.Errorf("base %d, time dim %d: %v parameters, want %d", c.base, c.timeDim, got, want)
		}
	}
	if got := velocityNetParams(64, 128); got != 1135361 {
		t.Errorf("reference: %v parameters, want 1135361", got)
	}
}

// TestSizeFlagLimits: size flags whose memory is absurd are usage errors
// that state the limit, instead of a makeslice panic or an out-of-memory
// kill (issue 11).
func TestSizeFlagLimits(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		// sample streams: -n is bounded only by the size of its .npy file.
		{[]string{"sample", "-n", "4611686018427387904"}, []string{"-n 4611686018427387904", "samples, whose .npy file"}},
		{[]string{"sample", "-n", "100000", "-batch", "100000"}, []string{"-batch 100000", "the network's activations", "16 GiB"}},
		{[]string{"sample", "-steps", "9223372036854775807", "-grid", "late"}, []string{"-steps 9223372036854775807", "times of a -grid"}},
		{[]string{"interpolate", "-k", "1000000000"}, []string{"-k 1000000000", "pairs of points", "at most 1095654 "}},
		{[]string{"train", "-base", "1000000"}, []string{"UNetConfig.Base = 1000000", "in [1, 4096]"}},
		{[]string{"train", "-preset", "small", "-base", "1000000"}, []string{"Config.Base = 1000000", "up to 1024"}},
		{[]string{"train", "-base", "64", "-batch", "1000000"}, []string{"-base 64 -batch 1000000", "of activations", "16 GiB"}},
		{[]string{"train", "-base", "9223372036854775800"}, []string{"UNetConfig.Base = 9223372036854775800"}},
		{[]string{"train", "-preset", "small", "-base", "1024", "-batch", "100000"}, []string{"-base 1024 -batch 100000", "training needs at least", "16 GiB"}},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != exitUsage {
			t.Errorf("windrose %v: exit %d, want %d\n%s%s", tc.args, code, exitUsage, stdout, stderr)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("windrose %v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
	// The reference recipe is far inside the limit.
	if err := checkTrainMemory(64, 128, 256); err != nil {
		t.Errorf("reference recipe: %v", err)
	}
}
