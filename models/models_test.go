package models_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
)

// TestMNISTLoads checks that the embedded model is a complete flow-matching
// model of a real training run: it loads (every tensor present with its
// shape), records its configuration, and has seen training.
func TestMNISTLoads(t *testing.T) {
	m := shipped(t)
	if m.Step == 0 || m.Images < m.Step {
		t.Errorf("shipped model: %d steps, %d images: not trained", m.Step, m.Images)
	}
	if err := m.Config.Validate(); err != nil {
		t.Errorf("shipped model's config: %v", err)
	}
	// A few MB at most: the default U-Net has 1,582,785 parameters (6.3 MB
	// of float32).
	if len(models.MNIST) > 8<<20 {
		t.Errorf("shipped model is %d bytes", len(models.MNIST))
	}
	// The run docs/flowmatch.md describes: the default recipe for 152,880
	// steps of batch 64 (9,779,136 images: 162 epochs of 938 steps, the
	// last batch of each partial, and 924 steps of 64), in six runs to
	// 10,400, 20,800, 36,400, 72,800, 109,200 and 152,880 steps. A model for
	// sharing records no path on the machine that trained it.
	if m.Step != 152880 || m.Images != 9779136 || m.Config.Arch != flowmatch.ArchUNet || m.Shape != [3]int{1, 28, 28} || m.Config.Checkpoint != "" {
		t.Errorf("shipped model: %d steps, %d images, arch %q, shape %v, checkpoint %q; want 152880, 9779136, unet, [1 28 28], \"\"", m.Step, m.Images, m.Config.Arch, m.Shape, m.Config.Checkpoint)
	}
}

// TestBudgetModelsLoad checks the two models of the previous default
// recipe (SmallConfig) in the training-budget table of docs/flowmatch.md
// (not embedded): they load and record the step budgets that table gives
// them.
func TestBudgetModelsLoad(t *testing.T) {
	for _, c := range []struct {
		file          string
		steps, images int
	}{
		{"budget/small-15min.safetensors", 13065, 418080},
		{"budget/small-30min.safetensors", 26130, 836160},
	} {
		m := load(t, c.file, flowmatch.EMAWeights)
		if m.Step != c.steps || m.Images != c.images {
			t.Errorf("%s: %d steps, %d images, want %d and %d", c.file, m.Step, m.Images, c.steps, c.images)
		}
		if m.Config.MaxSteps != c.steps || m.Config.Base != 24 {
			t.Errorf("%s: recipe %+v, want the default recipe limited to %d steps", c.file, m.Config, c.steps)
		}
		// Files of format version 1 record no σmin and no sample shape:
		// they were all σmin = 0.1 runs on 1×28×28 MNIST.
		if m.Config.SigmaMin != flowmatch.SigmaMin || m.Shape != [3]int{1, 28, 28} || m.Config.Arch != "" {
			t.Errorf("%s: σmin %g, shape %v, arch %q; want the version-1 reading 0.1, [1 28 28], \"\"", c.file, m.Config.SigmaMin, m.Shape, m.Config.Arch)
		}
	}
}

// TestDefaultBudgetModelLoads checks the 15-, 30- and 60-minute models of
// the default recipe (docs/flowmatch.md, "Narrower U-Nets at 15
// minutes"): UNets of the default width on 1×28×28 samples, trained for 1,
// 2 and 4 times the 5,985 steps of batch 64 that 15 quiet minutes were,
// with the default recipe's choices recorded.
func TestDefaultBudgetModelLoads(t *testing.T) {
	def := flowmatch.DefaultConfig()
	type meta struct {
		Steps, Images int
		Shape         [3]int
		Arch          string
		Base          int
		Times         flowmatch.TimeDist
		OT            bool
		SigmaMin      float64
	}
	// 15 minutes of the default recipe alone were 5,985 steps of batch
	// 64; the longer budgets are multiples of those steps.
	for _, c := range []struct {
		file          string
		steps, images int
	}{
		{"budget/default-15min.safetensors", 5985, 382848},
		{"budget/default-30min.safetensors", 11970, 765696},
		{"budget/default-60min.safetensors", 23940, 1531360},
	} {
		m := load(t, c.file, flowmatch.EMAWeights)
		got := meta{m.Step, m.Images, m.Shape, m.Config.Arch, m.Config.UNet.WithDefaults().Base, m.Config.Times, m.Config.OTCoupling, m.Config.SigmaMin}
		want := meta{c.steps, c.images, [3]int{1, 28, 28}, def.Arch, def.UNet.WithDefaults().Base, def.Times, def.OTCoupling, def.SigmaMin}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.file, d)
		}
	}
}

// TestMNISTGuide: the embedded guide is, byte for byte, the file it names
// (the 30-minute model of the default recipe, which
// TestDefaultBudgetModelLoads checks), a model of the shipped model's
// samples with fewer parameters and fewer images seen, as autoguidance
// wants; its weight is a guidance (above 1) that the command line accepts.
func TestMNISTGuide(t *testing.T) {
	file, err := os.ReadFile(filepath.Join("..", models.MNISTGuideName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, models.MNISTGuide) {
		t.Errorf("MNISTGuide is not the content of %s", models.MNISTGuideName)
	}
	g, err := flowmatch.ReadModel(models.MNISTGuideName, models.MNISTGuide, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	m := shipped(t)
	count := func(m *flowmatch.Model) (n int) {
		for _, p := range m.Net.Params() {
			n += len(p.Value.Data)
		}
		return n
	}
	if g.Shape != m.Shape || count(g) >= count(m) || g.Images >= m.Images {
		t.Errorf("guide: shape %v, %d parameters, %d images; shipped model: %v, %d, %d", g.Shape, count(g), g.Images, m.Shape, count(m), m.Images)
	}
	if !(models.MNISTGuidance > 1 && models.MNISTGuidance <= 100) {
		t.Errorf("MNISTGuidance = %v, want a guidance in (1, 100]", models.MNISTGuidance)
	}
}

// TestShippedCheckpoint: the training checkpoint of the shipped model, kept
// so that the run can be continued (windrose train -resume), holds the
// shipped weights as its EMA, bit for bit.
func TestShippedCheckpoint(t *testing.T) {
	ck := load(t, "checkpoints/mnist-unet-152880.safetensors", flowmatch.EMAWeights)
	m := shipped(t)
	if ck.Step != m.Step || ck.Images != m.Images {
		t.Errorf("checkpoint at step %d (%d images), shipped model at %d (%d)", ck.Step, ck.Images, m.Step, m.Images)
	}
	a, b := ck.Net.Params(), m.Net.Params()
	if len(a) != len(b) {
		t.Fatalf("%d and %d parameter tensors", len(a), len(b))
	}
	for i := range a {
		if d := cmp.Diff(b[i].Value.Data, a[i].Value.Data); d != "" {
			t.Fatalf("%s differs (-shipped +checkpoint EMA):\n%s", a[i].Name, d)
		}
	}
}

// shipped returns the embedded model, with its EMA weights.
func shipped(t *testing.T) *flowmatch.Model {
	t.Helper()
	m, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// load returns the model or checkpoint in file, with weights w.
func load(t *testing.T, file string, w flowmatch.Weights) *flowmatch.Model {
	t.Helper()
	m, err := flowmatch.LoadModel(file, w)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
