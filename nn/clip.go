package nn

import "math"

// ClipGradNorm scales the gradients of params by maxNorm/(‖g‖ + 1e-6) when
// that is below 1, ‖g‖ the Euclidean norm of all of them together, as
// PyTorch's torch.nn.utils.clip_grad_norm_ does (its 1e-6 included), and
// returns ‖g‖. Parameters without a gradient are skipped. The norm and the
// scaling are computed by b (nil means DefaultBackend()), so on a GPU the
// gradients never leave it. It panics unless maxNorm > 0.
func ClipGradNorm(params []*Param, maxNorm float64, b Backend) float64 {
	if !(maxNorm > 0) {
		panic("nn: ClipGradNorm: maxNorm must be positive")
	}
	b = backendOr(b)
	gs := make([]*Tensor, 0, len(params))
	for _, p := range params {
		if p.Grad != nil {
			gs = append(gs, p.Grad)
		}
	}
	norm := math.Sqrt(b.SumSquares(gs))
	if c := maxNorm / (norm + 1e-6); c < 1 {
		for _, g := range gs {
			b.Scale(g, float32(c))
		}
	}
	return norm
}
