package nn

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// UNetConfig sets a UNet's shape. Every field's zero value is documented;
// the zero UNetConfig is the three-resolution network of windrose's
// shipped model: widths 32/64/128 at 28/14/7 pixels for MNIST, one
// ResBlock per level on each path and two in the middle (1,582,785
// parameters). The default training recipe takes it at Base 16.
type UNetConfig struct {
	// Channels is the number of input (and output) channels. Zero means 1.
	Channels int `json:"channels"`
	// Base is the width at full resolution. Zero means 32.
	Base int `json:"base"`
	// Mults are the width multipliers of the resolution levels, from full
	// resolution down; each level after the first halves the height and
	// width, so the input's height and width must be multiples of
	// 2^(len(Mults)−1). Nil means {1, 2, 4}.
	Mults []int `json:"mults"`
	// Blocks is the number of ResBlocks per level on the way down, and
	// again on the way up. Zero means 1.
	Blocks int `json:"blocks"`
	// Mid is the number of ResBlocks at the lowest resolution, after that
	// level's own. Zero means 2.
	Mid int `json:"mid"`
	// TimeDim is the width of the sinusoidal time embedding, of the time
	// MLP and of the FiLM inputs. Zero means 128.
	TimeDim int `json:"time_dim"`
	// Groups is the number of GroupNorm groups; every width must be a
	// multiple of it. Zero means 8.
	Groups int `json:"groups"`
	// Attention, when true, puts a single-head self-attention block
	// (Attention) after every middle ResBlock but the last: with Mid = 2,
	// the middle is mid.0, mid_attn.0, mid.1 (Ho et al. 2020 attend at
	// 16×16; here at the lowest resolution, 7×7 for MNIST). False, the
	// zero value, is the network without attention; the field is omitted
	// from JSON then, so that configurations written before it existed
	// read and write the same.
	Attention bool `json:"attention,omitempty"`
	// Backend computes every layer. Nil means DefaultBackend().
	Backend Backend `json:"-"`
}

// Limits on a UNetConfig, so that a configuration read from a file cannot
// ask for an absurd allocation: far above any network this engine trains
// on a CPU, far below what would overflow.
const (
	maxUNetWidth  = 4096
	maxUNetLevels = 8
	maxUNetBlocks = 16
	maxTimeDim    = 4096
)

// WithDefaults returns c with every zero field replaced by its default.
func (c UNetConfig) WithDefaults() UNetConfig {
	if c.Channels == 0 {
		c.Channels = 1
	}
	if c.Base == 0 {
		c.Base = 32
	}
	if c.Mults == nil {
		c.Mults = []int{1, 2, 4}
	}
	if c.Blocks == 0 {
		c.Blocks = 1
	}
	if c.Mid == 0 {
		c.Mid = 2
	}
	if c.TimeDim == 0 {
		c.TimeDim = 128
	}
	if c.Groups == 0 {
		c.Groups = 8
	}
	return c
}

// Validate reports the first field of c (after defaults) that cannot make
// a network.
func (c UNetConfig) Validate() error {
	c = c.WithDefaults()
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("nn: UNetConfig.%s = %v, want %s", field, v, want)
	}
	switch {
	case c.Channels < 1 || c.Channels > maxUNetWidth:
		return bad("Channels", c.Channels, fmt.Sprintf("in [1, %d]", maxUNetWidth))
	case c.Groups < 1 || c.Groups > maxUNetWidth:
		return bad("Groups", c.Groups, fmt.Sprintf("in [1, %d]", maxUNetWidth))
	case c.Base < 1 || c.Base > maxUNetWidth || c.Base%c.Groups != 0:
		return bad("Base", c.Base, fmt.Sprintf("a multiple of Groups (%d) in [1, %d]", c.Groups, maxUNetWidth))
	case len(c.Mults) < 1 || len(c.Mults) > maxUNetLevels:
		return bad("Mults", c.Mults, fmt.Sprintf("1 to %d levels", maxUNetLevels))
	case c.Blocks < 1 || c.Blocks > maxUNetBlocks:
		return bad("Blocks", c.Blocks, fmt.Sprintf("in [1, %d]", maxUNetBlocks))
	case c.Mid < 0 || c.Mid > maxUNetBlocks:
		return bad("Mid", c.Mid, fmt.Sprintf("in [0, %d]", maxUNetBlocks))
	case c.TimeDim < 4 || c.TimeDim%2 != 0 || c.TimeDim > maxTimeDim:
		return bad("TimeDim", c.TimeDim, fmt.Sprintf("an even number in [4, %d]", maxTimeDim))
	}
	for i, m := range c.Mults {
		if m < 1 || m > maxUNetWidth/c.Base {
			return bad("Mults", c.Mults, fmt.Sprintf("multipliers ≥ 1 with Base·multiplier ≤ %d (level %d)", maxUNetWidth, i))
		}
	}
	return nil
}

