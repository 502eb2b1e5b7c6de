package ode_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/windrose/windrose/ode"
)

// The per-sample problems of the batch tests. A BatchField is told times
// and states, never which sample sits where, so a parameter that differs
// between samples is a constant component of the state (derivative 0):
// one field then serves every sample, and each sample's problem is that
// field from its own initial state.

// relax is u' = −λ(u − cos t), v' = u − (λ/10)·v, λ' = 0 on x = (u, v, λ):
// both components relax toward a moving target at rate λ, so the stiffness
// (and the number of steps an explicit method needs) grows with λ.
func relax[T ode.Float](dst []T, t float64, x []T) {
	l := x[2]
	dst[0] = -l * (x[0] - T(math.Cos(t)))
	dst[1] = x[0] - l/10*x[1]
	dst[2] = 0
}

// vanDerPol is y' = z, z' = μ(1 − y²)z − y, μ' = 0 on x = (y, z, μ).
func vanDerPol[T ode.Float](dst []T, _ float64, x []T) {
	dst[0] = x[1]
	dst[1] = x[2]*(1-x[0]*x[0])*x[1] - x[0]
	dst[2] = 0
}

// lorenz is the Lorenz system with σ = 10, ρ = 28, β = 8/3; its samples
// differ by their initial states only.
func lorenz[T ode.Float](dst []T, _ float64, x []T) {
	dst[0] = 10 * (x[1] - x[0])
	dst[1] = x[0]*(28-x[2]) - x[1]
	dst[2] = x[0]*x[1] - T(8.0/3)*x[2]
}

// batchProblem is n samples of one per-sample field, their initial states
// one after the other in x0.
type batchProblem[T ode.Float] struct {
	name   string
	f      ode.Func[T]
	dim    int
	x0     []T
	t0, t1 float64
}

func (p batchProblem[T]) n() int { return len(p.x0) / p.dim }

func (p batchProblem[T]) sample(i int) []T { return p.x0[i*p.dim : (i+1)*p.dim] }

// backward returns the problem integrated from t1 to t0, for relax and van
// der Pol, whose third component is a parameter: it changes sign, which
// makes the backward problem as stable as the forward one (van der Pol with
// −μ backward in time is van der Pol with μ forward, up to the sign of z).
func (p batchProblem[T]) backward() batchProblem[T] {
	p.name += " backward"
	p.t0, p.t1 = p.t1, p.t0
	p.x0 = append([]T(nil), p.x0...)
	for i := 2; i < len(p.x0); i += p.dim {
		p.x0[i] = -p.x0[i]
	}
	return p
}

// The rates and parameters span two or three orders of magnitude so that
// the samples need very different steps; the hardest relax sample
// (λ = 300) is the last one, the easiest (λ = 0.3) the first.
func relaxProblem[T ode.Float]() batchProblem[T] {
	return batchProblem[T]{"relax", relax[T], 3, []T{
		1, 0, 0.3,
		0.5, 1, 3,
		-1, 2, 30,
		2, -1, 300,
	}, 0, 1}
}

func vanDerPolProblem[T ode.Float]() batchProblem[T] {
	return batchProblem[T]{"van der Pol", vanDerPol[T], 3, []T{
		2, 0, 0.2,
		1, 1, 1,
		-1.5, 0.5, 3,
		0.1, -2, 8,
		2, 0, 0.5,
	}, 0, 2}
}

func lorenzProblem[T ode.Float]() batchProblem[T] {
	return batchProblem[T]{"lorenz", lorenz[T], 3, []T{
		1, 1, 1,
		-5, 3, 20,
		10, -10, 30,
	}, 0, 1}
}

// perSample is the BatchField of a per-sample field: sample j at its own
// time t[j]. It checks the BatchField contract and records its calls.
type perSample[T ode.Float] struct {
	f       ode.Func[T]
	dim     int
	calls   int // EvalBatch calls
	evals   int // samples evaluated
	widest  int // most samples in one call
	onCall  func(call int)
	badCall bool
}

