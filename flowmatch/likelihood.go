package flowmatch

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/windrose/windrose/ode"
)

// LikelihoodSettings says how Likelihood integrates and how it computes
// the divergence. The zero value is FlowSettings' zero value with the
// exact divergence.
type LikelihoodSettings struct {
	FlowSettings
	// Probes is the number k of Hutchinson probe vectors per sample. Zero
	// computes the exact divergence, one vector-Jacobian product per
	// dimension per field evaluation (784 for MNIST: for small problems
	// and checks); k > 0 estimates it with k Rademacher probes, k products
	// per evaluation.
	Probes int
	// Seed seeds the probes: sample i of the input draws its probes from
	// its own generator, seeded by Seed and i, so its estimate depends
	// neither on Batch nor on the other samples' probes. Zero is a seed
	// like any other.
	Seed uint64
}

// LikelihoodResult holds the log-likelihoods computed by Likelihood and
// the work done.
type LikelihoodResult struct {
	// LogP[i] is log p₁(x_i) in nats: the model's density at t = 1 of
	// sample i, in the data scale of the network's input. With probes it
	// is the mean of the k per-probe estimates, itself an unbiased
	// estimate of the exact value (up to the solver's error).
	LogP []float64
	// BitsPerDim[i] is BitsPerDim(LogP[i], D): the bits per dimension of
	// sample i read as a dequantized 8-bit image (see BitsPerDim).
	// Meaningless for other data.
	BitsPerDim []float64
	// StdErr[i] is the standard error of LogP[i] from the spread of its k
	// probe estimates (sample standard deviation / √k), in nats: zero for
	// the exact divergence, NaN with one probe, whose spread cannot be
	// measured.
	StdErr []float64
	// Stats sums the solver statistics over the batches; FieldEvals counts
	// evaluations of the augmented field.
	Stats ode.Stats
	// Passes counts the network passes: forward passes, each with one
	// vector-Jacobian product. The probe vectors of a batch run as copies
	// of it, as many copies per pass as fit in 256 samples (at least one),
	// so the exact divergence of a batch of B 784-pixel samples takes
	// ⌈784/⌊256/B⌋⌉ passes per field evaluation, Hutchinson's with k ≤
	// 256/B probes one.
	Passes int
	// Wall is the wall-clock time.
	Wall time.Duration
}

