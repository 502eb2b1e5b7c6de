package flowmatch

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/windrose/windrose/ode"
)

// FlowSettings says how Encode, Decode and Likelihood integrate the flow of
// a Network, and the shape of its samples. The zero value integrates
// 28×28 single-channel images adaptively with DOPRI5 at rtol = atol =
// 1e-5, 64 samples per solve.
type FlowSettings struct {
	// Method is the Runge–Kutta method. Nil means ode.DOPRI5.
	Method *ode.Tableau
	// Steps > 0 integrates with that many uniform steps (any method);
	// zero integrates adaptively with RTol and ATol, which needs a method
	// with an error estimate (heun, bs3, dopri5, tsit5).
	Steps int
	// RTol and ATol are the adaptive tolerances (ode.Settings). Zero means
	// DefaultRTol and DefaultATol; there is no way to ask for no absolute
	// tolerance, which would be unsafe anyway since pixels pass through
	// zero. The error norm runs over a whole batch, so the steps, and to
	// within the tolerance the results, depend on Batch.
	RTol, ATol float64
	// Batch is the number of samples integrated together, in one state.
	// Zero means 64.
	Batch int
	// Channels, Height and Width are the shape of one sample. Zero means
	// 1, 28 and 28 (MNIST).
	Channels, Height, Width int
	// Progress, when not nil, is called after every batch with the number
	// of samples done and the total.
	Progress func(done, total int)
}

// The default tolerances of FlowSettings: tight enough that the solver's
// error in a log-likelihood of MNIST (thousands of nats over 784
// dimensions) stays well below 1e-3 bits per dimension, loose enough for
// DOPRI5 to take a few dozen steps on a trained field.
const (
	DefaultRTol = 1e-5
	DefaultATol = 1e-5
)

// FlowResult reports the work of Encode and Decode.
type FlowResult struct {
	// Stats sums the solver statistics over the batches; FieldEvals counts
	// evaluations of the field, each one network pass on a batch.
	Stats ode.Stats
	// Wall is the wall-clock time of the integration.
	Wall time.Duration
}

// flowPlan is FlowSettings checked and with its defaults.
type flowPlan struct {
	method     *ode.Tableau
	set        ode.Settings
	batch      int
	c, h, w, d int
	progress   func(done, total int)
}

func (s *FlowSettings) plan(who string) (flowPlan, error) {
	if s == nil {
		s = &FlowSettings{}
	}
	p := flowPlan{method: s.Method, batch: s.Batch, c: s.Channels, h: s.Height, w: s.Width, progress: s.Progress}
	if p.method == nil {
		p.method = ode.DOPRI5
	}
	if p.batch == 0 {
		p.batch = 64
	}
	if p.c == 0 {
		p.c = 1
	}
	if p.h == 0 {
		p.h = 28
	}
	if p.w == 0 {
		p.w = 28
	}
	if p.batch < 0 || p.c < 0 || p.h < 0 || p.w < 0 || s.Steps < 0 {
		return p, fmt.Errorf("flowmatch: %s: Batch = %d, Channels = %d, Height = %d, Width = %d, Steps = %d: want ≥ 0", who, s.Batch, s.Channels, s.Height, s.Width, s.Steps)
	}
	p.d = p.c * p.h * p.w
	if err := p.method.Validate(); err != nil {
		return p, fmt.Errorf("flowmatch: %s: %w", who, err)
	}
	if s.Steps > 0 {
		p.set.Steps = s.Steps
		return p, nil
	}
	rtol, atol := s.RTol, s.ATol
	if rtol == 0 {
		rtol = DefaultRTol
	}
	if atol == 0 {
		atol = DefaultATol
	}
	if !(rtol > 0) || !(atol > 0) || math.IsInf(rtol, 0) || math.IsInf(atol, 0) {
		return p, fmt.Errorf("flowmatch: %s: RTol = %g, ATol = %g: want finite values ≥ 0", who, s.RTol, s.ATol)
	}
	if p.method.BErr == nil {
		return p, fmt.Errorf("flowmatch: %s: method %s has no error estimate: set Steps, or use heun, bs3, dopri5 or tsit5", who, p.method.Name)
	}
	p.set.RTol, p.set.ATol = rtol, atol
	return p, nil
}

// Encode maps samples to noise: it integrates dx/dt = v(x, t) of net
// backward from t = 1 to t = 0, starting at each sample of x (len(x)/D
// samples of D = Channels·Height·Width values one after the other, in the
// data scale the network was trained on), and writes x(0) to dst. The flow
// is invertible, so Decode of the result gives x back up to the solver's
// error: the pair is a round trip whose error measures how well the ODE
// is solved.
//
// Settings errors and solver failures are returned; a failure leaves dst
// partly written. Encode panics with a "flowmatch: ..." message if len(dst)
// != len(x) or len(x) is not a positive multiple of D.
func Encode(ctx context.Context, dst []float32, net Network, x []float32, s *FlowSettings) (*FlowResult, error) {
	return flow(ctx, "Encode", dst, net, x, s, 1, 0)
}

// Decode maps noise to samples: it integrates dx/dt = v(x, t) of net from
// t = 0 to t = 1, starting at each sample of noise, and writes x(1) to
// dst, as Sample does, but with float64 states and FlowSettings' stepping,
// the exact inverse of Encode up to the solver's error. Errors and panics
// are those of Encode.
func Decode(ctx context.Context, dst []float32, net Network, noise []float32, s *FlowSettings) (*FlowResult, error) {
	return flow(ctx, "Decode", dst, net, noise, s, 0, 1)
}

func flow(ctx context.Context, who string, dst []float32, net Network, x []float32, s *FlowSettings, t0, t1 float64) (*FlowResult, error) {
	p, err := s.plan(who)
	if err != nil {
		return nil, err
	}
	if p.d == 0 || len(x) == 0 || len(x)%p.d != 0 || len(dst) != len(x) {
		panic(fmt.Sprintf("flowmatch: %s: len(x) = %d, len(dst) = %d, want the same positive multiple of %d×%d×%d", who, len(x), len(dst), p.c, p.h, p.w))
	}
	n := len(x) / p.d
	res := &FlowResult{}
	start := time.Now()
	defer func() { res.Wall = time.Since(start) }()
	var solver *ode.Solver[float64]
	var z []float64
	for lo := 0; lo < n; lo += p.batch {
		hi := min(lo+p.batch, n)
		f := newNetField(net, p.c, p.h, p.w, hi-lo, divNone, 0)
		if solver == nil || solver.Dim() != f.stateLen() {
			solver = ode.NewSolver[float64](p.method, f.stateLen())
			z = make([]float64, f.stateLen())
		}
		for i, v := range x[lo*p.d : hi*p.d] {
			z[i] = float64(v)
		}
		r, err := solver.Solve(ctx, ode.Problem[float64]{Field: f, T0: t0, T1: t1, X0: z}, &p.set)
		if r != nil {
			addStats(&res.Stats, r.Stats)
		}
		if err != nil {
			return res, fmt.Errorf("flowmatch: %s: samples %d to %d: %w", who, lo, hi-1, err)
		}
		for i, v := range r.X {
			dst[lo*p.d+i] = float32(v)
		}
		if p.progress != nil {
			p.progress(hi, n)
		}
	}
	return res, nil
}

func addStats(dst *ode.Stats, s ode.Stats) {
	dst.FieldEvals += s.FieldEvals
	dst.Steps += s.Steps
	dst.Accepted += s.Accepted
	dst.Rejected += s.Rejected
}
