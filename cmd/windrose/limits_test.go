package main

import (
	"strings"
	"testing"

	"github.com/windrose/windrose/flowmatch"
)

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
		{[]string{"sample", "-n", "100000", "-batch", "100000"}, []string{"-batch 100000", "the two networks' activations", "16 GiB"}},
		{[]string{"sample", "-n", "100000", "-batch", "100000", "-guidance", "1"}, []string{"-batch 100000", "the network's activations", "16 GiB"}},
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
	// The reference and default recipes are far inside the limit.
	for _, cfg := range []flowmatch.Config{flowmatch.ReferenceConfig(), flowmatch.DefaultConfig()} {
		if err := checkTrainMemory(cfg); err != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}