func (p *perSample[T]) EvalBatch(dst []T, t []float64, x []T) {
	d := p.dim
	if len(t) == 0 || len(x) != d*len(t) || len(dst) != len(x) || &dst[0] == &x[0] {
		p.badCall = true
		return
	}
	p.calls++
	p.evals += len(t)
	p.widest = max(p.widest, len(t))
	for j, tj := range t {
		p.f(dst[j*d:(j+1)*d:(j+1)*d], tj, x[j*d:(j+1)*d:(j+1)*d])
	}
	if p.onCall != nil {
		p.onCall(p.calls)
	}
}

// shared is the per-sample field f on a whole batch at one time: the field
// of the Solver that steps every sample together.
func shared[T ode.Float](f ode.Func[T], dim int) ode.Func[T] {
	return func(dst []T, t float64, x []T) {
		for off := 0; off < len(x); off += dim {
			f(dst[off:off+dim:off+dim], t, x[off:off+dim:off+dim])
		}
	}
}

// checkEquivalent solves p with a BatchSolver of the given width and every
// sample alone with a Solver, and checks the contract of BatchSolver: the
// same final state bit for bit, the same Stats per sample, and the sums and
// call counts that go with them. It returns the batched result.
func checkEquivalent[T ode.Float](t *testing.T, m *ode.Tableau, p batchProblem[T], width int, set *ode.Settings) *ode.BatchResult {
	t.Helper()
	name := fmt.Sprintf("%s %s width %d PI %v", m.Name, p.name, width, set.PI)
	ctx := context.Background()
	bf := &perSample[T]{f: p.f, dim: p.dim}
	b := ode.NewBatchSolver[T](m, p.dim, width)
	dst := make([]T, len(p.x0))
	res, err := b.Solve(ctx, dst, bf, p.t0, p.t1, p.x0, set)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.Status != ode.Success {
		t.Errorf("%s: Status %v", name, res.Status)
	}
	s := ode.NewSolver[T](m, p.dim)
	var total ode.Stats
	for i := range p.n() {
		r, err := s.Solve(ctx, ode.Problem[T]{Field: p.f, T0: p.t0, T1: p.t1, X0: p.sample(i)}, set)
		if err != nil {
			t.Fatalf("%s: sample %d alone: %v", name, i, err)
		}
		for k, want := range r.X {
			if got := dst[i*p.dim+k]; math.Float64bits(float64(got)) != math.Float64bits(float64(want)) {
				t.Errorf("%s: sample %d: x[%d] = %v, alone %v", name, i, k, got, want)
			}
		}
		if res.Samples[i] != r.Stats {
			t.Errorf("%s: sample %d: %+v, alone %+v", name, i, res.Samples[i], r.Stats)
		}
		if res.T[i] != p.t1 {
			t.Errorf("%s: sample %d reached t = %v, want %v", name, i, res.T[i], p.t1)
		}
		total.FieldEvals += r.Stats.FieldEvals
		total.Steps += r.Stats.Steps
		total.Accepted += r.Stats.Accepted
		total.Rejected += r.Stats.Rejected
	}
	if res.Stats != total {
		t.Errorf("%s: Stats %+v, sum over the samples %+v", name, res.Stats, total)
	}
	if bf.badCall {
		t.Errorf("%s: EvalBatch called with bad lengths or aliased buffers", name)
	}
	if bf.evals != res.Stats.FieldEvals || bf.calls != res.Calls {
		t.Errorf("%s: the field saw %d evaluations in %d calls, result says %d in %d", name, bf.evals, bf.calls, res.Stats.FieldEvals, res.Calls)
	}
	if bf.widest > width {
		t.Errorf("%s: %d samples in one call, width %d", name, bf.widest, width)
	}
	// No call holds more than width samples.
	if minCalls := (res.Stats.FieldEvals + width - 1) / width; res.Calls < minCalls {
		t.Errorf("%s: %d calls for %d evaluations of width %d", name, res.Calls, res.Stats.FieldEvals, width)
	}
	return res
}

// tolerances returns Settings for m suited to its order, loose enough for
// the low-order methods to finish in a few thousand steps.
func tolerances(m *ode.Tableau) *ode.Settings {
	switch m.Order {
	case 2:
		return &ode.Settings{RTol: 1e-4, ATol: 1e-7}
	case 3:
		return &ode.Settings{RTol: 1e-5, ATol: 1e-8}
	}
	return &ode.Settings{RTol: 1e-7, ATol: 1e-10}
}

