package flowmatch

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// TestLikelihoodMatchesTorch compares the augmented solve with PyTorch's
// on the same weights, inputs and probes (testdata/torch/likelihood.py:
// 8 classical RK4 steps from t = 1 to 0, float64 states, the network in
// float32 on both sides, so only the network's rounding differs). It skips
// when the script's output is absent: the script needs PyTorch.
func TestLikelihoodMatchesTorch(t *testing.T) {
	dir := filepath.Join("..", "testdata", "torch")
	golden, err := nn.ReadSafetensors(filepath.Join(dir, "likelihood.safetensors"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no testdata/torch/likelihood.safetensors: run /usr/bin/python3 testdata/torch/likelihood.py (needs PyTorch)")
	}
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) *nn.Tensor {
		x, ok := golden.Get(name)
		if !ok {
			t.Fatalf("likelihood.safetensors lacks %s", name)
		}
		return x
	}
	x, eps, z0, acc := get("x"), get("eps"), get("z0"), get("acc")
	b, k := x.Dim(0), eps.Dim(1)
	net := nn.NewVelocityNet(nn.Config{}, rand.New(rand.NewPCG(1, 1)))
	if _, err := net.Load(filepath.Join(dir, "velocitynet_weights.safetensors")); err != nil {
		t.Fatal(err)
	}
	f := newNetField(net, 1, 28, 28, b, divHutchinson, k)
	copy(f.eps, eps.Data) // both [B][K][784]
	z := make([]float64, f.stateLen())
	for i, v := range x.Data {
		z[i] = float64(v)
	}
	r, err := ode.Solve(context.Background(), ode.Problem[float64]{Field: f, T0: 1, T1: 0, X0: z}, &ode.Settings{Steps: 8}, ode.RK4)
	if err != nil {
		t.Fatal(err)
	}
	var maxZ float64
	for i, v := range z0.Data {
		maxZ = max(maxZ, math.Abs(r.X[i]-float64(v)))
	}
	if maxZ > 1e-4 {
		t.Errorf("x(0): largest difference from PyTorch %g, want ≤ 1e-4", maxZ)
	}
	var maxAcc float64
	for i, v := range acc.Data {
		got := r.X[b*784+i]
		maxAcc = max(maxAcc, math.Abs(got-float64(v)))
		if math.Abs(got-float64(v)) > 1e-3*(1+math.Abs(float64(v))) {
			t.Errorf("input %d probe %d: accumulated −∫εᵀJε dt = %.6f, PyTorch %.6f", i/k, i%k, got, v)
		}
	}
	t.Logf("largest differences from PyTorch: x(0) %.3g, log-density accumulator %.3g nats", maxZ, maxAcc)
}
