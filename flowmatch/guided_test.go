package flowmatch

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// guidedPair returns the fields of two different small networks.
func guidedPair() (main, guide *VelocityField) {
	m := nn.NewVelocityNet(nn.Config{Base: 8, TimeDim: 8, Groups: 8}, rand.New(rand.NewPCG(1, 1)))
	g := nn.NewVelocityNet(nn.Config{Base: 8, TimeDim: 8, Groups: 8}, rand.New(rand.NewPCG(2, 2)))
	return NewVelocityField(m, 1, 28, 28), NewVelocityField(g, 1, 28, 28)
}

// TestGuidedFieldCombines checks the combination v_g + w·(v_m − v_g)
// against the two fields evaluated on their own, for Eval at one time and
// EvalBatch at a time per sample, and that w = 0 is the guide exactly.
func TestGuidedFieldCombines(t *testing.T) {
	const B = 3
	x := make([]float32, B*784)
	Noise(x, 5)
	main, guide := guidedPair()
	times := []float64{0.1, 0.5, 0.9}
	vm, vg := make([]float32, len(x)), make([]float32, len(x))
	bm, bg := make([]float32, len(x)), make([]float32, len(x))
	main.Eval(vm, 0.3, x)
	guide.Eval(vg, 0.3, x)
	main.EvalBatch(bm, times, x)
	guide.EvalBatch(bg, times, x)

	var differ bool
	for i := range vm {
		differ = differ || math.Abs(float64(vm[i]-vg[i])) > 1e-3
	}
	if !differ {
		t.Fatal("the two networks give the same velocities: the test would not see a wrong weight")
	}
	for _, w := range []float64{0, 1, 2.5} {
		f := NewGuidedField(main, guide, w)
		if f.Dim() != 784 {
			t.Fatalf("Dim = %d, want 784", f.Dim())
		}
		got := make([]float32, len(x))
		f.Eval(got, 0.3, x)
		gotB := make([]float32, len(x))
		f.EvalBatch(gotB, times, x)
		for i := range got {
			want := float64(vg[i]) + w*(float64(vm[i])-float64(vg[i]))
			if w == 0 && got[i] != vg[i] {
				t.Fatalf("w = 0: v[%d] = %v, the guide's %v", i, got[i], vg[i])
			}
			if d := math.Abs(float64(got[i]) - want); d > 1e-5*math.Max(1, math.Abs(want)) {
				t.Fatalf("w = %v, Eval: v[%d] = %v, want %v", w, i, got[i], want)
			}
			wantB := float64(bg[i]) + w*(float64(bm[i])-float64(bg[i]))
			if d := math.Abs(float64(gotB[i]) - wantB); d > 1e-5*math.Max(1, math.Abs(wantB)) {
				t.Fatalf("w = %v, EvalBatch: v[%d] = %v, want %v", w, i, gotB[i], wantB)
			}
		}
	}
}

// TestGuidedFieldSamples checks that Sample runs through a GuidedField in
// both modes, and that weight 1 draws the main model's samples (to the
// rounding of the combination).
func TestGuidedFieldSamples(t *testing.T) {
	const B = 2
	noise := make([]float32, B*784)
	Noise(noise, 9)
	main, guide := guidedPair()
	ctx := context.Background()
	set := SampleSettings{Batch: 2}
	set.Steps = 4
	want := make([]float32, len(noise))
	if _, err := Sample(ctx, want, main, noise, &set); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, len(noise))
	if _, err := Sample(ctx, got, NewGuidedField(main, guide, 1), noise, &set); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-4 {
			t.Fatalf("w = 1: x[%d] = %v, the main model's %v", i, got[i], want[i])
		}
	}
	guided := make([]float32, len(noise))
	if _, err := Sample(ctx, guided, NewGuidedField(main, guide, 3), noise, &set); err != nil {
		t.Fatal(err)
	}
	var moved float64
	for i := range guided {
		moved = max(moved, math.Abs(float64(guided[i]-want[i])))
	}
	if moved < 1e-3 {
		t.Fatalf("w = 3 draws the unguided samples (largest change %v)", moved)
	}
	// Per sample, each sample steps as it would alone: as a batch of one
	// with the same tolerances, to the rounding of the network's batched
	// arithmetic, which the adaptive steps carry to about 1e-4 (more on
	// the simulated GPU backend's kernels).
	ad := SampleSettings{Method: ode.DOPRI5, Batch: 1}
	ad.RTol, ad.ATol = 1e-3, 1e-3
	alone := make([]float32, len(noise))
	if _, err := Sample(ctx, alone, NewGuidedField(main, guide, 3), noise, &ad); err != nil {
		t.Fatal(err)
	}
	ps := ad
	ps.PerSample, ps.Batch = true, 2
	res, err := Sample(ctx, got, NewGuidedField(main, guide, 3), noise, &ps)
	if err != nil {
		t.Fatal(err)
	}
	if res.SampleEvals == 0 {
		t.Fatal("per-sample guided sampling did no evaluations")
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - alone[i])); d > 1e-3 {
			t.Fatalf("per-sample x[%d] = %v, alone %v", i, got[i], alone[i])
		}
	}
}

func TestNewGuidedFieldPanics(t *testing.T) {
	main, guide := guidedPair()
	other := NewVelocityField(guide.Net, 1, 14, 56)
	mustPanic(t, "shapes differ", func() { NewGuidedField(main, other, 2) })
	mustPanic(t, "NaN weight", func() { NewGuidedField(main, guide, math.NaN()) })
	mustPanic(t, "infinite weight", func() { NewGuidedField(main, guide, math.Inf(1)) })
	mustPanic(t, "negative weight", func() { NewGuidedField(main, guide, -0.5) })
	mustPanic(t, "weight above MaxGuidance", func() { NewGuidedField(main, guide, MaxGuidance+1) })
}

// TestModelGuided: Model.Guided returns as errors what NewGuidedField
// panics on, and otherwise the field NewGuidedField builds.
func TestModelGuided(t *testing.T) {
	main, guide := guidedPair()
	m := &Model{Net: main.Net, Shape: [3]int{1, 28, 28}}
	g := &Model{Net: guide.Net, Shape: [3]int{1, 28, 28}}
	f, err := m.Guided(g, 2)
	if err != nil {
		t.Fatal(err)
	}
	if f.Main.Net != main.Net || f.Guide.Net != guide.Net || f.Weight != 2 || f.Dim() != 784 {
		t.Errorf("Guided: main %p, guide %p, weight %v, dim %d", f.Main.Net, f.Guide.Net, f.Weight, f.Dim())
	}
	for _, w := range []float64{0, 1, MaxGuidance} {
		if err := CheckGuidance(w); err != nil {
			t.Errorf("CheckGuidance(%v) = %v, want nil", w, err)
		}
	}
	for _, w := range []float64{-1, MaxGuidance + 0.5, math.NaN(), math.Inf(-1)} {
		if _, err := m.Guided(g, w); err == nil {
			t.Errorf("Guided with weight %v: no error", w)
		}
	}
	other := &Model{Net: guide.Net, Shape: [3]int{1, 14, 56}}
	if _, err := m.Guided(other, 2); err == nil || !strings.Contains(err.Error(), "14×56") {
		t.Errorf("Guided by a guide of 1×14×56 samples: error %v, want one naming the shape", err)
	}
}
