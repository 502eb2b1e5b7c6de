package flowmatch

import (
	"fmt"

	"github.com/windrose/windrose/nn"
)

// The divergence modes of a netField.
const (
	divNone       = iota // the velocity only (Encode, Decode)
	divExact             // the exact trace: one VJP per dimension
	divHutchinson        // Hutchinson's estimate: one VJP per probe
)

// maxPassSamples bounds the samples of one network pass of a netField:
// the copies of the batch that carry the divergence's probe vectors are
// run together up to this many samples, the batch size at which the
// network's passes are efficient without holding activations for
// thousands of samples (the exact divergence of a 28×28 batch has 784
// probes per sample).
const maxPassSamples = 256

// netField presents a Network, for a batch of b samples of shape c×h×w,
// as an ode.VectorField[float64] whose state is the b samples one after
// the other, followed, when it computes a divergence, by the log-density
// accumulators: one per sample (divExact) or one per sample and probe
// (divHutchinson, sample-major).
//
// The state is float64, unlike VelocityField's float32, so that the
// solver's own arithmetic adds no rounding that matters: only the
// network's float32 evaluation does. In float32 the accumulators, which reach thousands of
// nats for 784 dimensions (an ulp of 1.2e-4 at 2000), would round at every
// stage combination, and the tight tolerances of round-trip and
// closed-form checks (1e-9) would sit below the state's resolution. The
// cost is one conversion of the b·c·h·w inputs and outputs per network
// pass, negligible next to the pass.
//
// The divergence of the field is d/dt of log p along the flow, by the
// instantaneous change of variables (Chen et al. 2018, "Neural Ordinary
// Differential Equations", theorem 1): d log p(x(t))/dt = −tr(∂v/∂x). A
// netField writes tr(∂v/∂x) (or its per-probe estimate εᵀ(∂v/∂x)ε) as the
// accumulators' derivative, so integrating from t = 1 back to t = 0 from
// zero leaves −∫₀¹ tr(∂v/∂x) dt in them: log p₁(x(1)) = log p₀(x(0)) plus
// the accumulator.
type netField struct {
	net     Network
	c, h, w int
	d       int // c·h·w
	b       int // samples in the batch
	mode    int
	k       int       // probes per sample (divHutchinson)
	eps     []float32 // divHutchinson: the probes, [b][k][d]

	xin, v, dv, dx nn.Tensor
	times          []float64
	passes         int // network passes (Forward, plus InputGradient when a divergence is asked)
}

func newNetField(net Network, c, h, w, b, mode, k int) *netField {
	f := &netField{net: net, c: c, h: h, w: w, d: c * h * w, b: b, mode: mode, k: k}
	if mode == divHutchinson {
		f.eps = make([]float32, b*k*f.d)
	}
	return f
}

// probes returns the number of probe vectors per sample.
func (f *netField) probes() int {
	switch f.mode {
	case divExact:
		return f.d
	case divHutchinson:
		return f.k
	}
	return 0
}

// accumulators returns the number of log-density accumulators per sample.
func (f *netField) accumulators() int {
	switch f.mode {
	case divExact:
		return 1
	case divHutchinson:
		return f.k
	}
	return 0
}

// stateLen is the length of the ODE state.
func (f *netField) stateLen() int { return f.b * (f.d + f.accumulators()) }

// Eval writes the velocity of the b samples of x and, if asked, the
// divergence terms into dst.
func (f *netField) Eval(dst []float64, t float64, x []float64) {
	if len(x) != f.stateLen() || len(dst) != len(x) {
		panic(fmt.Sprintf("flowmatch: netField: len(x) = %d, len(dst) = %d, want %d", len(x), len(dst), f.stateLen()))
	}
	b, d := f.b, f.d
	m := f.probes()
	if m == 0 {
		f.pass(1, t, x[:b*d])
		for i, v := range f.v.Data {
			dst[i] = float64(v)
		}
		return
	}
	// Each pass runs g copies of the batch, copy j carrying probe j0+j.
	g := max(1, min(m, maxPassSamples/b))
	acc := dst[b*d:]
	if f.mode == divExact {
		clear(acc)
	}
	for j0 := 0; j0 < m; j0 += g {
		n := min(g, m-j0)
		f.pass(n, t, x[:b*d])
		if j0 == 0 {
			for i, v := range f.v.Data[:b*d] {
				dst[i] = float64(v)
			}
		}
		f.dv.Resize(n*b, f.c, f.h, f.w)
		f.dx.Resize(n*b, f.c, f.h, f.w)
		for j := range n {
			for s := range b {
				dv := f.dv.Data[(j*b+s)*d : (j*b+s+1)*d]
				if f.mode == divExact {
					clear(dv)
					dv[j0+j] = 1
				} else {
					copy(dv, f.eps[(s*f.k+j0+j)*d:(s*f.k+j0+j+1)*d])
				}
			}
		}
		f.dv.HostChanged()
		InputGradient(f.net, &f.dx, &f.dv)
		f.dx.ToHost()
		for j := range n {
			for s := range b {
				dx := f.dx.Data[(j*b+s)*d : (j*b+s+1)*d]
				if f.mode == divExact {
					// eᵢᵀ(∂v/∂x)ᵀeᵢ = ∂vᵢ/∂xᵢ.
					acc[s] += float64(dx[j0+j])
					continue
				}
				dv := f.dv.Data[(j*b+s)*d : (j*b+s+1)*d]
				var q float64
				for i, e := range dv {
					q += float64(e) * float64(dx[i])
				}
				acc[s*f.k+j0+j] = q
			}
		}
	}
}

// pass runs the network forward on n copies of the b samples x at time t,
// leaving the velocities in f.v.
func (f *netField) pass(n int, t float64, x []float64) {
	bd := f.b * f.d
	f.xin.Resize(n*f.b, f.c, f.h, f.w)
	f.v.Resize(n*f.b, f.c, f.h, f.w)
	for i, v := range x {
		f.xin.Data[i] = float32(v)
	}
	for j := 1; j < n; j++ {
		copy(f.xin.Data[j*bd:(j+1)*bd], f.xin.Data[:bd])
	}
	f.times = f.times[:0]
	for range n * f.b {
		f.times = append(f.times, t)
	}
	f.xin.HostChanged()
	if f.probes() == 0 {
		Infer(f.net, &f.v, &f.xin, f.times)
	} else {
		f.net.Forward(&f.v, &f.xin, f.times) // InputGradient follows
	}
	f.v.ToHost()
	f.passes++
}