// Widths returns the channel count of every level.
func (c UNetConfig) Widths() []int {
	c = c.WithDefaults()
	w := make([]int, len(c.Mults))
	for i, m := range c.Mults {
		w[i] = c.Base * m
	}
	return w
}

// UNet is a multi-resolution velocity network v_θ(x, t) in the family of
// the U-Nets of diffusion models (Ronneberger et al. 2015; Ho et al. 2020),
// built from the reference VelocityNet's parts: the same time embedding and
// MLP, the same FiLM-conditioned ResBlocks, 4×4 stride-2 convolutions down
// and their transposes up, and additive skip connections. With L levels of
// widths w_0 … w_{L−1}:
//
//	temb = Linear(SiLU(Linear(sinusoidal(t))))
//	h = InConv(x)                                     w_0 × H × W
//	for level i = 0 … L−1:
//	    h = DownBlocks[i](h);  s_i = h
//	    if i < L−1: h = Downs[i](h)                   w_{i+1} × H/2^{i+1} × W/2^{i+1}
//	h = Mid(h)                                        (with Attention: Mid[0], MidAttn[0], Mid[1], …)
//	for level i = L−2 … 0:
//	    h = UpBlocks[i](Ups[i](h) + s_i)
//	v = OutConv(SiLU(OutNorm(h)))                     Channels × H × W
//
// Work at the lower resolutions is cheap: a 3×3 convolution at 7×7 with
// 128 channels costs what one at 28×28 with 32 channels does, so the
// network gets wide where the image is small.
//
// Its parameters are named as the state_dict of the PyTorch module of the
// same structure (testdata/torch/gen.py): time_mlp.{0,2}, in_conv,
// down_blocks.I.J, downs.I, mid.J, mid_attn.J (with Config.Attention),
// ups.I, up_blocks.I.J, out_norm, out_conv. Buffers are kept and reused as
// in VelocityNet; a UNet is not safe for concurrent use.
type UNet struct {
	Config     UNetConfig // with defaults applied
	TimeMLP0   *Linear
	TimeMLP2   *Linear
	InConv     *Conv2d
	DownBlocks [][]*ResBlock
	Downs      []*Conv2d
	Mid        []*ResBlock
	MidAttn    []*Attention // after Mid[j], j < len(Mid)−1, when Config.Attention
	Ups        []*ConvTranspose2d
	UpBlocks   [][]*ResBlock
	OutNorm    *GroupNorm // with SiLU fused
	OutConv    *Conv2d

	params  []*Param
	embed   TimeEmbedding
	timeAct SiLU
	add     Add

	batch, h, w int
	// Forward activations.
	emb, m1, m1a, temb Tensor
	h0                 Tensor
	downOut, upOut     [][]Tensor
	downConv, upConv   []Tensor
	midOut             []Tensor
	attnOut            []Tensor
	o                  Tensor
	skips              []*Tensor
	// Backward buffers: two per level, sized by Backward.
	ga, gb []Tensor
	// Infer's activations, per level: the skip, two that take turns as a
	// block's input and output, and a ResBlock's two temporaries. They
	// are tensors of Forward's and Backward's of the level's shape, free
	// while Infer runs (no Backward may follow it), so that a net that
	// both trains and samples holds the larger pass's buffers, not both.
	inf                   [5][]*Tensor
	dtemb, dtmp, dm, dm1a Tensor
	forwarded             bool
}