// TestBatchSolverMatchesSolver is the contract of BatchSolver: every
// sample ends bit for bit where a Solver on it alone ends, with the same
// evaluations and steps, for FSAL (dopri5, tsit5, bs3) and non-FSAL (heun)
// methods, widths 1 (one sample at a time), 2 (slots reused) and n (all at
// once), forward and backward, elementary and PI control.
func TestBatchSolverMatchesSolver(t *testing.T) {
	relax, vdp := relaxProblem[float64](), vanDerPolProblem[float64]()
	problems := []batchProblem[float64]{relax, vdp, lorenzProblem[float64](), relax.backward(), vdp.backward()}
	for _, m := range []*ode.Tableau{ode.DOPRI5, ode.Tsit5, ode.BS3, ode.Heun} {
		for _, p := range problems {
			for _, width := range []int{1, 2, p.n()} {
				for _, pi := range []bool{false, true} {
					set := tolerances(m)
					set.PI = pi
					checkEquivalent(t, m, p, width, set)
				}
			}
		}
	}
}

// TestBatchSolverMatchesSolverFloat32 runs the contract on float32 states,
// where the stage arithmetic runs in float32 and the norm in float64.
func TestBatchSolverMatchesSolverFloat32(t *testing.T) {
	relax, vdp := relaxProblem[float32](), vanDerPolProblem[float32]()
	problems := []batchProblem[float32]{relax, vdp, lorenzProblem[float32](), relax.backward(), vdp.backward()}
	for _, m := range []*ode.Tableau{ode.DOPRI5, ode.Tsit5, ode.BS3, ode.Heun} {
		for _, p := range problems {
			for _, width := range []int{1, 3, p.n()} {
				// rtol 1e-4: well above float32's epsilon (1.2e-7), as
				// Settings.RTol advises.
				set := &ode.Settings{RTol: 1e-4, ATol: 1e-6, PI: width == 3}
				checkEquivalent(t, m, p, width, set)
			}
		}
	}
}

// TestBatchSolverSettings checks the remaining settings, each applied per
// sample as a Solver applies it to one sample.
func TestBatchSolverSettings(t *testing.T) {
	for _, set := range []*ode.Settings{
		{RTol: 1e-6, ATolVec: []float64{1e-9, 1e-6, 1e-12}},
		{RTol: 1e-6, ATol: 1e-9, InitialStep: 1e-3},
		{RTol: 1e-6, ATol: 1e-9, MaxStep: 0.05},
		{RTol: 1e-6, ATol: 1e-9, MinStep: 1e-9, PI: true},
	} {
		for _, m := range []*ode.Tableau{ode.DOPRI5, ode.Heun} {
			checkEquivalent(t, m, vanDerPolProblem[float64](), 2, set)
			checkEquivalent(t, m, relaxProblem[float64]().backward(), 3, set)
		}
	}
	// No absolute tolerance, on the problem whose components stay away
	// from zero (Settings.ATol).
	checkEquivalent(t, ode.DOPRI5, lorenzProblem[float64](), 2, &ode.Settings{RTol: 1e-6})
}

// TestBatchSolverPerSampleSteps checks that the samples really step on
// their own: on relax, the sample with λ = 300 needs many more steps than
// the one with λ = 0.3 (explicit methods are stability-bound at h·λ of a
// few units, so the stiff sample takes at least λ·span/4 = 75 steps, the
// easy one a handful).
func TestBatchSolverPerSampleSteps(t *testing.T) {
	for _, m := range []*ode.Tableau{ode.DOPRI5, ode.Heun} {
		res := checkEquivalent(t, m, relaxProblem[float64](), 2, tolerances(m))
		easy, hard := res.Samples[0], res.Samples[3]
		if hard.Accepted < 75 || hard.Accepted < 5*easy.Accepted {
			t.Errorf("%s: stiff sample %d accepted steps, easy one %d: want the stiff one ≥ 75 and ≥ 5 times more", m.Name, hard.Accepted, easy.Accepted)
		}
	}
}

