package flowmatch

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/windrose/windrose/nn"
)

// fuzzCheckpoint trains the tiny run the fuzz targets are seeded with and
// returns its checkpoint's and model file's bytes.
func fuzzCheckpoint(f *testing.F) (ck, model []byte) {
	dir := f.TempDir()
	cfg := tinyConfig()
	cfg.MaxSteps = 3
	cfg.Checkpoint = filepath.Join(dir, "ck.safetensors")
	tr, _, err := Train(context.Background(), cfg, blobImages(16, 8, 8, 1))
	if err != nil {
		f.Fatal(err)
	}
	mp := filepath.Join(dir, "m.safetensors")
	if err := tr.SaveModel(mp); err != nil {
		f.Fatal(err)
	}
	if ck, err = os.ReadFile(cfg.Checkpoint); err != nil {
		f.Fatal(err)
	}
	if model, err = os.ReadFile(mp); err != nil {
		f.Fatal(err)
	}
	return ck, model
}

// hostileMetadata are model files whose metadata ask for networks far
// larger than the file (issue 11's crafted models).
var hostileMetadata = []map[string]string{
	{"format": modelFormat, "version": formatVersion, "step": "1", "images_seen": "1", "data_shape": "1,28,28", "config": `{"arch":"unet","unet":{"base":4096}}`},
	{"format": modelFormat, "version": formatVersion, "step": "1", "images_seen": "1", "data_shape": "64,4096,4096", "config": `{"arch":"mlp"}`},
	{"format": modelFormat, "version": legacyVersion, "step": "1", "images_seen": "1", "config": `{"base":1024,"time_dim":4096}`},
	{"format": checkpointFormat, "version": formatVersion, "step": "1099511627777", "images_seen": "1", "data_shape": "1,8,8", "config": `{}`},
}

func hostileModel(f *testing.F, md map[string]string) []byte {
	p := filepath.Join(f.TempDir(), "h.safetensors")
	if err := nn.WriteSafetensors(p, []nn.NamedTensor{{Name: "in_conv.weight", Tensor: nn.NewTensor(8, 1, 3, 3)}}, md); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzReadModel feeds arbitrary bytes to ReadModel: it must never panic,
// and must return either an error or a model whose network has finite
// weights for its recorded sample shape. `go test` runs the seeds: a real
// model file and checkpoint, halves of them, and crafted metadata.
func FuzzReadModel(f *testing.F) {
	ck, model := fuzzCheckpoint(f)
	f.Add(model)
	f.Add(ck)
	f.Add(model[:len(model)/2])
	for _, md := range hostileMetadata {
		f.Add(hostileModel(f, md))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadModel("fuzz", b, EMAWeights)
		if err != nil {
			return
		}
		if m.Net == nil || m.Dim() <= 0 {
			t.Fatalf("model without a network or shape: %+v", m)
		}
		for _, p := range m.Net.Params() {
			for _, v := range p.Value.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("accepted a non-finite weight in %s", p.Name)
				}
			}
		}
	})
}

// FuzzResume feeds arbitrary bytes, as a checkpoint file, to Resume on the
// data of the seed run: it must never panic, and an accepted checkpoint
// must train one more step. The seeds are the real checkpoint, a half of
// it, and crafted metadata.
func FuzzResume(f *testing.F) {
	ck, model := fuzzCheckpoint(f)
	f.Add(ck)
	f.Add(ck[:len(ck)/2])
	f.Add(model)
	for _, md := range hostileMetadata {
		f.Add(hostileModel(f, md))
	}
	data := blobImages(16, 8, 8, 1)
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "ck.safetensors")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tr, err := Resume(p, data, Config{Checkpoint: filepath.Join(t.TempDir(), "out.safetensors")})
		if err != nil {
			if !errors.Is(err, ErrCheckpoint) && !errors.Is(err, nn.ErrSafetensors) {
				// Recipe, data and validation errors are plain errors;
				// they must still name the file.
				if msg := err.Error(); len(msg) == 0 {
					t.Fatal("empty error")
				}
			}
			return
		}
		tr.cfg.MaxSteps = tr.Step() + 1
		if _, err := tr.Train(context.Background()); err != nil {
			var nf *NonFiniteError
			if !errors.As(err, &nf) {
				t.Fatalf("an accepted checkpoint failed to train: %v", err)
			}
		}
	})
}
