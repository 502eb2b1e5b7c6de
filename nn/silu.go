package nn

// SiLU is the activation x·σ(x) (torch.nn.SiLU), element-wise on any shape.
type SiLU struct {
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend

	x *Tensor
}

// Forward computes y = x·σ(x); y must have x's shape. It keeps x for Backward,
// so y may be x only when Backward will not be called.
func (s *SiLU) Forward(y, x *Tensor) {
	checkShape("SiLU output", y, x.Shape...)
	s.x = x
	backendOr(s.Backend).SiLU(y, x)
}

// Backward writes dx = dy·σ(x)·(1 + x·(1−σ(x))) for the input x of the last
// Forward; dx may be dy.
func (s *SiLU) Backward(dx, dy *Tensor) {
	if s.x == nil {
		panic("nn: SiLU.Backward before Forward")
	}
	checkShape("SiLU output gradient", dy, s.x.Shape...)
	checkShape("SiLU input gradient", dx, s.x.Shape...)
	backendOr(s.Backend).SiLUBackward(dx, dy, s.x)
}
