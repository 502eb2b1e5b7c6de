package nn

import "fmt"

// GroupNorm is torch.nn.GroupNorm(Groups, Channels, eps, affine=True): each
// sample's channels are split into Groups groups of Channels/Groups
// channels, each group is normalised to zero mean and unit (biased)
// variance, then scaled by Weight and shifted by Bias per channel.
//
// With SiLU set, the layer also applies SiLU to its output: GroupNorm → SiLU
// is how every normalisation is used in the VelocityNet, and fusing them
// saves a pass over the activations and the storage of the normalised values
// (Backward recomputes them from the input and the per-group statistics).
type GroupNorm struct {
	Groups, Channels int
	// Eps is added to the variance; NewGroupNorm sets PyTorch's default 1e-5.
	Eps float32
	// SiLU fuses a SiLU after the affine map.
	SiLU         bool
	Weight, Bias *Param
	// Backend computes the layer; nil means DefaultBackend().
	Backend Backend

	x     *Tensor
	stats Tensor // [B,Groups,2]: mean, 1/sqrt(var+eps) of the last Forward
}

// NewGroupNorm returns a GroupNorm with PyTorch's defaults: Eps 1e-5,
// Weight 1 and Bias 0. Channels must be a multiple of groups.
func NewGroupNorm(groups, channels int) *GroupNorm {
	if groups <= 0 || channels <= 0 || channels%groups != 0 {
		panic(fmt.Sprintf("nn: GroupNorm(%d, %d): channels must be a positive multiple of groups", groups, channels))
	}
	g := &GroupNorm{Groups: groups, Channels: channels, Eps: 1e-5,
		Weight: NewParam("weight", channels), Bias: NewParam("bias", channels)}
	for i := range g.Weight.Value.Data {
		g.Weight.Value.Data[i] = 1
	}
	return g
}

// Params returns Weight and Bias, in PyTorch's state_dict order.
func (g *GroupNorm) Params() []*Param { return []*Param{g.Weight, g.Bias} }

func (g *GroupNorm) check(y, x *Tensor) {
	if x == nil || len(x.Shape) < 2 {
		panic(fmt.Sprintf("nn: GroupNorm input %v is not [B,C,...]", x))
	}
	if x.Dim(1) != g.Channels {
		panic(fmt.Sprintf("nn: GroupNorm input %v has %d channels, want %d", x, x.Dim(1), g.Channels))
	}
	checkShape("GroupNorm output", y, x.Shape...)
}

// Forward computes y from x [B,Channels,...]; y has x's shape and may be x
// only when Backward will not be called (Backward reads x). It keeps x and
// the statistics for Backward.
func (g *GroupNorm) Forward(y, x *Tensor) {
	g.check(y, x)
	g.x = x
	g.stats.Resize(x.Dim(0), g.Groups, 2)
	backendOr(g.Backend).GroupNorm(y, x, g.Weight.Value, g.Bias.Value, &g.stats, g.Eps, g.SiLU)
}

// Backward adds the gradients of Weight and Bias for output gradient dy
// and writes the input gradient to dx (skipped when nil; dx may be dy).
func (g *GroupNorm) Backward(dx, dy *Tensor) {
	if g.x == nil {
		panic("nn: GroupNorm.Backward before Forward")
	}
	g.check(dy, g.x)
	if dx != nil {
		checkShape("GroupNorm input gradient", dx, g.x.Shape...)
	}
	backendOr(g.Backend).GroupNormBackward(dx, g.Weight.Grad, g.Bias.Grad, dy, g.x, g.Weight.Value, g.Bias.Value, &g.stats, g.SiLU)
}
