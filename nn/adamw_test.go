package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestAdamWTorch replays torch.optim.AdamW trajectories (4 steps, two
// parameter tensors, two settings; testdata/torch/gen.py's adamw()) and
// compares every intermediate parameter. The arithmetic mirrors PyTorch's
// operation order in float32, so the only differences are roundings of the
// float32 scalars: a few ulps, hence 1e-6 relative to the largest |p|.
func TestAdamWTorch(t *testing.T) {
	s := readGolden(t, "adamw.safetensors")
	settings := map[string]func(o *AdamW){
		"a": func(o *AdamW) {}, // lr 1e-2, PyTorch defaults otherwise
		"b": func(o *AdamW) { o.LR, o.Beta1, o.Beta2, o.Eps, o.WeightDecay = 3e-3, 0.8, 0.99, 1e-6, 0.1 },
	}
	forEachBackend(t, func(t *testing.T, bk Backend) {
		for name, set := range settings {
			ps := []*Param{}
			for i := 0; i < 2; i++ {
				p0 := golden(t, s, fmt.Sprintf("p0.%d", i))
				ps = append(ps, &Param{Name: fmt.Sprint(i), Value: p0.Clone(), Grad: NewTensor(p0.Shape...)})
			}
			o := NewAdamW(ps, 1e-2)
			o.Backend = bk
			set(o)
			for k := 0; k < 4; k++ {
				for i, p := range ps {
					copy(p.Grad.Data, golden(t, s, fmt.Sprintf("grad.%d.%d", k, i)).Data)
					p.Grad.HostChanged()
				}
				o.Step()
				for i, p := range ps {
					want := golden(t, s, fmt.Sprintf("%s.step%d.%d", name, k+1, i))
					checkClose(t, fmt.Sprintf("%s step %d tensor %d", name, k+1, i), p.Value.ToHost(), f64(want.Data), 1e-6)
				}
			}
			if o.Steps != 4 {
				t.Errorf("Steps = %d, want 4", o.Steps)
			}
		}
	})
}

// TestAdamWFirstStep checks the first step against its closed form: with
// m̂ = g and v̂ = g² after bias correction, p₁ = p₀·(1 − lr·wd) − lr·g/(|g| + eps).
func TestAdamWFirstStep(t *testing.T) {
	p := &Param{Name: "w", Value: &Tensor{Shape: []int{4}, Data: []float32{1, -2, 0.5, 3}},
		Grad: &Tensor{Shape: []int{4}, Data: []float32{0.3, -1e-3, 0, 20}}}
	p0 := f64(p.Value.Data)
	o := NewAdamW([]*Param{p}, 0.1)
	o.Step()
	want := make([]float64, 4)
	for i, g := range p.Grad.Data {
		want[i] = p0[i]*(1-0.1*0.01) - 0.1*float64(g)/(math.Abs(float64(g))+1e-8)
	}
	checkClose(t, "p₁", p.Value.ToHost(), want, 1e-6)
}

func TestAdamWState(t *testing.T) {
	p := NewParam("w", 3)
	p.Grad.Data[0], p.Grad.Data[1] = 1, -1
	o := NewAdamW([]*Param{p}, 1e-3)
	o.Step()
	o.Step()
	st := o.State()
	if len(st) != 2 || st[0].Name != "exp_avg.w" || st[1].Name != "exp_avg_sq.w" {
		t.Fatalf("State() names %v", st)
	}
	o2 := NewAdamW([]*Param{NewParam("w", 3)}, 1e-3)
	if err := o2.SetState(&Safetensors{Tensors: st}, o.Steps); err != nil {
		t.Fatal(err)
	}
	for i, nt := range o2.State() {
		checkClose(t, nt.Name, nt.Tensor.ToHost(), f64(st[i].Tensor.ToHost()), 0)
	}
	if o2.Steps != 2 {
		t.Errorf("Steps = %d after SetState, want 2", o2.Steps)
	}
	bad := &Safetensors{Tensors: []NamedTensor{st[0], {"exp_avg_sq.w", NewTensor(4)}}}
	if err := o2.SetState(bad, 7); err == nil || o2.Steps != 2 {
		t.Errorf("SetState with a wrong shape: err %v, Steps %d", err, o2.Steps)
	}
}
