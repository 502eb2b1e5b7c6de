package flowmatch

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/windrose/windrose/nn"
)

// TestParamCount: the count from the layer shapes equals the parameters of
// the network built, for every architecture.
func TestParamCount(t *testing.T) {
	for _, c := range []struct {
		cfg   Config
		shape [3]int
	}{
		{Config{}, [3]int{1, 28, 28}},
		{Config{Base: 24}, [3]int{1, 28, 28}},
		{Config{Base: 48, TimeDim: 64}, [3]int{1, 28, 28}},
		{DefaultConfig(), [3]int{1, 28, 28}},
		{Config{Arch: ArchUNet, UNet: nn.UNetConfig{Base: 16, Mults: []int{1, 2, 3, 4}, Blocks: 2, Mid: 3, TimeDim: 32}}, [3]int{3, 32, 32}},
		{Config{Arch: ArchUNet, UNet: nn.UNetConfig{Base: 16, Mults: []int{1, 2, 3, 4}, Blocks: 2, Mid: 3, TimeDim: 32, Attention: true}}, [3]int{3, 32, 32}},
		{Config{Arch: ArchUNet, UNet: nn.UNetConfig{Mid: 1, Attention: true}}, [3]int{1, 28, 28}},
		{withAttention(DefaultConfig()), [3]int{1, 28, 28}},
		{Config{Arch: ArchMLP, MLP: nn.MLPConfig{Hidden: 64, Layers: 2}}, [3]int{2, 1, 1}},
	} {
		net, err := c.cfg.NewNetwork(c.shape[0], c.shape[1], c.shape[2], rand.New(rand.NewPCG(0, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ParamCount(c.cfg, c.shape), float64(nn.CountParams(net.Params())); got != want {
			t.Errorf("%+v on %v: counted %.0f, built %.0f", c.cfg, c.shape, got, want)
		}
	}
	// The reference network, as the tutorial counts it.
	if got := ParamCount(ReferenceConfig(), [3]int{1, 28, 28}); got != 1135361 {
		t.Errorf("reference VelocityNet: %.0f parameters, want 1,135,361", got)
	}
}

func withAttention(c Config) Config {
	c.UNet.Attention = true
	return c
}

// TestConfigAttentionJSON: a configuration without attention marshals as
// before the field existed (no "attention" key), so old checkpoints' configs
// read back equal and new ones without attention are written unchanged; one
// with attention round-trips.
func TestConfigAttentionJSON(t *testing.T) {
	c := DefaultConfig()
	s := marshalConfig(c)
	if strings.Contains(s, "attention") {
		t.Errorf("config without attention marshals with the field: %s", s)
	}
	got, err := unmarshalConfig(s, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(c, got); d != "" {
		t.Errorf("round trip without attention (-want +got):\n%s", d)
	}
	c = withAttention(c)
	s = marshalConfig(c)
	if !strings.Contains(s, `"attention":true`) {
		t.Errorf("config with attention lacks the field: %s", s)
	}
	got, err = unmarshalConfig(s, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(c, got); d != "" {
		t.Errorf("round trip with attention (-want +got):\n%s", d)
	}
	t.Logf("default UNet with attention: %.0f parameters", ParamCount(c, [3]int{1, 28, 28}))
}
