package nn

import (
	"fmt"
	"os"
	"sort"
	"sync"
)

// Backend computes the operations that layers are made of. Layers hold no
// arithmetic of their own: they check shapes, keep what Backward needs and call
// their Backend, so a new backend (a GPU, a BLAS library) is added by
// implementing this interface and registering it, without touching layer code.
//
// Conventions for every method:
//   - destination first: the first tensor arguments are written, the others
//     only read;
//   - gradients of parameters (dw, db, dgamma, dbeta) are accumulated (+=),
//     gradients of inputs (dx, dh) are overwritten, and a nil input gradient
//     means "not needed" and is skipped;
//   - image tensors are NCHW; shapes have been checked by the caller.
//
// A Backend must be safe for concurrent use by several models.
type Backend interface {
	// Name identifies the backend in the registry ("cpu", "openblas", ...).
	Name() string

	// Linear computes y[B,out] = x[B,in]·wᵀ + b for w [out,in] and b [out].
	Linear(y, x, w, b *Tensor)
	// LinearBackward computes dw += dyᵀ·x, db += Σ_rows dy and dx = dy·w.
	LinearBackward(dx, dw, db, dy, x, w *Tensor)

	// Conv2d computes the cross-correlation y = w ⋆ x + b with weight
	// w [Cout,Cin,KH,KW], zero padding pad and the given stride, as
	// torch.nn.functional.conv2d.
	Conv2d(y, x, w, b *Tensor, stride, pad int)
	// Conv2dBackward is the adjoint of Conv2d.
	Conv2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int)

	// ConvTranspose2d computes the transposed convolution with weight
	// w [Cin,Cout,KH,KW] as torch.nn.functional.conv_transpose2d; the
	// output size is taken from y (which fixes PyTorch's output_padding).
	ConvTranspose2d(y, x, w, b *Tensor, stride, pad int)
	// ConvTranspose2dBackward is the adjoint of ConvTranspose2d.
	ConvTranspose2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int)

	// GroupNorm normalises x [B,C,H,W] over each (sample, group of C/G
	// channels) with the biased variance and eps, applies gamma and beta [C]
	// per channel and then SiLU when silu is true. It writes the statistics
	// of each (sample, group), mean and 1/sqrt(var+eps), to stats [B,G,2]
	// (G is stats.Shape[1]) for GroupNormBackward.
	GroupNorm(y, x, gamma, beta, stats *Tensor, eps float32, silu bool)
	// GroupNormBackward is the adjoint of GroupNorm at x with the stats
	// that GroupNorm wrote.
	GroupNormBackward(dx, dgamma, dbeta, dy, x, gamma, beta, stats *Tensor, silu bool)

	// SiLU computes y = x·σ(x) element-wise; y may be x.
	SiLU(y, x *Tensor)
	// SiLUBackward computes dx = dy·σ(x)·(1 + x·(1 − σ(x))); dx may be dy.
	SiLUBackward(dx, dy, x *Tensor)

	// FiLM computes y[b,c,:] = h[b,c,:]·(1 + ss[b,c]) + ss[b,C+c] for
	// h [B,C,H,W] and ss [B,2C] (scale then shift, as torch.chunk(2, dim=1)).
	FiLM(y, h, ss *Tensor)
	// FiLMBackward computes dh = dy·(1+scale) and overwrites dss [B,2C]
	// with the gradients of scale and shift.
	FiLMBackward(dh, dss, dy, h, ss *Tensor)

	// Attention computes single-head self-attention over the N positions
	// of qkv [B,3C,N] (an image [B,3C,H,W] seen as N = H·W positions), whose
	// channels are the queries q (0 … C−1), keys k (C … 2C−1) and values v
	// (2C … 3C−1): per sample, p = softmax over each row of scale·qᵀk,
	// written to p [B,N,N] (row i: query position i; kept for
	// AttentionBackward), and o[c,i] = Σ_j p[i,j]·v[c,j], written to
	// o [B,C,N].
	Attention(o, p, qkv *Tensor, scale float32)
	// AttentionBackward is the adjoint of Attention at qkv with the p that
	// Attention wrote: it overwrites dqkv [B,3C,N] with the gradients of
	// q, k and v for the output gradient do [B,C,N].
	AttentionBackward(dqkv, do, p, qkv *Tensor, scale float32)

	// Add computes y = a + b element-wise; y may alias a or b.
	Add(y, a, b *Tensor)

	// SinusoidalEmbedding writes VelocityNet's time embedding
	// (docs/reference.md) to y [B,D]: y[b,i] = sin(2π·t[b]·f_i),
	// y[b,D/2+i] = cos(2π·t[b]·f_i), f_i = exp(−ln(10000)·i/(D/2−1)).
	SinusoidalEmbedding(y *Tensor, t []float64)

	// AdamW applies one torch.optim.AdamW step (see AdamW) to p with
	// gradient g and moments m, v. The scalars are precomputed by the
	// caller: decay = 1 − lr·weight_decay, step = lr/(1 − β1^n),
	// bc2sqrt = sqrt(1 − β2^n).
	AdamW(p, g, m, v *Tensor, decay, beta1, beta2, step, bc2sqrt, eps float32)

	// Lerp computes dst = decay·dst + (1 − decay)·src, the EMA update.
	Lerp(dst, src *Tensor, decay float32)

	// SumSquares returns Σ x² over every element of every tensor of xs,
	// accumulated in float64: the squared norm of a model's gradient,
	// which clipping needs without moving the gradient off the device.
	SumSquares(xs []*Tensor) float64
	// Scale computes x = c·x element-wise.
	Scale(x *Tensor, c float32)
}