// NewUNet returns a UNet of the given configuration, its parameters drawn
// from rng with PyTorch's default initialisation in the order of the
// PyTorch module's construction. It panics if cfg is not valid (see
// UNetConfig.Validate).
func NewUNet(cfg UNetConfig, rng *rand.Rand) *UNet {
	if err := cfg.Validate(); err != nil {
		panic(err.Error())
	}
	cfg = cfg.WithDefaults()
	cfg.Mults = append([]int(nil), cfg.Mults...)
	ws, td, g, L := cfg.Widths(), cfg.TimeDim, cfg.Groups, len(cfg.Mults)
	n := &UNet{Config: cfg}
	for _, w := range ws {
		if w%g != 0 {
			panic(fmt.Sprintf("nn: UNet width %d is not a multiple of %d groups", w, g))
		}
	}
	add := func(name string, ps []*Param) { n.params = append(n.params, prefix(name, ps)...) }
	n.TimeMLP0 = NewLinear(td, td, rng)
	n.TimeMLP2 = NewLinear(td, td, rng)
	n.InConv = NewConv2d(cfg.Channels, ws[0], 3, 1, 1, rng)
	add("time_mlp.0", n.TimeMLP0.Params())
	add("time_mlp.2", n.TimeMLP2.Params())
	add("in_conv", n.InConv.Params())
	n.DownBlocks = make([][]*ResBlock, L)
	for i := range L {
		for j := range cfg.Blocks {
			r := NewResBlock(ws[i], td, g, rng)
			n.DownBlocks[i] = append(n.DownBlocks[i], r)
			add("down_blocks."+strconv.Itoa(i)+"."+strconv.Itoa(j), r.Params())
		}
		if i < L-1 {
			d := NewConv2d(ws[i], ws[i+1], 4, 2, 1, rng)
			n.Downs = append(n.Downs, d)
			add("downs."+strconv.Itoa(i), d.Params())
		}
	}
	for j := range cfg.Mid {
		r := NewResBlock(ws[L-1], td, g, rng)
		n.Mid = append(n.Mid, r)
		add("mid."+strconv.Itoa(j), r.Params())
	}
	// The attention blocks are constructed after the middle ResBlocks (the
	// PyTorch module's order), and their parameters follow mid.* in its
	// state_dict.
	if cfg.Attention {
		for j := 0; j < cfg.Mid-1; j++ {
			a := NewAttention(ws[L-1], g, rng)
			n.MidAttn = append(n.MidAttn, a)
			add("mid_attn."+strconv.Itoa(j), a.Params())
		}
	}
	// The up path is built from the lowest level up, as the PyTorch
	// module constructs it, so that both draw the same initial weights.
	n.Ups = make([]*ConvTranspose2d, L-1)
	n.UpBlocks = make([][]*ResBlock, L-1)
	for i := L - 2; i >= 0; i-- {
		n.Ups[i] = NewConvTranspose2d(ws[i+1], ws[i], 4, 2, 1, rng)
		add("ups."+strconv.Itoa(i), n.Ups[i].Params())
		for j := range cfg.Blocks {
			r := NewResBlock(ws[i], td, g, rng)
			n.UpBlocks[i] = append(n.UpBlocks[i], r)
			add("up_blocks."+strconv.Itoa(i)+"."+strconv.Itoa(j), r.Params())
		}
	}
	n.OutNorm = NewGroupNorm(g, ws[0])
	n.OutNorm.SiLU = true
	n.OutConv = NewConv2d(ws[0], cfg.Channels, 3, 1, 1, rng)
	add("out_norm", n.OutNorm.Params())
	add("out_conv", n.OutConv.Params())
	n.embed.Dim = td

	n.downOut = make([][]Tensor, L)
	for i := range L {
		n.downOut[i] = make([]Tensor, cfg.Blocks)
	}
	n.upOut = make([][]Tensor, L-1)
	for i := range L - 1 {
		n.upOut[i] = make([]Tensor, cfg.Blocks)
	}
	n.downConv = make([]Tensor, L-1)
	n.upConv = make([]Tensor, L-1)
	n.midOut = make([]Tensor, cfg.Mid)
	n.attnOut = make([]Tensor, len(n.MidAttn))
	n.ga = make([]Tensor, L)
	n.skips = make([]*Tensor, L)
	n.gb = make([]Tensor, L)
	for i := range L {
		n.inf[0] = append(n.inf[0], &n.downOut[i][cfg.Blocks-1])
		n.inf[1] = append(n.inf[1], &n.ga[i])
		n.inf[2] = append(n.inf[2], &n.gb[i])
		n.inf[3] = append(n.inf[3], &n.DownBlocks[i][0].a1)
		n.inf[4] = append(n.inf[4], &n.DownBlocks[i][0].h1)
	}
	n.SetBackend(cfg.Backend)
	return n
}

