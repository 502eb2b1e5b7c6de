package nn

// referenceLoss is the reference recipe's training loss for a batch
// (docs/reference.md), written from its description: per-pixel smooth-L1 (β = 0.1) between v and the target u, each
// sample weighted by w_b = t_b(1 − t_b)/(mean_b t_b(1 − t_b) + 1e-8), averaged
// over all pixels, plus 3e-5·mean(v²). It writes dL/dv to dv (same shape as
// v) and returns L. It lives in the tests: the training loss belongs to the
// flow-matching package; nn's tests need it for the PyTorch parity check and
// the training-step benchmark.
func referenceLoss(dv, v, u []float32, t []float64) float64 {
	const beta, reg = 0.1, 3e-5 // docs/reference.md
	B := len(t)
	P := len(v) / B
	var wmean float64
	for _, tb := range t {
		wmean += tb * (1 - tb)
	}
	wmean /= float64(B)
	N := float64(len(v))
	var loss float64
	for b := 0; b < B; b++ {
		w := t[b] * (1 - t[b]) / (wmean + 1e-8)
		for p := 0; p < P; p++ {
			i := b*P + p
			vi := float64(v[i])
			d := vi - float64(u[i])
			var l, g float64
			if a := abs(d); a < beta {
				l, g = 0.5*d*d/beta, d/beta
			} else {
				l = a - 0.5*beta
				g = 1
				if d < 0 {
					g = -1
				}
			}
			loss += w*l/N + reg*vi*vi/N
			dv[i] = float32(w*g/N + 2*reg*vi/N)
		}
	}
	return loss
}