// TestBatchSolverFewerEvaluations: with one hard sample among many easy
// ones, per-sample stepping evaluates the field on fewer samples in total
// than a Solver that steps the concatenated batch at the hard sample's
// pace (every one of its evaluations costs one per sample).
func TestBatchSolverFewerEvaluations(t *testing.T) {
	const n = 16
	p := batchProblem[float64]{name: "relax, one stiff sample", f: relax[float64], dim: 3, t0: 0, t1: 1}
	for i := range n {
		l := 0.5 + 0.1*float64(i)
		if i == 5 {
			l = 300
		}
		p.x0 = append(p.x0, 1, float64(i)/n, l)
	}
	for _, m := range []*ode.Tableau{ode.DOPRI5, ode.BS3} {
		set := tolerances(m)
		res := checkEquivalent(t, m, p, 4, set)
		whole, err := ode.Solve(context.Background(), ode.Problem[float64]{Field: shared(p.f, p.dim), T0: p.t0, T1: p.t1, X0: p.x0}, set, m)
		if err != nil {
			t.Fatal(err)
		}
		if sharedEvals := whole.Stats.FieldEvals * n; res.Stats.FieldEvals >= sharedEvals {
			t.Errorf("%s: per-sample stepping made %d sample evaluations, shared steps %d", m.Name, res.Stats.FieldEvals, sharedEvals)
		} else {
			t.Logf("%s: %d sample evaluations per-sample, %d with shared steps (%d × %d)", m.Name, res.Stats.FieldEvals, sharedEvals, whole.Stats.FieldEvals, n)
		}
	}
}

// TestBatchSolverInPlace: dst may be x0 itself, and a BatchSolver may be
// reused for batches of other sizes.
func TestBatchSolverInPlace(t *testing.T) {
	p := vanDerPolProblem[float64]()
	set := tolerances(ode.DOPRI5)
	b := ode.NewBatchSolver[float64](ode.DOPRI5, p.dim, 2)
	ctx := context.Background()
	want := make([]float64, len(p.x0))
	if _, err := b.Solve(ctx, want, &perSample[float64]{f: p.f, dim: p.dim}, p.t0, p.t1, p.x0, set); err != nil {
		t.Fatal(err)
	}
	x := append([]float64(nil), p.x0...)
	// A larger batch first, to dirty the per-sample results.
	big := append(append([]float64(nil), p.x0...), p.x0...)
	if _, err := b.Solve(ctx, big, &perSample[float64]{f: p.f, dim: p.dim}, p.t0, p.t1, big, set); err != nil {
		t.Fatal(err)
	}
	res, err := b.Solve(ctx, x, &perSample[float64]{f: p.f, dim: p.dim}, p.t0, p.t1, x, set)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samples) != p.n() || len(res.T) != p.n() {
		t.Errorf("%d sample stats, %d times for %d samples", len(res.Samples), len(res.T), p.n())
	}
	for i := range x {
		if x[i] != want[i] || big[i] != want[i] || big[len(x)+i] != want[i] {
			t.Fatalf("in place: x[%d] = %v (batch of 10: %v, %v), out of place %v", i, x[i], big[i], big[len(x)+i], want[i])
		}
	}
}

// TestBatchSolverT0EqualsT1 returns x0 after zero steps, and an empty
// batch does nothing.
func TestBatchSolverT0EqualsT1(t *testing.T) {
	p := relaxProblem[float64]()
	b := ode.NewBatchSolver[float64](ode.DOPRI5, p.dim, 2)
	bf := &perSample[float64]{f: p.f, dim: p.dim}
	dst := make([]float64, len(p.x0))
	res, err := b.Solve(context.Background(), dst, bf, 0.5, 0.5, p.x0, tolerances(ode.DOPRI5))
	if err != nil || res.Status != ode.Success || res.Calls != 0 || res.Stats != (ode.Stats{}) || bf.calls != 0 {
		t.Errorf("t0 == t1: %+v, %v", res, err)
	}
	for i := range dst {
		if dst[i] != p.x0[i] {
			t.Fatalf("t0 == t1: dst[%d] = %v, want %v", i, dst[i], p.x0[i])
		}
	}
	res, err = b.Solve(context.Background(), nil, bf, 0, 1, nil, tolerances(ode.DOPRI5))
	if err != nil || res.Status != ode.Success || res.Calls != 0 || len(res.Samples) != 0 {
		t.Errorf("empty batch: %+v, %v", res, err)
	}
}