// blocks calls f on every ResBlock.
func (n *UNet) blocks(f func(*ResBlock)) {
	for _, bs := range n.DownBlocks {
		for _, r := range bs {
			f(r)
		}
	}
	for _, r := range n.Mid {
		f(r)
	}
	for _, bs := range n.UpBlocks {
		for _, r := range bs {
			f(r)
		}
	}
}

// SetBackend makes every layer use b (nil: DefaultBackend()).
func (n *UNet) SetBackend(b Backend) {
	n.Config.Backend = b
	n.TimeMLP0.Backend, n.TimeMLP2.Backend, n.InConv.Backend = b, b, b
	n.OutNorm.Backend, n.OutConv.Backend = b, b
	for _, d := range n.Downs {
		d.Backend = b
	}
	for _, u := range n.Ups {
		u.Backend = b
	}
	n.blocks(func(r *ResBlock) { r.SetBackend(b) })
	for _, a := range n.MidAttn {
		a.SetBackend(b)
	}
	n.embed.Backend, n.timeAct.Backend, n.add.Backend = b, b, b
}

// Params returns the parameters in the PyTorch module's state_dict order,
// named as there.
func (n *UNet) Params() []*Param { return n.params }

// ZeroGrad sets every parameter gradient to zero.
func (n *UNet) ZeroGrad() { ZeroGrad(n.params) }

// levelSize returns the height and width at level i for an H×W input.
func levelSize(H, W, i int) (int, int) { return H >> i, W >> i }

func (n *UNet) resize(B, H, W int) {
	if B == n.batch && H == n.h && W == n.w {
		return
	}
	n.batch, n.h, n.w = B, H, W
	ws, td, L := n.Config.Widths(), n.Config.TimeDim, len(n.Config.Mults)
	for _, t := range []*Tensor{&n.dtemb, &n.dtmp, &n.dm, &n.dm1a} {
		t.Resize(B, td)
	}
	n.h0.Resize(B, ws[0], H, W)
	n.o.Resize(B, ws[0], H, W)
	for i := range L {
		h, w := levelSize(H, W, i)
		for j := range n.downOut[i] {
			n.downOut[i][j].Resize(B, ws[i], h, w)
		}
		if i < L-1 {
			n.upConv[i].Resize(B, ws[i], h, w)
			for j := range n.upOut[i] {
				n.upOut[i][j].Resize(B, ws[i], h, w)
			}
		}
		if i > 0 {
			n.downConv[i-1].Resize(B, ws[i], h, w)
		}
	}
	hl, wl := levelSize(H, W, L-1)
	for j := range n.midOut {
		n.midOut[j].Resize(B, ws[L-1], hl, wl)
	}
	for j := range n.attnOut {
		n.attnOut[j].Resize(B, ws[L-1], hl, wl)
	}
}

