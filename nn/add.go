package nn

// Add is the residual connection y = a + b.
type Add struct {
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend
}

// Forward computes y = a + b; all three have one shape, and y may alias a
// or b.
func (r Add) Forward(y, a, b *Tensor) {
	checkShape("Add operand", b, a.Shape...)
	checkShape("Add output", y, a.Shape...)
	backendOr(r.Backend).Add(y, a, b)
}

// Backward writes the gradients of both operands, which are dy itself:
// da and db receive copies (either may be nil, or dy itself).
func (r Add) Backward(da, db, dy *Tensor) {
	for _, d := range []*Tensor{da, db} {
		if d != nil && d != dy {
			checkShape("Add operand gradient", d, dy.Shape...)
			copy(d.Data, dy.ToHost())
			d.HostChanged()
		}
	}
}