// poisoned is relax, except that a sample whose λ is exactly 7 gets a NaN
// in its second derivative component once t > 0.4.
func poisoned(dst []float64, t float64, x []float64) {
	relax(dst, t, x)
	if x[2] == 7 && t > 0.4 {
		dst[1] = math.NaN()
	}
}

// TestBatchSolverSampleErrors: a failing sample stops the solve with an
// error naming it that wraps, word for word, what a Solver on that sample
// alone returns, with that sample's Stats equal to the Solver's.
func TestBatchSolverSampleErrors(t *testing.T) {
	x0 := []float64{
		1, 0, 0.3,
		0.5, 1, 3,
		-1, 2, 7,
		2, -1, 300,
	}
	for _, tc := range []struct {
		name   string
		f      ode.Func[float64]
		set    *ode.Settings
		sample int
		status ode.Status
		target error
	}{
		{"non-finite field", poisoned, &ode.Settings{RTol: 1e-6, ATol: 1e-9}, 2, ode.NonFinite, nil},
		// The stiff sample needs ≥ 75 steps (TestBatchSolverPerSampleSteps),
		// the others fewer than 40.
		{"MaxSteps", relax[float64], &ode.Settings{RTol: 1e-6, ATol: 1e-9, MaxSteps: 40}, 3, ode.MaxStepsReached, ode.ErrMaxSteps},
		// The stiff sample's steps are bound near 3/λ = 0.01.
		{"MinStep", relax[float64], &ode.Settings{RTol: 1e-6, ATol: 1e-9, MinStep: 0.02}, 3, ode.StepSizeTooSmall, ode.ErrStepSizeTooSmall},
	} {
		for _, width := range []int{1, 4} {
			b := ode.NewBatchSolver[float64](ode.DOPRI5, 3, width)
			dst := make([]float64, len(x0))
			res, err := b.Solve(context.Background(), dst, &perSample[float64]{f: tc.f, dim: 3}, 0, 1, x0, tc.set)
			var se *ode.SampleError
			if !errors.As(err, &se) || se.Sample != tc.sample {
				t.Errorf("%s width %d: error %v, want a SampleError for sample %d", tc.name, width, err, tc.sample)
				continue
			}
			if res == nil || res.Status != tc.status {
				t.Errorf("%s width %d: result %+v, want Status %v", tc.name, width, res, tc.status)
				continue
			}
			var nf *ode.NonFiniteError
			if tc.target != nil && !errors.Is(err, tc.target) || tc.target == nil && !errors.As(err, &nf) {
				t.Errorf("%s width %d: %v does not wrap the expected error", tc.name, width, err)
			}
			alone, aloneErr := ode.NewSolver[float64](ode.DOPRI5, 3).Solve(context.Background(),
				ode.Problem[float64]{Field: tc.f, T0: 0, T1: 1, X0: x0[3*tc.sample : 3*tc.sample+3]}, tc.set)
			if aloneErr == nil || se.Err.Error() != aloneErr.Error() {
				t.Errorf("%s width %d: sample error %q, alone %v", tc.name, width, se.Err, aloneErr)
			}
			if want := fmt.Sprintf("ode: sample %d: ", tc.sample); len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
				t.Errorf("%s width %d: message %q, want it to start with %q", tc.name, width, err, want)
			}
			if res.Samples[tc.sample] != alone.Stats || res.T[tc.sample] != alone.T {
				t.Errorf("%s width %d: sample stats %+v at t %v, alone %+v at %v", tc.name, width, res.Samples[tc.sample], res.T[tc.sample], alone.Stats, alone.T)
			}
			// The failing sample's state is where its Solver stopped.
			for k := range 3 {
				if dst[3*tc.sample+k] != alone.X[k] {
					t.Errorf("%s width %d: partial state[%d] = %v, alone %v", tc.name, width, k, dst[3*tc.sample+k], alone.X[k])
				}
			}
		}
	}
}

