package nn

import (
	"math"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	names := Backends()
	found := false
	for _, n := range names {
		if n == "cpu" {
			found = true
		}
	}
	if !found {
		t.Fatalf("Backends() = %v, want cpu among them", names)
	}
	if _, err := GetBackend("no-such-backend"); err == nil || !strings.Contains(err.Error(), "no-such-backend") {
		t.Errorf("GetBackend of an unknown name: %v", err)
	}
	t.Setenv(EnvBackend, "cpu")
	if b := DefaultBackend(); b.Name() != "cpu" {
		t.Errorf("with $%s=cpu, DefaultBackend() = %s", EnvBackend, b.Name())
	}
	t.Setenv(EnvBackend, "no-such-backend")
	func() {
		defer func() {
			if recover() == nil {
				t.Error("DefaultBackend with an unknown $" + EnvBackend + " did not panic")
			}
		}()
		DefaultBackend()
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("registering cpu twice did not panic")
			}
		}()
		Register(&cpuBackend{name: "cpu"}, 0)
	}()
}

// TestShapePanics: a caller's shape mistake panics with an "nn: " message
// naming what is wrong, before anything is computed.
func TestShapePanics(t *testing.T) {
	rng := newRand(30)
	conv := NewConv2d(2, 3, 3, 1, 1, rng)
	cases := map[string]func(){
		"Conv2d input channels": func() { conv.Forward(NewTensor(1, 3, 4, 4), NewTensor(1, 4, 4, 4)) },
		"Conv2d output size":    func() { conv.Forward(NewTensor(1, 3, 5, 4), NewTensor(1, 2, 4, 4)) },
		"Conv2d backward first": func() { NewConv2d(1, 1, 3, 1, 1, rng).Backward(nil, NewTensor(1, 1, 2, 2)) },
		"Linear width":          func() { NewLinear(3, 2, rng).Forward(NewTensor(1, 2), NewTensor(1, 4)) },
		"GroupNorm groups":      func() { NewGroupNorm(3, 8) },
		"VelocityNet odd image": func() {
			NewVelocityNet(Config{Base: 4, TimeDim: 8, Groups: 2}, rng).Forward(NewTensor(1, 1, 5, 5), NewTensor(1, 1, 5, 5), []float64{0})
		},
		"VelocityNet times": func() {
			NewVelocityNet(Config{Base: 4, TimeDim: 8, Groups: 2}, rng).Forward(NewTensor(2, 1, 4, 4), NewTensor(2, 1, 4, 4), []float64{0})
		},
		"nil random source": func() { NewLinear(2, 2, nil) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "nn: ") {
					t.Errorf("panic value %v, want an \"nn: ...\" message", r)
				}
			}()
			f()
		})
	}
}

// TestInit checks PyTorch's default initialisation bounds: every weight and
// bias of a layer with fan_in f lies in [−1/√f, 1/√f] and the draws reach
// close to both ends (ConvTranspose2d's fan_in is out·k², PyTorch's
// convention for its [in, out, k, k] weight).
func TestInit(t *testing.T) {
	rng := newRand(31)
	check := func(name string, ts []*Tensor, fanIn int) {
		bound := 1 / math.Sqrt(float64(fanIn))
		lo, hi := 0.0, 0.0
		for _, tt := range ts {
			for _, v := range tt.Data {
				lo, hi = min(lo, float64(v)), max(hi, float64(v))
			}
		}
		if lo < -bound || hi > bound || lo > -0.9*bound || hi < 0.9*bound {
			t.Errorf("%s: values in [%g, %g], want to fill [−%g, %g]", name, lo, hi, bound, bound)
		}
	}
	l := NewLinear(50, 40, rng)
	check("Linear", []*Tensor{l.Weight.Value, l.Bias.Value}, 50)
	c := NewConv2d(8, 16, 3, 1, 1, rng)
	check("Conv2d", []*Tensor{c.Weight.Value}, 8*9)
	ct := NewConvTranspose2d(16, 8, 4, 2, 1, rng)
	check("ConvTranspose2d", []*Tensor{ct.Weight.Value}, 8*16)
	g := NewGroupNorm(2, 4)
	for i := range g.Weight.Value.Data {
		if g.Weight.Value.Data[i] != 1 || g.Bias.Value.Data[i] != 0 {
			t.Fatalf("GroupNorm init: weight %v bias %v, want 1 and 0", g.Weight.Value.Data, g.Bias.Value.Data)
		}
	}
}

func TestUseBackend(t *testing.T) {
	t.Cleanup(func() { UseBackend("") })
	t.Setenv(EnvBackend, "no-such-backend")
	if err := UseBackend("cpu"); err != nil {
		t.Fatal(err)
	}
	if b := DefaultBackend(); b.Name() != "cpu" {
		t.Errorf("after UseBackend(cpu), DefaultBackend() = %s", b.Name())
	}
	if err := UseBackend("no-such-backend"); err == nil || !strings.Contains(err.Error(), `"no-such-backend"`) {
		t.Errorf("UseBackend of an unknown name: %v", err)
	}
	if b := DefaultBackend(); b.Name() != "cpu" {
		t.Errorf("a refused UseBackend changed the choice to %s", b.Name())
	}
}