// EnvBackend is the environment variable that, when set to a registered
// backend's name, makes DefaultBackend return that backend.
const EnvBackend = "WINDROSE_NN_BACKEND"

var registry = struct {
	sync.RWMutex
	m       map[string]Backend
	prefer  string // the default when EnvBackend is unset
	prefPri int
	chosen  string // set by UseBackend; overrides both
}{m: map[string]Backend{}}

// UseBackend makes DefaultBackend return the registered backend called
// name from now on, whatever $WINDROSE_NN_BACKEND says (a command line's
// -backend flag); the empty name restores the default choice. It returns
// GetBackend's error for a name that is not built in.
func UseBackend(name string) error {
	if name != "" {
		if _, err := GetBackend(name); err != nil {
			return err
		}
	}
	registry.Lock()
	registry.chosen = name
	registry.Unlock()
	return nil
}

// Register adds b to the registry under b.Name(). A backend registered with a
// higher priority becomes the default (cpu registers with 0; a backend chosen
// by a build tag, such as openblas, registers above it). Register panics if
// the name is already taken.
func Register(b Backend, priority int) {
	registry.Lock()
	defer registry.Unlock()
	name := b.Name()
	if _, dup := registry.m[name]; dup {
		panic(fmt.Sprintf("nn: backend %q registered twice", name))
	}
	registry.m[name] = b
	if registry.prefer == "" || priority > registry.prefPri {
		registry.prefer, registry.prefPri = name, priority
	}
}

// Backends returns the names of the registered backends, sorted.
func Backends() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.m))
	for n := range registry.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// GetBackend returns the registered backend called name.
func GetBackend(name string) (Backend, error) {
	registry.RLock()
	defer registry.RUnlock()
	b, ok := registry.m[name]
	if !ok {
		names := make([]string, 0, len(registry.m))
		for n := range registry.m {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("nn: no backend %q (built: %v)", name, names)
	}
	return b, nil
}

// DefaultBackend returns the backend chosen by UseBackend, else the one
// named by $WINDROSE_NN_BACKEND when it is set, else the registered backend with the highest priority: "cpu" in the
// default build, "openblas" when built with -tags openblas. It panics if the
// environment names a backend that is not built in, since silently running
// on another backend would make benchmarks lie.
func DefaultBackend() Backend {
	registry.RLock()
	chosen := registry.chosen
	registry.RUnlock()
	if chosen != "" {
		b, _ := GetBackend(chosen)
		return b
	}
	if name := os.Getenv(EnvBackend); name != "" {
		b, err := GetBackend(name)
		if err != nil {
			panic(fmt.Sprintf("nn: $%s: %v", EnvBackend, err))
		}
		return b
	}
	registry.RLock()
	defer registry.RUnlock()
	return registry.m[registry.prefer]
}

// backendOr returns b, or DefaultBackend when b is nil.
func backendOr(b Backend) Backend {
	if b != nil {
		return b
	}
	return DefaultBackend()
}
