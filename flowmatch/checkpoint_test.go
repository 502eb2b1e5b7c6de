package flowmatch

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/windrose/windrose/nn"
)

// trainedCheckpoint trains a tiny run for 3 steps and returns its
// checkpoint's path and data.
func trainedCheckpoint(t *testing.T) (string, *Trainer) {
	t.Helper()
	data := blobImages(20, 28, 28, 5)
	cfg := tinyConfig()
	cfg.MaxSteps = 3
	cfg.Checkpoint = filepath.Join(t.TempDir(), "run.safetensors")
	tr, _, err := Train(context.Background(), cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Checkpoint, tr
}

// rewrite reads the safetensors file at src, lets edit change its tensors
// and metadata, and writes the result to a new file.
func rewrite(t *testing.T, src string, edit func(s *nn.Safetensors)) string {
	t.Helper()
	s, err := nn.ReadSafetensors(src)
	if err != nil {
		t.Fatal(err)
	}
	edit(s)
	dst := filepath.Join(t.TempDir(), "edited.safetensors")
	if err := nn.WriteSafetensors(dst, s.Tensors, s.Metadata); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestResumeRefusesBadCheckpoints(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	data := tr.data
	dropTensor := func(name string) func(s *nn.Safetensors) {
		return func(s *nn.Safetensors) {
			for i, nt := range s.Tensors {
				if nt.Name == name {
					s.Tensors = append(s.Tensors[:i], s.Tensors[i+1:]...)
					return
				}
			}
			t.Fatalf("no tensor %s", name)
		}
	}
	setMeta := func(key, value string) func(s *nn.Safetensors) {
		return func(s *nn.Safetensors) {
			if value == "" {
				delete(s.Metadata, key)
			} else {
				s.Metadata[key] = value
			}
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(s *nn.Safetensors)
		wants []string // substrings of the error
	}{
		{"missing weight", dropTensor("rb2.conv1.weight"), []string{`"rb2.conv1.weight"`, "missing"}},
		{"missing ema", dropTensor("ema.out_conv.bias"), []string{`"ema.out_conv.bias"`, "missing"}},
		{"missing adam", dropTensor("adam.v.up.weight"), []string{`"adam.v.up.weight"`, "missing"}},
		{"missing loss", dropTensor(lossTensor), []string{`"train.loss"`, "missing"}},
		{"wrong shape", func(s *nn.Safetensors) {
			for _, nt := range s.Tensors {
				if nt.Name == "ema.rb1.conv1.weight" {
					nt.Tensor.Shape = []int{nt.Tensor.Shape[0], nt.Tensor.Len() / nt.Tensor.Shape[0]}
				}
			}
		}, []string{`"ema.rb1.conv1.weight"`, "shape"}},
		{"loss length", func(s *nn.Safetensors) {
			for i, nt := range s.Tensors {
				if nt.Name == lossTensor {
					s.Tensors[i].Tensor = &nn.Tensor{Shape: []int{2}, Data: nt.Tensor.Data[:2]}
				}
			}
		}, []string{`"train.loss"`, "[2]"}},
		{"unknown tensor", func(s *nn.Safetensors) {
			s.Tensors = append(s.Tensors, nn.NamedTensor{Name: "extra.weight", Tensor: nn.NewTensor(2)})
		}, []string{`"extra.weight"`, "unexpected"}},
		{"no metadata", func(s *nn.Safetensors) { s.Metadata = nil }, []string{"no __metadata__"}},
		{"format", setMeta("format", "something.else"), []string{"format", "something.else"}},
		{"version", setMeta("version", "7"), []string{"version", `"7"`}},
		{"config missing", setMeta("config", ""), []string{`"config"`, "missing"}},
		{"config json", setMeta("config", "{"), []string{"metadata config"}},
		{"config unknown field", setMeta("config", `{"base":8,"colour":"red"}`), []string{"metadata config", "colour"}},
		{"config invalid", setMeta("config", `{"base":12}`), []string{"metadata config", "Base"}},
		{"step", setMeta("step", "three"), []string{"step", `"three"`}},
		{"negative epoch", setMeta("epoch", "-1"), []string{"epoch", `"-1"`}},
		{"rng", setMeta("rng", "zz"), []string{"rng", "hex"}},
		{"rng content", setMeta("rng", "00ff"), []string{"rng"}},
		{"index", setMeta("epoch_index", "20"), []string{"epoch_index", "20"}},
		{"images", setMeta("images_seen", "23"), []string{"images_seen", "23"}},
		{"adam steps", setMeta("adam_steps", "2"), []string{"adam_steps"}},
		{"data size", setMeta("data_size", "21"), []string{"21 samples", "20"}},
		{"seconds", setMeta("train_seconds", "NaN"), []string{"train_seconds"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := rewrite(t, path, tc.edit)
			_, err := Resume(p, data, Config{})
			if err == nil {
				t.Fatal("Resume accepted the file")
			}
			msg := err.Error()
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if !strings.Contains(msg, p) {
				t.Errorf("error %q does not name the file", msg)
			}
		})
	}
}

// TestResumeRefusesTruncated cuts the checkpoint at several lengths: each
// must be refused with an error naming a byte offset or the header.
func TestResumeRefusesTruncated(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 5, 100, len(raw) / 2, len(raw) - 1} {
		p := filepath.Join(t.TempDir(), "cut.safetensors")
		if err := os.WriteFile(p, raw[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Resume(p, tr.data, Config{})
		if !errors.Is(err, nn.ErrSafetensors) {
			t.Errorf("cut at %d bytes: error %v, want one wrapping nn.ErrSafetensors", n, err)
			continue
		}
		if !strings.Contains(err.Error(), "byte") && !strings.Contains(err.Error(), "truncated") {
			t.Errorf("cut at %d bytes: error %q names no offset", n, err)
		}
	}
	if _, err := Resume(filepath.Join(t.TempDir(), "absent"), tr.data, Config{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// TestResumeOverrides checks which Config fields may change on resume.
func TestResumeOverrides(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	r, err := Resume(path, tr.data, Config{MaxSteps: 9, Epochs: 3, CheckpointSteps: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Config(); c.MaxSteps != 9 || c.Epochs != 3 || c.CheckpointSteps != 2 || c.Checkpoint != path {
		t.Errorf("resumed config %+v", c)
	}
	same := tr.Config()
	if _, err := Resume(path, tr.data, Config{Base: same.Base, Batch: same.Batch, Seed: same.Seed}); err != nil {
		t.Errorf("unchanged recipe fields refused: %v", err)
	}
	for _, over := range []Config{{Base: 16}, {Batch: 4}, {LR: 1}, {Seed: 99}, {EMADecay: 0.5}, {WarmupSteps: 1}} {
		if _, err := Resume(path, tr.data, over); err == nil {
			t.Errorf("Resume accepted the recipe change %+v", over)
		}
	}
	if _, err := Resume(path, blobImages(21, 28, 28, 5), Config{}); err == nil {
		t.Error("Resume accepted other data")
	}
}

// TestModelFiles checks the model format: Trainer.SaveModel writes the EMA
// weights, LoadModel reads them back from it, from the checkpoint (EMA or
// raw) and from a bare state_dict file; ReadModel reads from memory.
func TestModelFiles(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	dir := t.TempDir()
	mpath := filepath.Join(dir, "model.safetensors")
	if err := tr.SaveModel(mpath); err != nil {
		t.Fatal(err)
	}
	ema := map[string][]float32{}
	for _, p := range tr.ema.Params() {
		ema[p.Name] = p.Value.Data
	}
	raw := map[string][]float32{}
	for _, p := range tr.net.Params() {
		raw[p.Name] = p.Value.Data
	}
	weights := func(m *Model) map[string][]float32 {
		w := map[string][]float32{}
		for _, p := range m.Net.Params() {
			w[p.Name] = p.Value.Data
		}
		return w
	}
	content, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(dir, "bare.safetensors")
	if err := nn.SaveParams(bare, tr.net.Params(), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		load func() (*Model, error)
		want map[string][]float32
		step int
	}{
		{"model file", func() (*Model, error) { return LoadModel(mpath, EMAWeights) }, ema, 3},
		{"checkpoint ema", func() (*Model, error) { return LoadModel(path, EMAWeights) }, ema, 3},
		{"checkpoint raw", func() (*Model, error) { return LoadModel(path, RawWeights) }, raw, 3},
		{"in memory", func() (*Model, error) { return ReadModel("mem", content, EMAWeights) }, ema, 3},
		{"bare state_dict", func() (*Model, error) { return LoadModel(bare, EMAWeights) }, raw, 0},
	} {
		m, err := tc.load()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if m.Config.Base != 8 || m.Config.TimeDim != 16 || m.Step != tc.step {
			t.Errorf("%s: Base %d, TimeDim %d, step %d; want 8, 16, %d", tc.name, m.Config.Base, m.Config.TimeDim, m.Step, tc.step)
		}
		sameBits(t, tc.name, weights(m), tc.want)
	}
	if _, err := ReadModel("mem", content[:len(content)/2], EMAWeights); !errors.Is(err, nn.ErrSafetensors) || !strings.Contains(err.Error(), "mem") {
		t.Errorf("truncated in-memory model: %v", err)
	}
	// A model whose metadata disagrees with its tensors.
	bad := rewrite(t, mpath, func(s *nn.Safetensors) { s.Metadata["config"] = `{"base":16,"time_dim":16}` })
	if _, err := LoadModel(bad, EMAWeights); err == nil || !strings.Contains(err.Error(), "asks for a network of 67233 parameters, the file holds 18273 values") {
		t.Errorf("mismatched metadata: %v", err)
	}
	noIn := rewrite(t, bare, func(s *nn.Safetensors) {
		for i, nt := range s.Tensors {
			if nt.Name == "in_conv.weight" {
				s.Tensors = append(s.Tensors[:i], s.Tensors[i+1:]...)
				return
			}
		}
	})
	if _, err := LoadModel(noIn, EMAWeights); err == nil || !strings.Contains(err.Error(), "in_conv.weight") {
		t.Errorf("missing in_conv.weight: %v", err)
	}
}

// TestFilesOmitCheckpointPath: neither a checkpoint nor a model file
// records the path of the run's checkpoint, a path on the training machine
// (TestResumeOverrides checks that a resumed run takes the path it was read
// from).
func TestFilesOmitCheckpointPath(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	mpath := filepath.Join(t.TempDir(), "model.safetensors")
	if err := tr.SaveModel(mpath); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, mpath} {
		s, err := nn.ReadSafetensors(f)
		if err != nil {
			t.Fatal(err)
		}
		if c := s.Metadata["config"]; !strings.Contains(c, `"checkpoint":""`) || strings.Contains(c, "run.safetensors") {
			t.Errorf("%s: config metadata %s records the checkpoint path", filepath.Base(f), c)
		}
	}
}

// TestDurationIsTotal checks that Config.Duration counts the training time
// of the earlier calls, saved in the checkpoint, and that a new Duration on
// resume drops a cosine horizon fitted to the old one.
func TestDurationIsTotal(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	hour := rewrite(t, path, func(s *nn.Safetensors) {
		s.Metadata["train_seconds"] = "3600"
		s.Metadata["config"] = strings.Replace(s.Metadata["config"], `"duration":0`, `"duration":3600000000000`, 1)
		s.Metadata["schedule_steps"] = "77"
	})
	r, err := Resume(hour, tr.data, Config{MaxSteps: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r.st.horizon != 77 {
		t.Errorf("horizon %d, want the checkpoint's 77", r.st.horizon)
	}
	res, err := r.Train(context.Background())
	if err != nil || res.Stop != StopDuration || res.Steps != 3 {
		t.Errorf("after an hour of a one-hour budget: %+v, %v; want StopDuration at once", res, err)
	}
	r, err = Resume(hour, tr.data, Config{Duration: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if r.st.horizon != 0 || r.Config().Duration != 2*time.Hour {
		t.Errorf("new budget: horizon %d, duration %v; want 0 (re-estimate) and 2h", r.st.horizon, r.Config().Duration)
	}
}

// TestModelFilesHostile: files whose metadata or shapes ask for absurd
// networks are refused before anything is allocated for them.
func TestModelFilesHostile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.safetensors")
	tm := nn.NewTensor(8, 8)
	in := nn.NewTensor(8, 1, 3, 3)
	if err := nn.WriteSafetensors(small, []nn.NamedTensor{{Name: "time_mlp.0.weight", Tensor: tm}, {Name: "in_conv.weight", Tensor: in}}, map[string]string{
		"format": modelFormat, "version": formatVersion, "step": "1", "images_seen": "1", "data_shape": "1,28,28",
		"config": `{"arch":"unet","unet":{"base":4096,"mults":[1]}}`,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(small, EMAWeights); err == nil || !strings.Contains(err.Error(), "asks for a network of") {
		t.Errorf("a UNet of width 4096 in a file of 100 values: %v", err)
	}
	for _, c := range []struct{ name, shape, want string }{
		{"huge shape", "1,4096,100000", "data_shape"},
		{"zero channels", "0,28,28", "data_shape"},
		{"not a shape", "28x28", "data_shape"},
	} {
		p := filepath.Join(dir, c.name+".safetensors")
		if err := nn.WriteSafetensors(p, []nn.NamedTensor{{Name: "in_conv.weight", Tensor: in}}, map[string]string{
			"format": modelFormat, "version": formatVersion, "step": "1", "images_seen": "1", "data_shape": c.shape, "config": `{}`,
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadModel(p, EMAWeights); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestResumeRefusesOtherNetwork: the network's settings are part of the
// recipe, which a resumed run cannot change.
func TestResumeRefusesOtherNetwork(t *testing.T) {
	cfg := tinyConfig()
	cfg.Arch, cfg.UNet = ArchUNet, nn.UNetConfig{Base: 8, Mults: []int{1, 2}, TimeDim: 16, Groups: 4}
	cfg.MaxSteps = 1
	cfg.Checkpoint = filepath.Join(t.TempDir(), "ck.safetensors")
	data := blobImages(16, 8, 8, 1)
	if _, _, err := Train(context.Background(), cfg, data); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(cfg.Checkpoint, data, Config{UNet: nn.UNetConfig{Base: 8, Mults: []int{1, 2}, TimeDim: 16, Groups: 4}}); err != nil {
		t.Errorf("the same UNet: %v", err)
	}
	_, err := Resume(cfg.Checkpoint, data, Config{UNet: nn.UNetConfig{Base: 16}})
	if err == nil || !strings.Contains(err.Error(), "Config.UNet cannot change") {
		t.Errorf("another UNet: %v", err)
	}
}

// TestNonFiniteWeightsRefused: a NaN or infinite value in any tensor of a
// checkpoint or model file is refused, naming the tensor, by Resume and by
// LoadModel (issue 11: both used to accept them).
func TestNonFiniteWeightsRefused(t *testing.T) {
	cfg := tinyConfig()
	cfg.MaxSteps = 2
	cfg.Checkpoint = filepath.Join(t.TempDir(), "ck.safetensors")
	data := blobImages(16, 28, 28, 1)
	tr, _, err := Train(context.Background(), cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	mpath := filepath.Join(t.TempDir(), "m.safetensors")
	if err := tr.SaveModel(mpath); err != nil {
		t.Fatal(err)
	}
	poison := func(name string, v float32) func(s *nn.Safetensors) {
		return func(s *nn.Safetensors) {
			x, ok := s.Get(name)
			if !ok {
				t.Fatalf("no tensor %q", name)
			}
			x.Data[0] = v
		}
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(-1))
	for _, name := range []string{"ema.rb1.conv1.weight", "adam.v.out_conv.bias", "mid.film.1.weight"} {
		bad := rewrite(t, cfg.Checkpoint, poison(name, nan))
		if _, err := Resume(bad, data, Config{}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("resume with NaN in %s: %v", name, err)
		}
	}
	bad := rewrite(t, cfg.Checkpoint, poison("ema.in_conv.weight", inf))
	if _, err := LoadModel(bad, EMAWeights); err == nil || !strings.Contains(err.Error(), "ema.in_conv.weight") {
		t.Errorf("model from a checkpoint with −Inf: %v", err)
	}
	bad = rewrite(t, mpath, poison("up.weight", nan))
	if _, err := LoadModel(bad, EMAWeights); err == nil || !strings.Contains(err.Error(), "up.weight") {
		t.Errorf("model file with NaN: %v", err)
	}
}
