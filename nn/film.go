package nn

import "fmt"

// FiLM is feature-wise linear modulation (Perez et al., "FiLM: Visual
// Reasoning with a General Conditioning Layer", AAAI 2018) in the form the
// VelocityNet uses: y[b,c,:] = h[b,c,:]·(1 + scale[b,c]) + shift[b,c], with
// per-sample, per-channel scale and shift read from ss [B,2C] as
// ss.chunk(2, dim=1): the first C columns are scale, the last C shift. The
// "1 +" makes a zero-initialised modulation the identity.
type FiLM struct {
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend

	h, ss *Tensor
}

func filmCheck(y, h, ss *Tensor) {
	if h == nil || len(h.Shape) < 2 {
		panic(fmt.Sprintf("nn: FiLM input %v is not [B,C,...]", h))
	}
	checkShape("FiLM scale-shift", ss, h.Dim(0), 2*h.Dim(1))
	checkShape("FiLM output", y, h.Shape...)
}

// Forward computes y from h [B,C,...] and ss [B,2C]; y may be h only when
// Backward will not be called. It keeps h and ss for Backward.
func (f *FiLM) Forward(y, h, ss *Tensor) {
	filmCheck(y, h, ss)
	f.h, f.ss = h, ss
	backendOr(f.Backend).FiLM(y, h, ss)
}

// Backward writes the gradient of h to dh (may be dy; skipped when nil) and
// the gradient of ss to dss [B,2C] (skipped when nil).
func (f *FiLM) Backward(dh, dss, dy *Tensor) {
	if f.h == nil {
		panic("nn: FiLM.Backward before Forward")
	}
	filmCheck(dy, f.h, f.ss)
	if dh != nil {
		checkShape("FiLM input gradient", dh, f.h.Shape...)
	}
	if dss != nil {
		checkShape("FiLM scale-shift gradient", dss, f.ss.Shape...)
	}
	backendOr(f.Backend).FiLMBackward(dh, dss, dy, f.h, f.ss)
}