// TestBatchSolverNonFiniteStart: a non-finite initial state is reported
// for its sample before any evaluation.
func TestBatchSolverNonFiniteStart(t *testing.T) {
	x0 := []float64{1, 0, 1, 1, math.Inf(1), 1, 1, 0, 1}
	b := ode.NewBatchSolver[float64](ode.BS3, 3, 2)
	bf := &perSample[float64]{f: relax[float64], dim: 3}
	res, err := b.Solve(context.Background(), make([]float64, 9), bf, 0, 1, x0, tolerances(ode.BS3))
	var se *ode.SampleError
	var nf *ode.NonFiniteError
	if !errors.As(err, &se) || se.Sample != 1 || !errors.As(err, &nf) || nf.Index != 1 || nf.InField || nf.T != 0 {
		t.Errorf("error %v, want sample 1, component 1 of the state at t = 0", err)
	}
	if res == nil || res.Status != ode.NonFinite || res.Calls != 0 || bf.calls != 0 {
		t.Errorf("result %+v after %d calls", res, bf.calls)
	}
}

// TestBatchSolverCancel: the context is checked before every call.
func TestBatchSolverCancel(t *testing.T) {
	p := relaxProblem[float64]()
	b := ode.NewBatchSolver[float64](ode.DOPRI5, p.dim, 2)
	ctx, cancel := context.WithCancel(context.Background())
	bf := &perSample[float64]{f: p.f, dim: p.dim, onCall: func(call int) {
		if call == 5 {
			cancel()
		}
	}}
	res, err := b.Solve(ctx, make([]float64, len(p.x0)), bf, p.t0, p.t1, p.x0, tolerances(ode.DOPRI5))
	if !errors.Is(err, context.Canceled) || res == nil || res.Status != ode.Canceled || res.Calls != 5 {
		t.Errorf("canceled after call 5: %v, %+v", err, res)
	}
	res, err = b.Solve(ctx, make([]float64, len(p.x0)), bf, p.t0, p.t1, p.x0, tolerances(ode.DOPRI5))
	if !errors.Is(err, context.Canceled) || res.Calls != 0 {
		t.Errorf("canceled before: %v, %+v", err, res)
	}
}

// TestBatchSolverInvalidInput lists the settings a BatchSolver refuses
// with ErrInvalidInput and no result.
func TestBatchSolverInvalidInput(t *testing.T) {
	p := relaxProblem[float64]()
	bf := &perSample[float64]{f: p.f, dim: p.dim}
	for _, tc := range []struct {
		name string
		m    *ode.Tableau
		set  *ode.Settings
	}{
		{"nil settings", ode.DOPRI5, nil},
		{"fixed steps", ode.DOPRI5, &ode.Settings{Steps: 10}},
		{"grid", ode.DOPRI5, &ode.Settings{Grid: []float64{0, 0.5, 1}}},
		{"two modes", ode.DOPRI5, &ode.Settings{Steps: 10, RTol: 1e-6}},
		{"SaveAt", ode.DOPRI5, &ode.Settings{RTol: 1e-6, SaveAt: []float64{0.5}}},
		{"no error estimate", ode.RK4, &ode.Settings{RTol: 1e-6}},
		{"negative RTol", ode.DOPRI5, &ode.Settings{RTol: -1}},
		{"ATolVec length", ode.DOPRI5, &ode.Settings{RTol: 1e-6, ATolVec: []float64{1, 1, 1, 1}}},
		{"negative MaxStep", ode.DOPRI5, &ode.Settings{RTol: 1e-6, MaxStep: -1}},
	} {
		b := ode.NewBatchSolver[float64](tc.m, p.dim, 2)
		res, err := b.Solve(context.Background(), make([]float64, len(p.x0)), bf, 0, 1, p.x0, tc.set)
		if !errors.Is(err, ode.ErrInvalidInput) || res != nil {
			t.Errorf("%s: %v, %v; want ErrInvalidInput and no result", tc.name, res, err)
		}
	}
	b := ode.NewBatchSolver[float64](ode.DOPRI5, p.dim, 2)
	if _, err := b.Solve(context.Background(), make([]float64, len(p.x0)), bf, 0, math.Inf(1), p.x0, tolerances(ode.DOPRI5)); !errors.Is(err, ode.ErrInvalidInput) {
		t.Errorf("infinite t1: %v", err)
	}
	if bf.calls != 0 {
		t.Errorf("the field was called %d times", bf.calls)
	}
}