// Forward computes v = v_θ(x, t) for a batch x [B,Channels,H,W] at
// per-sample times t (len B), writing v [B,Channels,H,W]. H and W must be
// multiples of 2^(levels−1) (28 for MNIST with three levels). v may not
// alias x.
func (n *UNet) Forward(v, x *Tensor, t []float64) {
	B, H, W := n.check(v, x, t)
	L := len(n.Config.Mults)
	n.resize(B, H, W)
	n.timeEmbedding(t)

	n.InConv.Forward(&n.h0, x)
	cur := &n.h0
	skips := n.skips
	for i := range L {
		for j, r := range n.DownBlocks[i] {
			r.Forward(&n.downOut[i][j], cur, &n.temb)
			cur = &n.downOut[i][j]
		}
		skips[i] = cur
		if i < L-1 {
			n.Downs[i].Forward(&n.downConv[i], cur)
			cur = &n.downConv[i]
		}
	}
	for j, r := range n.Mid {
		r.Forward(&n.midOut[j], cur, &n.temb)
		cur = &n.midOut[j]
		if j < len(n.MidAttn) {
			n.MidAttn[j].Forward(&n.attnOut[j], cur)
			cur = &n.attnOut[j]
		}
	}
	for i := L - 2; i >= 0; i-- {
		n.Ups[i].ForwardAdd(&n.upConv[i], cur, skips[i])
		cur = &n.upConv[i]
		for j, r := range n.UpBlocks[i] {
			r.Forward(&n.upOut[i][j], cur, &n.temb)
			cur = &n.upOut[i][j]
		}
	}
	n.OutNorm.Forward(&n.o, cur)
	n.OutConv.Forward(v, &n.o)
	n.forwarded = true
}

// check panics unless v, x and t are a valid Forward or Infer call, and
// returns the batch size and the image height and width.
func (n *UNet) check(v, x *Tensor, t []float64) (B, H, W int) {
	c := n.Config
	if x == nil || len(x.Shape) != 4 || x.Dim(1) != c.Channels {
		panic(fmt.Sprintf("nn: UNet input %v is not [B,%d,H,W]", x, c.Channels))
	}
	B, H, W = x.Dim(0), x.Dim(2), x.Dim(3)
	if f := 1 << (len(c.Mults) - 1); H%f != 0 || W%f != 0 || H < f || W < f {
		panic(fmt.Sprintf("nn: UNet input %dx%d: height and width must be multiples of %d", H, W, f))
	}
	if len(t) != B {
		panic(fmt.Sprintf("nn: UNet got %d times for a batch of %d", len(t), B))
	}
	checkShape("UNet output", v, x.Shape...)
	return B, H, W
}

// timeEmbedding computes temb = Linear(SiLU(Linear(sinusoidal(t)))).
func (n *UNet) timeEmbedding(t []float64) {
	timeMLP(t, n.Config.TimeDim, &n.embed, n.TimeMLP0, &n.timeAct, n.TimeMLP2, &n.emb, &n.m1, &n.m1a, &n.temb)
}

// timeMLP computes the time embedding temb = mlp2(act(mlp0(embed(t))))
// that VelocityNet and UNet share, sizing its buffers (emb, m1, m1a and
// temb, each [len(t), dim]).
func timeMLP(t []float64, dim int, embed *TimeEmbedding, mlp0 *Linear, act *SiLU, mlp2 *Linear, emb, m1, m1a, temb *Tensor) {
	for _, b := range []*Tensor{emb, m1, m1a, temb} {
		b.Resize(len(t), dim)
	}
	embed.Forward(emb, t)
	mlp0.Forward(m1, emb)
	act.Forward(m1a, m1)
	mlp2.Forward(temb, m1a)
}

