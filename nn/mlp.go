package nn

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// MLPConfig sets an MLP's shape. Every field's zero value is documented.
type MLPConfig struct {
	// Dim is the number of values of one sample (its channels × height ×
	// width). It must be set (a Config read from a trainer's data sets it).
	Dim int `json:"dim"`
	// Hidden is the width of the hidden layers. Zero means 128.
	Hidden int `json:"hidden"`
	// Layers is the number of hidden layers. Zero means 3.
	Layers int `json:"layers"`
	// TimeDim is the width of the sinusoidal time embedding appended to
	// the input. Zero means 32.
	TimeDim int `json:"time_dim"`
	// Backend computes every layer. Nil means DefaultBackend().
	Backend Backend `json:"-"`
}

// Limits on an MLPConfig, so that a configuration read from a file cannot
// ask for an absurd allocation.
const (
	maxMLPDim    = 1 << 20
	maxMLPHidden = 1 << 14
	maxMLPLayers = 64
)

// WithDefaults returns c with every zero field replaced by its default.
func (c MLPConfig) WithDefaults() MLPConfig {
	if c.Hidden == 0 {
		c.Hidden = 128
	}
	if c.Layers == 0 {
		c.Layers = 3
	}
	if c.TimeDim == 0 {
		c.TimeDim = 32
	}
	return c
}

// Validate reports the first field of c (after defaults) that cannot make
// a network.
func (c MLPConfig) Validate() error {
	c = c.WithDefaults()
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("nn: MLPConfig.%s = %v, want %s", field, v, want)
	}
	switch {
	case c.Dim < 1 || c.Dim > maxMLPDim:
		return bad("Dim", c.Dim, fmt.Sprintf("in [1, %d]", maxMLPDim))
	case c.Hidden < 1 || c.Hidden > maxMLPHidden:
		return bad("Hidden", c.Hidden, fmt.Sprintf("in [1, %d]", maxMLPHidden))
	case c.Layers < 1 || c.Layers > maxMLPLayers:
		return bad("Layers", c.Layers, fmt.Sprintf("in [1, %d]", maxMLPLayers))
	case c.TimeDim < 4 || c.TimeDim%2 != 0 || c.TimeDim > maxTimeDim:
		return bad("TimeDim", c.TimeDim, fmt.Sprintf("an even number in [4, %d]", maxTimeDim))
	}
	return nil
}

// MLP is a velocity network for small vectors (2-D point clouds, say): the
// sample x, flattened, and the sinusoidal embedding of t are concatenated
// and passed through Layers hidden layers of width Hidden with SiLU
// activations and a last linear layer back to Dim values:
//
//	h = SiLU(L_0([x, emb(t)])),  h = SiLU(L_k(h)) for k < Layers,  v = L_Layers(h)
//
// the time-conditioned MLP of the flow-matching toy examples (Lipman et al.
// 2023; Tong et al. 2024). Its parameters are named as the state_dict of
// PyTorch's nn.Sequential of the same layers (layers.0, layers.2, …: the
// SiLUs take the odd indices). An MLP is not safe for concurrent use.
type MLP struct {
	Config MLPConfig // with defaults applied
	Layers []*Linear

	params []*Param
	embed  TimeEmbedding
	acts   []SiLU

	in, emb Tensor   // [B, Dim+TimeDim], [B, TimeDim]
	pre     []Tensor // hidden pre-activations
	post    []Tensor // hidden activations
	ga, gb  Tensor   // hidden gradients
	gin     Tensor   // input gradient incl. the time columns
	flat    Tensor   // header for the flattened output and output gradient
	batch   int
}

// NewMLP returns an MLP of the given configuration, initialised as PyTorch
// initialises nn.Linear, layer by layer, from rng. It panics if cfg is not
// valid.
func NewMLP(cfg MLPConfig, rng *rand.Rand) *MLP {
	if err := cfg.Validate(); err != nil {
		panic(err.Error())
	}
	cfg = cfg.WithDefaults()
	m := &MLP{Config: cfg}
	in := cfg.Dim + cfg.TimeDim
	for k := 0; k <= cfg.Layers; k++ {
		out := cfg.Hidden
		if k == cfg.Layers {
			out = cfg.Dim
		}
		l := NewLinear(in, out, rng)
		m.Layers = append(m.Layers, l)
		m.params = append(m.params, prefix("layers."+strconv.Itoa(2*k), l.Params())...)
		in = out
	}
	m.embed.Dim = cfg.TimeDim
	m.acts = make([]SiLU, cfg.Layers)
	m.pre = make([]Tensor, cfg.Layers)
	m.post = make([]Tensor, cfg.Layers)
	m.SetBackend(cfg.Backend)
	return m
}