// TestBatchSolverPanics lists the programmer mistakes, which panic.
func TestBatchSolverPanics(t *testing.T) {
	p := relaxProblem[float64]()
	bf := &perSample[float64]{f: p.f, dim: p.dim}
	set := tolerances(ode.DOPRI5)
	b := ode.NewBatchSolver[float64](ode.DOPRI5, p.dim, 2)
	ctx := context.Background()
	mustPanic(t, "dst length", "len(dst)", func() { b.Solve(ctx, make([]float64, 3), bf, 0, 1, p.x0, set) })
	mustPanic(t, "x0 length", "multiple of Dim", func() { b.Solve(ctx, make([]float64, 4), bf, 0, 1, make([]float64, 4), set) })
	mustPanic(t, "nil field", "nil BatchField", func() { b.Solve(ctx, make([]float64, 3), nil, 0, 1, p.x0[:3], set) })
	mustPanic(t, "nil context", "nil context", func() {
		//lint:ignore SA1012 the nil context is the point of the test
		b.Solve(nil, make([]float64, 3), bf, 0, 1, p.x0[:3], set)
	})
	mustPanic(t, "negative Steps", "negative Settings.Steps", func() {
		b.Solve(ctx, make([]float64, 3), bf, 0, 1, p.x0[:3], &ode.Settings{Steps: -1})
	})
	mustPanic(t, "nil method", "nil method", func() { ode.NewBatchSolver[float64](nil, 3, 2) })
	mustPanic(t, "zero dim", "dim = 0", func() { ode.NewBatchSolver[float64](ode.DOPRI5, 0, 2) })
	mustPanic(t, "zero width", "width = 0", func() { ode.NewBatchSolver[float32](ode.DOPRI5, 3, 0) })
}

// TestBatchSolverNoAllocs: after a first solve, repeated solves of a batch
// of the same size allocate nothing.
func TestBatchSolverNoAllocs(t *testing.T) {
	p := vanDerPolProblem[float64]()
	bf := &perSample[float64]{f: p.f, dim: p.dim}
	dst := make([]float64, len(p.x0))
	ctx := context.Background()
	for _, tc := range []struct {
		m   *ode.Tableau
		set *ode.Settings
	}{
		{ode.DOPRI5, &ode.Settings{RTol: 1e-6, ATol: 1e-9}},
		{ode.Tsit5, &ode.Settings{RTol: 1e-6, ATolVec: []float64{1e-9, 1e-9, 1e-6}, PI: true}},
		{ode.Heun, &ode.Settings{RTol: 1e-3, ATol: 1e-6, InitialStep: 1e-3}},
	} {
		b := ode.NewBatchSolver[float64](tc.m, p.dim, 2)
		if _, err := b.Solve(ctx, dst, bf, p.t0, p.t1, p.x0, tc.set); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(10, func() {
			if _, err := b.Solve(ctx, dst, bf, p.t0, p.t1, p.x0, tc.set); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per solve, want 0", tc.m.Name, allocs)
		}
	}
	q := relaxProblem[float32]()
	b := ode.NewBatchSolver[float32](ode.BS3, q.dim, 3)
	bq := &perSample[float32]{f: q.f, dim: q.dim}
	dq := make([]float32, len(q.x0))
	set := &ode.Settings{RTol: 1e-4, ATol: 1e-6}
	b.Solve(ctx, dq, bq, 0, 1, q.x0, set)
	if allocs := testing.AllocsPerRun(10, func() { b.Solve(ctx, dq, bq, 0, 1, q.x0, set) }); allocs != 0 {
		t.Errorf("float32: %v allocations per solve, want 0", allocs)
	}
}