// Infer computes what Forward does, for inference alone (sampling, encoding;
// up to rounding, as VelocityNet.Infer): it keeps nothing for Backward and
// lets the layers of each resolution level share five activation buffers
// (the skip, two that take turns as a block's input and output, and a
// ResBlock's two temporaries) where Forward keeps every activation, so a
// pass needs a fraction of Forward's memory (two fifths for the default
// network, whose activations at 28×28 dominate both). Those buffers are
// Forward's own, so a net that has run Forward needs no more for Infer.
// Backward may not follow Infer: it panics until the next Forward.
func (n *UNet) Infer(v, x *Tensor, t []float64) {
	B, H, W := n.check(v, x, t)
	c := n.Config
	ws, L := c.Widths(), len(c.Mults)
	n.forwarded = false
	n.batch = 0 // Forward's buffers are Infer's: the next Forward sizes them again
	skip, p, q, ta, tb := n.inf[0], n.inf[1], n.inf[2], n.inf[3], n.inf[4]
	for i := range L {
		h, w := levelSize(H, W, i)
		for _, t := range []*Tensor{skip[i], p[i], q[i], ta[i], tb[i]} {
			t.Resize(B, ws[i], h, w)
		}
	}
	// other returns the turn-taking buffer of level i that is not cur.
	other := func(i int, cur *Tensor) *Tensor {
		if cur == p[i] {
			return q[i]
		}
		return p[i]
	}
	n.timeEmbedding(t)

	n.InConv.Forward(p[0], x)
	cur := p[0]
	for i := range L {
		for j, r := range n.DownBlocks[i] {
			dst := other(i, cur)
			if j == len(n.DownBlocks[i])-1 {
				dst = skip[i]
			}
			r.infer(dst, cur, &n.temb, ta[i], tb[i])
			cur = dst
		}
		if i < L-1 {
			n.Downs[i].Forward(p[i+1], cur)
			cur = p[i+1]
		}
	}
	for j, r := range n.Mid {
		dst := other(L-1, cur)
		r.infer(dst, cur, &n.temb, ta[L-1], tb[L-1])
		cur = dst
		if j < len(n.MidAttn) {
			dst = other(L-1, cur)
			n.MidAttn[j].Forward(dst, cur)
			cur = dst
		}
	}
	for i := L - 2; i >= 0; i-- {
		n.Ups[i].ForwardAdd(p[i], cur, skip[i])
		cur = p[i]
		for _, r := range n.UpBlocks[i] {
			dst := other(i, cur)
			r.infer(dst, cur, &n.temb, ta[i], tb[i])
			cur = dst
		}
	}
	n.OutNorm.Forward(ta[0], cur)
	n.OutConv.Forward(v, ta[0])
}

// Backward adds to every parameter's Grad the gradient of a loss whose
// gradient with respect to the last Forward's output is dv, and writes the
// gradient with respect to the input x to dx (skipped when dx is nil). The
// input x of the last Forward must not have changed.
func (n *UNet) Backward(dx, dv *Tensor) {
	if !n.forwarded {
		panic("nn: UNet.Backward before Forward")
	}
	c := n.Config
	B, H, W, L := n.batch, n.h, n.w, len(c.Mults)
	checkShape("UNet output gradient", dv, B, c.Channels, H, W)
	if dx != nil {
		checkShape("UNet input gradient", dx, B, c.Channels, H, W)
	}
	ws := c.Widths()
	for i := range L {
		h, w := levelSize(H, W, i)
		n.ga[i].Resize(B, ws[i], h, w)
		n.gb[i].Resize(B, ws[i], h, w)
	}
	first := true
	accTemb := func() {
		if first {
			n.dtemb.CopyFrom(&n.dtmp)
			first = false
			return
		}
		n.add.Forward(&n.dtemb, &n.dtemb, &n.dtmp)
	}
	block := func(r *ResBlock, g *Tensor) {
		r.Backward(g, &n.dtmp, g)
		accTemb()
	}

	// ga[i] carries the gradient along the up path at level i and then
	// keeps it as the gradient of the skip s_i; gb[i] carries the down
	// path's.
	g := &n.ga[0]
	n.OutConv.Backward(g, dv)
	n.OutNorm.Backward(g, g)
	for i := 0; i < L-1; i++ {
		for j := len(n.UpBlocks[i]) - 1; j >= 0; j-- {
			block(n.UpBlocks[i][j], g)
		}
		n.Ups[i].Backward(&n.ga[i+1], g)
		g = &n.ga[i+1]
	}
	for j := len(n.Mid) - 1; j >= 0; j-- {
		if j < len(n.MidAttn) {
			n.MidAttn[j].Backward(g, g)
		}
		block(n.Mid[j], g)
	}
	for i := L - 1; i >= 0; i-- {
		if i < L-1 {
			n.Downs[i].Backward(&n.gb[i], g)
			g = &n.gb[i]
			n.add.Forward(g, g, &n.ga[i]) // the skip s_i
		}
		for j := len(n.DownBlocks[i]) - 1; j >= 0; j-- {
			block(n.DownBlocks[i][j], g)
		}
	}
	n.InConv.Backward(dx, g)

	n.TimeMLP2.Backward(&n.dm1a, &n.dtemb)
	n.timeAct.Backward(&n.dm, &n.dm1a)
	n.TimeMLP0.Backward(nil, &n.dm)
}
