package nn

import (
	"math"
	"math/rand/v2"
)

// PyTorch's default initialisation of Linear and Conv weights is
// kaiming_uniform_(w, a=√5) (torch/nn/modules/linear.py, conv.py): the gain
// √(2/(1+a²)) = √(1/3) and the uniform bound √3·gain/√fan_in combine to
// U(−1/√fan_in, 1/√fan_in); the bias is drawn from the same interval. fan_in
// is weight.size(1)·(kernel area) (torch.nn.init._calculate_fan_in_and_fan_out),
// which for a ConvTranspose2d weight [in, out, kh, kw] is out·kh·kw.

// fillUniform fills t with independent draws from U(−bound, bound).
func fillUniform(t *Tensor, bound float64, rng *rand.Rand) {
	if rng == nil {
		panic("nn: nil random source")
	}
	for i := range t.Data {
		t.Data[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// initKaiming initialises weight and bias as PyTorch does for a layer with the
// given fan_in.
func initKaiming(weight, bias *Tensor, fanIn int, rng *rand.Rand) {
	bound := 1 / math.Sqrt(float64(fanIn))
	fillUniform(weight, bound, rng)
	if bias != nil {
		fillUniform(bias, bound, rng)
	}
}
