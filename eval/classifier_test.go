package eval

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/windrose/windrose/nn"
)

// TestClassifierGradient checks Backward (and with it the wiring of the
// layers and the flatten view) against a central difference of the loss
// along a random direction in parameter space: (L(θ+εd) − L(θ−εd))/2ε must
// match ∇L·d.
func TestClassifierGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := NewClassifier(rng)
	const b = 3
	x := nn.NewTensor(b, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(rng.Float64()*2 - 1)
	}
	labels := []uint8{1, 7, 3}
	logits := nn.NewTensor(b, Classes)
	dl := nn.NewTensor(b, Classes)
	nn.ZeroGrad(c.Params())
	c.Forward(logits, x)
	CrossEntropy(dl, logits, labels)
	c.Backward(dl)

	var dot float64
	dirs := make([][]float32, len(c.Params()))
	for k, p := range c.Params() {
		dirs[k] = make([]float32, p.Value.Len())
		for i := range dirs[k] {
			d := float32(rng.NormFloat64())
			dirs[k][i] = d
			dot += float64(d) * float64(p.Grad.ToHost()[i])
		}
	}
	loss := func(eps float32) float64 {
		for k, p := range c.Params() {
			for i, d := range dirs[k] {
				p.Value.Data[i] += eps * d
			}
			p.Value.HostChanged()
		}
		c.Forward(logits, x)
		l := CrossEntropy(nil, logits, labels)
		for k, p := range c.Params() {
			for i, d := range dirs[k] {
				p.Value.Data[i] -= eps * d
			}
			p.Value.HostChanged()
		}
		return l
	}
	// ε = 1e-3 along a direction of norm ≈ √(params) ≈ 670: a step of
	// about 0.7 in parameter norm spread over 444k weights, small enough
	// for the O(ε²) term, large enough that float32 rounding of the loss
	// (about 1e-7 relative) stays below 1e-3 of the difference.
	const eps = 1e-3
	fd := (loss(eps) - loss(-eps)) / (2 * eps)
	if rel := math.Abs(fd-dot) / math.Max(math.Abs(dot), 1e-12); !(rel <= 1e-2) {
		t.Errorf("directional derivative: backward %v, finite difference %v (relative error %.2g)", dot, fd, rel)
	}
	if dot == 0 {
		t.Error("zero gradient")
	}
}

// TestClassifyBatches checks that Classify gives every image the same
// features and probabilities whether it is scored alone or inside batches of
// evalBatch, and that probabilities sum to 1.
func TestClassifyBatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c := NewClassifier(rng)
	n := evalBatch + 3 // two batches, the second partial
	img := make([]uint8, n*imageLen)
	for i := range img {
		img[i] = uint8(rng.IntN(256))
	}
	f := make([]float32, n*FeatureDim)
	p := make([]float64, n*Classes)
	var reports [][2]int
	c.Progress = func(done, total int) { reports = append(reports, [2]int{done, total}) }
	if err := c.Classify(context.Background(), f, p, img); err != nil {
		t.Fatal(err)
	}
	c.Progress = nil
	if want := [][2]int{{evalBatch, n}, {n, n}}; !slices.Equal(reports, want) {
		t.Errorf("Progress reports %v, want %v (one per batch)", reports, want)
	}
	for _, i := range []int{0, evalBatch - 1, evalBatch, n - 1} {
		f1 := make([]float32, FeatureDim)
		p1 := make([]float64, Classes)
		if err := c.Classify(context.Background(), f1, p1, img[i*imageLen:(i+1)*imageLen]); err != nil {
			t.Fatal(err)
		}
		for j := range f1 {
			// Per-sample convolutions are independent of the batch; the
			// GEMM may block differently, so allow float32 rounding.
			if d := math.Abs(float64(f1[j] - f[i*FeatureDim+j])); d > 1e-5*(1+math.Abs(float64(f1[j]))) {
				t.Fatalf("image %d feature %d: %v alone, %v in a batch", i, j, f1[j], f[i*FeatureDim+j])
			}
		}
		var s float64
		for j := range p1 {
			s += p[i*Classes+j]
			if d := math.Abs(p1[j] - p[i*Classes+j]); d > 1e-5 {
				t.Fatalf("image %d class %d: probability %v alone, %v in a batch", i, j, p1[j], p[i*Classes+j])
			}
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("image %d: probabilities sum to %v", i, s)
		}
	}
}

// TestSaveLoad checks that a saved classifier reads back with identical
// weights and metadata.
func TestSaveLoad(t *testing.T) {
	c := NewClassifier(rand.New(rand.NewPCG(7, 8)))
	path := t.TempDir() + "/c.safetensors"
	if err := c.Save(path, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	d, meta, err := ReadClassifier(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if meta["k"] != "v" {
		t.Errorf("metadata %v", meta)
	}
	for i, p := range c.Params() {
		q := d.Params()[i]
		if p.Name != q.Name {
			t.Fatalf("param %d: %s vs %s", i, p.Name, q.Name)
		}
		for j := range p.Value.Data {
			if p.Value.Data[j] != q.Value.Data[j] {
				t.Fatalf("%s[%d]: %v saved, %v read", p.Name, j, p.Value.Data[j], q.Value.Data[j])
			}
		}
	}
	if _, _, err := LoadClassifier("garbage", []byte("not safetensors")); err == nil {
		t.Error("garbage read as a classifier")
	}
}
