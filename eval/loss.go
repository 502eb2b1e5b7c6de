package eval

import (
	"fmt"
	"math"

	"github.com/windrose/windrose/nn"
)

// CrossEntropy returns the mean softmax cross-entropy of logits [B,K]
// against labels (len B, each in [0, K)), −(1/B) Σ_b log softmax(z_b)[y_b],
// and writes its exact gradient (softmax(z_b) − onehot(y_b))/B into
// dlogits (nil skips it). It is computed in float64 with the maximum logit
// subtracted first, so large logits neither overflow nor lose the small
// probabilities.
func CrossEntropy(dlogits, logits *nn.Tensor, labels []uint8) float64 {
	if len(logits.Shape) != 2 || logits.Shape[0] != len(labels) {
		panic(fmt.Sprintf("eval: logits %v for %d labels", logits.Shape, len(labels)))
	}
	if dlogits != nil && !nn.SameShape(dlogits, logits) {
		panic(fmt.Sprintf("eval: logit gradient %v, logits %v", dlogits.Shape, logits.Shape))
	}
	b, k := logits.Shape[0], logits.Shape[1]
	logits.ToHost()
	if dlogits != nil {
		defer dlogits.HostChanged()
	}
	var loss float64
	for i := range b {
		z := logits.Data[i*k : (i+1)*k]
		y := int(labels[i])
		if y >= k {
			panic(fmt.Sprintf("eval: label %d of sample %d, want < %d", y, i, k))
		}
		m := float64(z[0])
		for _, v := range z[1:] {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range z {
			s += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(s)
		loss += lse - float64(z[y])
		if dlogits != nil {
			d := dlogits.Data[i*k : (i+1)*k]
			for j, v := range z {
				g := math.Exp(float64(v) - lse)
				if j == y {
					g--
				}
				d[j] = float32(g / float64(b))
			}
		}
	}
	return loss / float64(b)
}

// softmax writes the probabilities of the logits z into p, in float64.
func softmax(p []float64, z []float32) {
	m := float64(z[0])
	for _, v := range z[1:] {
		m = math.Max(m, float64(v))
	}
	var s float64
	for j, v := range z {
		p[j] = math.Exp(float64(v) - m)
		s += p[j]
	}
	for j := range p {
		p[j] /= s
	}
}