// Likelihood computes the log-density of each sample of x under the flow
// of net: len(x)/D samples of D = Channels·Height·Width values, in the
// data scale of the network. It integrates the augmented system
//
//	d/dt [x, ℓ] = [v(x, t), tr(∂v/∂x)(x, t)]
//
// backward from x(1) = x_i, ℓ(1) = 0 to t = 0, so that by the
// instantaneous change of variables (Chen et al. 2018, "Neural Ordinary
// Differential Equations", theorem 1; FFJORD, Grathwohl et al. 2019,
// eq. 4)
//
//	log p₁(x_i) = log N(x(0); 0, I) + ℓ(0),   ℓ(0) = −∫₀¹ tr(∂v/∂x) dt.
//
// The trace is exact (LikelihoodSettings.Probes = 0) or Hutchinson's
// estimate (Hutchinson 1989; FFJORD section 2.2): tr(A) = E[εᵀAε] for
// probes ε with E[εεᵀ] = I, here Rademacher (±1), drawn once per sample and
// kept for the whole solve, as FFJORD does, so that the ODE stays smooth
// for the adaptive solver. Each probe keeps its own accumulator, so the
// k estimates of a sample are independent and their spread gives the
// standard error. A vector-Jacobian product εᵀ(∂v/∂x) is one InputGradient
// of net after a Forward.
//
// Settings errors and solver failures are returned, with the results of
// the batches done so far. Likelihood panics with a "flowmatch: ..."
// message if len(x) is not a positive multiple of D.
func Likelihood(ctx context.Context, net Network, x []float32, s *LikelihoodSettings) (*LikelihoodResult, error) {
	if s == nil {
		s = &LikelihoodSettings{}
	}
	p, err := s.FlowSettings.plan("Likelihood")
	if err != nil {
		return nil, err
	}
	if s.Probes < 0 {
		return nil, fmt.Errorf("flowmatch: Likelihood: Probes = %d, want ≥ 0 (0: exact divergence)", s.Probes)
	}
	if p.d == 0 || len(x) == 0 || len(x)%p.d != 0 {
		panic(fmt.Sprintf("flowmatch: Likelihood: len(x) = %d, want a positive multiple of %d×%d×%d", len(x), p.c, p.h, p.w))
	}
	mode, k := divExact, 0
	if s.Probes > 0 {
		mode, k = divHutchinson, s.Probes
	}
	n := len(x) / p.d
	res := &LikelihoodResult{}
	start := time.Now()
	defer func() { res.Wall = time.Since(start) }()
	var solver *ode.Solver[float64]
	var z []float64
	for lo := 0; lo < n; lo += p.batch {
		hi := min(lo+p.batch, n)
		f := newNetField(net, p.c, p.h, p.w, hi-lo, mode, k)
		if mode == divHutchinson {
			for i := lo; i < hi; i++ {
				Rademacher(f.eps[(i-lo)*k*p.d:(i-lo+1)*k*p.d], s.Seed, streamProbe+uint64(i))
			}
		}
		if solver == nil || solver.Dim() != f.stateLen() {
			solver = ode.NewSolver[float64](p.method, f.stateLen())
			z = make([]float64, f.stateLen())
		}
		for i, v := range x[lo*p.d : hi*p.d] {
			z[i] = float64(v)
		}
		clear(z[(hi-lo)*p.d:])
		r, err := solver.Solve(ctx, ode.Problem[float64]{Field: f, T0: 1, T1: 0, X0: z}, &p.set)
		res.Passes += f.passes
		if r != nil {
			addStats(&res.Stats, r.Stats)
		}
		if err != nil {
			return res, fmt.Errorf("flowmatch: Likelihood: samples %d to %d: %w", lo, hi-1, err)
		}
		f.logDensities(res, r.X)
		if p.progress != nil {
			p.progress(hi, n)
		}
	}
	return res, nil
}

// logDensities appends to res the log-densities of the batch whose final
// augmented state (at t = 0) is z.
func (f *netField) logDensities(res *LikelihoodResult, z []float64) {
	d := f.d
	acc := z[f.b*d:]
	m := f.accumulators()
	for s := range f.b {
		logN := StandardNormalLogDensity(z[s*d : (s+1)*d])
		a := acc[s*m : (s+1)*m]
		var mean float64
		for _, v := range a {
			mean += v
		}
		mean /= float64(m)
		se := 0.0
		switch {
		case f.mode == divHutchinson && m == 1:
			se = math.NaN()
		case f.mode == divHutchinson:
			var ss float64
			for _, v := range a {
				ss += (v - mean) * (v - mean)
			}
			se = math.Sqrt(ss / float64(m-1) / float64(m))
		}
		lp := logN + mean
		res.LogP = append(res.LogP, lp)
		res.BitsPerDim = append(res.BitsPerDim, BitsPerDim(lp, d))
		res.StdErr = append(res.StdErr, se)
	}
}

// streamProbe + i is the PCG stream of sample i's probes ("PROB" and the
// sample index), apart from the streams of package flowmatch's other draws.
const streamProbe = 0x50524f4200000000

// StandardNormalLogDensity returns log N(x; 0, I) = −(len(x)·log 2π +
// |x|²)/2 in nats, summed in float64.
func StandardNormalLogDensity(x []float64) float64 {
	var ss float64
	for _, v := range x {
		ss += v * v
	}
	return -0.5 * (float64(len(x))*math.Log(2*math.Pi) + ss)
}

// Rademacher fills dst with independent ±1 values, each sign with
// probability 1/2, from a PCG seeded with (seed, stream): the probe
// vectors of Hutchinson's estimator for sample number stream. The same
// arguments always give the same values, and the first k values do not
// depend on len(dst).
func Rademacher(dst []float32, seed, stream uint64) {
	r := rand.New(rand.NewPCG(seed, stream))
	var bits uint64
	for i := range dst {
		if i%64 == 0 {
			bits = r.Uint64()
		}
		dst[i] = float32(1 - 2*int(bits&1))
		bits >>= 1
	}
}
