package nn_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/windrose/windrose/nn"
)

// A forward and backward pass through a Linear layer.
func ExampleLinear() {
	l := nn.NewLinear(2, 1, rand.New(rand.NewPCG(1, 2)))
	copy(l.Weight.Value.Data, []float32{2, -1})
	l.Bias.Value.Data[0] = 0.5

	x := &nn.Tensor{Shape: []int{1, 2}, Data: []float32{3, 4}}
	y := nn.NewTensor(1, 1)
	l.Forward(y, x) // 2·3 − 1·4 + 0.5
	// ToHost returns Data, copied back first if a GPU backend computed it.
	fmt.Println("y =", y.ToHost())

	dy := &nn.Tensor{Shape: []int{1, 1}, Data: []float32{1}}
	dx := nn.NewTensor(1, 2)
	l.Backward(dx, dy)
	fmt.Println("dx =", dx.ToHost(), "dW =", l.Weight.Grad.ToHost(), "db =", l.Bias.Grad.ToHost())
	// Output:
	// y = [2.5]
	// dx = [2 -1] dW = [3 4] db = [1]
}

// The reference network (docs/reference.md), evaluated on a batch and saved
// as a safetensors file that PyTorch's load_state_dict accepts.
func ExampleVelocityNet() {
	net := nn.NewVelocityNet(nn.Config{}, rand.New(rand.NewPCG(0, 0)))
	fmt.Println(nn.CountParams(net.Params()), "parameters")

	x := nn.NewTensor(2, 1, 28, 28)
	v := nn.NewTensor(2, 1, 28, 28)
	net.Forward(v, x, []float64{0.25, 0.75})
	fmt.Println("output", v)

	dir, _ := os.MkdirTemp("", "windrose")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "velocitynet.safetensors")
	if err := net.Save(path, map[string]string{"note": "untrained"}); err != nil {
		fmt.Println(err)
	}
	meta, err := net.Load(path)
	fmt.Println(meta["note"], err)
	// Output:
	// 1135361 parameters
	// output Tensor[2 1 28 28]
	// untrained <nil>
}

// One AdamW step with PyTorch's defaults: the first step moves every weight
// by lr against the sign of its gradient (m̂/√v̂ = g/|g|), after the
// decoupled weight decay.
func ExampleAdamW() {
	p := nn.NewParam("w", 2)
	copy(p.Value.Data, []float32{1, 1})
	copy(p.Grad.Data, []float32{0.3, -5})
	opt := nn.NewAdamW([]*nn.Param{p}, 0.1)
	opt.Step()
	fmt.Printf("%.4f\n", p.Value.ToHost()) // 1·(1 − 0.1·0.01) ∓ 0.1
	// Output: [0.8990 1.0990]
}

// The EMA's warm-up: the first updates forget the initial weights quickly.
func ExampleEMA() {
	p := nn.NewParam("w", 1)
	p.Value.Data[0] = 1
	ema := nn.NewEMA([]*nn.Param{p}, 0.999)
	p.Value.Data[0] = 0
	p.Value.HostChanged() // written on the host: a GPU backend uploads it again
	for i := 0; i < 3; i++ {
		fmt.Printf("decay %.4f", ema.NextDecay())
		ema.Update([]*nn.Param{p})
		fmt.Printf(" → average %.4f\n", ema.Params()[0].Value.ToHost()[0])
	}
	// Output:
	// decay 0.1000 → average 0.1000
	// decay 0.1818 → average 0.0182
	// decay 0.2500 → average 0.0045
}
