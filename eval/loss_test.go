package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/windrose/windrose/nn"
)

// TestCrossEntropyValue checks the loss against cases worked out by hand:
// equal logits give ln K whatever the label; logits (0, ln 3) with label 1
// give −ln(3/4).
func TestCrossEntropyValue(t *testing.T) {
	z := &nn.Tensor{Shape: []int{2, 4}, Data: []float32{0, 0, 0, 0, 7, 7, 7, 7}}
	if got, want := CrossEntropy(nil, z, []uint8{3, 0}), math.Log(4); math.Abs(got-want) > 1e-12 {
		t.Errorf("equal logits: loss %v, want ln 4 = %v", got, want)
	}
	z = &nn.Tensor{Shape: []int{1, 2}, Data: []float32{0, float32(math.Log(3))}}
	// float32(ln 3) is ln 3 to 6e-8 relative; the loss moves less than that.
	if got, want := CrossEntropy(nil, z, []uint8{1}), -math.Log(0.75); math.Abs(got-want) > 1e-7 {
		t.Errorf("logits (0, ln 3): loss %v, want %v", got, want)
	}
	// Huge logits must not overflow: the softmax is shifted by the maximum.
	z = &nn.Tensor{Shape: []int{1, 2}, Data: []float32{1e30, 0}}
	if got := CrossEntropy(nil, z, []uint8{0}); got != 0 {
		t.Errorf("logits (1e30, 0), label 0: loss %v, want 0", got)
	}
}

// TestCrossEntropyGradient compares the analytic gradient with central
// differences of the float64 loss.
func TestCrossEntropyGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const b, k = 3, 5
	z := nn.NewTensor(b, k)
	for i := range z.Data {
		z.Data[i] = float32(2 * rng.NormFloat64())
	}
	labels := []uint8{4, 0, 2}
	g := nn.NewTensor(b, k)
	CrossEntropy(g, z, labels)
	// h = 1e-2 on float32 logits: the central difference's truncation error
	// is O(h²) ≈ 1e-4 relative to the third derivative (bounded by 1 for a
	// softmax), the float32 rounding of z ± h about 1e-7/h ≈ 1e-5.
	const h = 1e-2
	for i := range z.Data {
		v := z.Data[i]
		z.Data[i] = v + h
		up := CrossEntropy(nil, z, labels)
		z.Data[i] = v - h
		down := CrossEntropy(nil, z, labels)
		z.Data[i] = v
		fd := (up - down) / (float64(z.Data[i]+h) - float64(z.Data[i]-h))
		if math.Abs(fd-float64(g.Data[i])) > 2e-4 {
			t.Errorf("d loss/d z[%d] = %v, finite difference %v", i, g.Data[i], fd)
		}
	}
}