// SetBackend makes every layer use b (nil: DefaultBackend()).
func (m *MLP) SetBackend(b Backend) {
	m.Config.Backend = b
	for _, l := range m.Layers {
		l.Backend = b
	}
	for i := range m.acts {
		m.acts[i].Backend = b
	}
	m.embed.Backend = b
}

// Params returns the parameters in state_dict order.
func (m *MLP) Params() []*Param { return m.params }

// Forward computes v = v_θ(x, t) for x of any shape [B, …] holding Dim
// values per sample, at per-sample times t (len B); v has x's shape and
// may not alias it.
func (m *MLP) Forward(v, x *Tensor, t []float64) {
	c := m.Config
	if x == nil || len(x.Shape) < 1 || x.Len() != x.Dim(0)*c.Dim {
		panic(fmt.Sprintf("nn: MLP input %v does not hold %d values per sample", x, c.Dim))
	}
	B := x.Dim(0)
	if len(t) != B {
		panic(fmt.Sprintf("nn: MLP got %d times for a batch of %d", len(t), B))
	}
	checkShape("MLP output", v, x.Shape...)
	m.batch = B
	m.emb.Resize(B, c.TimeDim)
	m.in.Resize(B, c.Dim+c.TimeDim)
	m.embed.Forward(&m.emb, t)
	w := c.Dim + c.TimeDim
	xd, emb := x.ToHost(), m.emb.ToHost()
	for b := range B {
		copy(m.in.Data[b*w:], xd[b*c.Dim:(b+1)*c.Dim])
		copy(m.in.Data[b*w+c.Dim:], emb[b*c.TimeDim:(b+1)*c.TimeDim])
	}
	m.in.HostChanged()
	cur := &m.in
	for k := range c.Layers {
		m.pre[k].Resize(B, c.Hidden)
		m.post[k].Resize(B, c.Hidden)
		m.Layers[k].Forward(&m.pre[k], cur)
		m.acts[k].Forward(&m.post[k], &m.pre[k])
		cur = &m.post[k]
	}
	// m.flat shares v's memory; on a resident backend the result is in
	// m.flat's device copy until it is fetched.
	m.flat.setView(v.Data, B, c.Dim)
	m.Layers[c.Layers].Forward(&m.flat, cur)
	m.flat.ToHost()
	v.HostChanged()
}

// Backward adds the parameter gradients for an output gradient dv (the
// shape of the last Forward's output) and writes the input gradient to dx
// (skipped when nil).
func (m *MLP) Backward(dx, dv *Tensor) {
	c, B := m.Config, m.batch
	if m.Layers[0].x == nil {
		panic("nn: MLP.Backward before Forward")
	}
	if dv == nil || dv.Len() != B*c.Dim {
		panic(fmt.Sprintf("nn: MLP output gradient %v, want %d values per sample of %d", dv, c.Dim, B))
	}
	if dx != nil && dx.Len() != B*c.Dim {
		panic(fmt.Sprintf("nn: MLP input gradient %v, want %d values per sample of %d", dx, c.Dim, B))
	}
	m.ga.Resize(B, c.Hidden)
	m.gb.Resize(B, c.Hidden)
	m.flat.setView(dv.ToHost(), B, c.Dim)
	m.flat.HostChanged()
	g, other := &m.ga, &m.gb
	m.Layers[c.Layers].Backward(g, &m.flat)
	for k := c.Layers - 1; k >= 0; k-- {
		m.acts[k].Backward(g, g)
		if k == 0 {
			break
		}
		m.Layers[k].Backward(other, g)
		g, other = other, g
	}
	if dx == nil {
		m.Layers[0].Backward(nil, g)
		return
	}
	m.gin.Resize(B, c.Dim+c.TimeDim)
	m.Layers[0].Backward(&m.gin, g)
	w := c.Dim + c.TimeDim
	gin := m.gin.ToHost()
	for b := range B {
		copy(dx.Data[b*c.Dim:(b+1)*c.Dim], gin[b*w:b*w+c.Dim])
	}
	dx.HostChanged()
}
