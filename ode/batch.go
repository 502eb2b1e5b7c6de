package ode

import (
	"context"
	"fmt"
	"strings"
)

// BatchSolver integrates many independent initial-value problems of one
// dimension, the samples of a batch, each with its own adaptive steps,
// while their field is still evaluated for all of them at once.
//
// A Solver given the batch as one state vector takes common steps: the
// error norm runs over every sample, so the hardest sample sets everyone's
// step size. A BatchSolver keeps, per sample, the time, the step size, the
// error norm and the decisions to accept or reject, exactly as a Solver on
// that sample alone would: for every sample, the final state, the accepted
// and rejected steps and the field evaluations equal, bit for bit, those of
// NewSolver(m, dim).Solve on that sample with the same Settings, provided
// the BatchField computes each sample's values as the per-sample field does.
// Only the scheduling differs: up to width samples are in flight, each in
// its own slot, and every round each of them makes the next field
// evaluation of its current step attempt (its first evaluation f(t0, x0),
// Hairer's trial evaluation, a stage, or the FSAL stage f(t_new, x_new));
// the inputs of all slots are gathered in one contiguous buffer, each with
// its own time, and the field is called once per round with all of them.
// Samples enter in index order; when a sample reaches t1, its slot goes to
// the next waiting sample (continuous batching), so the call stays full
// until the queue runs dry.
//
// A BatchSolver owns its work buffers, sized once by NewBatchSolver, so
// repeated solves allocate nothing beyond growing the per-sample results
// to the largest batch seen. The BatchResult returned by Solve and its
// slices belong to the BatchSolver and are overwritten by the next Solve. A
// BatchSolver is not safe for concurrent use.
type BatchSolver[T Float] struct {
	// one is a Solver for one sample. Its methods are the per-sample
	// arithmetic (stage combinations, error norm, controller, Hairer's
	// initial step, validation), shared so that the two solvers cannot
	// drift apart; its state buffers are not used.
	one   *Solver[T]
	dim   int
	width int
	slots []batchSlot[T]
	// in and out hold the inputs and the field values of one EvalBatch
	// call, width·dim values each, the queued slots one after the other;
	// times holds their times.
	in, out []T
	times   []float64

	// Per-solve state.
	ctl     stepControl
	h0      float64 // Settings.InitialStep
	t0      float64
	dst     []T
	n       int // samples
	next    int // the next sample to enter a slot
	queued  int // inputs queued for the next call
	samples []Stats
	ts      []float64
	res     BatchResult
}

// batchPhase says which evaluation a slot waits for.
type batchPhase int

const (
	waitF0    batchPhase = iota // f(t0, x0) of a newly entered sample, into k[0]
	waitTrial                   // f at the Euler state of Hairer's initial step selection
	waitK1                      // f(t, x) after an accepted step of a non-FSAL method, into k[0]
	waitStage                   // stage number stage of the current attempt, into k[stage]
	waitLast                    // the FSAL stage f(tNew, xNew), into k[s−1]
)

// batchSlot is one sample in flight.
type batchSlot[T Float] struct {
	sample int // its index; −1 when the slot is empty
	phase  batchPhase
	stage  int
	pos    int // position of its input in the next call
	st     stepState
	// The current time and attempt (h = tNew − t); ok: xNew is finite.
	t, h, tNew float64
	ok         bool
	k1Valid    bool    // k[0] = f(t, x)
	h0, d1     float64 // Hairer's trial step and ‖f0‖, between its two halves
	k          [][]T   // the stages
	xNew       []T
	// The sample's state x lives in the destination of Solve.
}

// BatchResult is the outcome of a BatchSolver.Solve.
type BatchResult struct {
	// Stats sums Samples over the samples.
	Stats Stats
	// Calls is the number of BatchField.EvalBatch calls. Stats.FieldEvals
	// over Calls is the mean number of samples evaluated per call.
	Calls int
	// Samples[i] is the work done for sample i: its field evaluations
	// (including the evaluation at t0 and the initial step selection's),
	// attempted, accepted and rejected steps, the same as a Solver's Stats
	// for that sample alone.
	Samples []Stats
	// T[i] is the time sample i reached: t1 when it finished, the time of
	// its last accepted step when the solve stopped while it was in
	// flight, and t0 when it had not started.
	T []float64
	// Status says why the solve stopped.
	Status Status
}

// SampleError reports the sample whose failure stopped a batched solve.
// Err is the error a Solver would have returned for that sample alone
// (ErrMaxSteps or ErrStepSizeTooSmall wrapped with t, or a
// *NonFiniteError); errors.Is and errors.As see through it.
type SampleError struct {
	Sample int
	Err    error
}

func (e *SampleError) Error() string {
	return fmt.Sprintf("ode: sample %d: %s", e.Sample, strings.TrimPrefix(e.Err.Error(), "ode: "))
}

// Unwrap returns Err.
func (e *SampleError) Unwrap() error { return e.Err }

// NewBatchSolver returns a BatchSolver for method m, samples of dim values
// and at most width samples evaluated together. It panics with an
// "ode: ..." message if m is nil or fails Validate, or if dim or width is
// less than 1. Its buffers hold width·dim·(s+3) values for an s-stage
// method (the stages and the new state of each slot, and the input and
// output of one call), plus those of a Solver for one sample.
func NewBatchSolver[T Float](m *Tableau, dim, width int) *BatchSolver[T] {
	if dim < 1 || width < 1 {
		panic(fmt.Sprintf("ode: NewBatchSolver: dim = %d, width = %d, want both ≥ 1", dim, width))
	}
	one := NewSolver[T](m, dim)
	b := &BatchSolver[T]{one: one, dim: dim, width: width}
	back := make([]T, width*dim*(one.s+3))
	next := func() []T {
		v := back[:dim:dim]
		back = back[dim:]
		return v
	}
	b.slots = make([]batchSlot[T], width)
	for j := range b.slots {
		sl := &b.slots[j]
		sl.k = make([][]T, one.s)
		for i := range sl.k {
			sl.k[i] = next()
		}
		sl.xNew = next()
	}
	b.in, b.out = back[:width*dim:width*dim], back[width*dim:]
	b.times = make([]float64, width)
	return b
}

// Method returns the BatchSolver's method.
func (b *BatchSolver[T]) Method() *Tableau { return b.one.tab }

// Dim returns the number of values in one sample.
func (b *BatchSolver[T]) Dim() int { return b.dim }

// Width returns the most samples evaluated together.
func (b *BatchSolver[T]) Width() int { return b.width }

// Solve integrates the n = len(x0)/Dim() problems dx_i/dt = f(t, x_i),
// x_i(t0) = x0[i·Dim() : (i+1)·Dim()], from t0 to t1 (t1 < t0 integrates
// backward) and writes x_i(t1) into the same range of dst. x0 is read once,
// at the start, and copied into dst, which then holds each sample's current
// state: dst may be x0 itself (in place) or overlap it in any way. When the
// solve stops early, dst holds for each sample its state at
// BatchResult.T[i].
//
// Solve steps adaptively only (RTol > 0, or RTol = 0 with ATol > 0), with a Solver's conventions for
// each sample: ATol, ATolVec (Dim() values, for the components of one
// sample), InitialStep, MinStep, MaxStep, MaxSteps (per sample) and PI mean
// what they mean for Solver.Solve on one sample. Steps or Grid return an
// error wrapping ErrInvalidInput, since fixed steps are the same for every
// sample and a Solver on the whole batch takes them with one evaluation per
// stage; so does SaveAt, which a BatchSolver does not record, and every
// input that Solver.Solve refuses (no BErr, bad tolerances or step bounds,
// non-finite t0 or t1).
//
// Solve panics with an "ode: ..." message for a nil ctx or f, a negative
// Settings.Steps, or when len(x0) is not a multiple of Dim() or len(dst) !=
// len(x0). A failure of one sample (a non-finite state or field value, a
// step size below the minimum, MaxSteps attempts) stops the whole solve: the
// partial BatchResult is returned with a *SampleError that names the sample
// and wraps the error a Solver would have returned for it. The context is
// checked before every call of the field; its error is returned as is
// (Status Canceled). t0 == t1 returns x0 after zero steps.
func (b *BatchSolver[T]) Solve(ctx context.Context, dst []T, f BatchField[T], t0, t1 float64, x0 []T, set *Settings) (*BatchResult, error) {
	if ctx == nil {
		panic("ode: nil context")
	}
	if f == nil {
		panic("ode: nil BatchField")
	}
	if len(x0)%b.dim != 0 || len(dst) != len(x0) {
		panic(fmt.Sprintf("ode: BatchSolver.Solve: len(x0) = %d, len(dst) = %d, want the same multiple of Dim() = %d", len(x0), len(dst), b.dim))
	}
	if set != nil && set.Steps < 0 {
		panic(fmt.Sprintf("ode: negative Settings.Steps %d", set.Steps))
	}
	// one.x stands for a sample: check reads only its length.
	if err := b.one.check(Problem[T]{T0: t0, T1: t1, X0: b.one.x}, set); err != nil {
		return nil, err
	}
	if !set.adaptiveMode() {
		return nil, invalid("BatchSolver steps adaptively only (RTol > 0 or ATol > 0): fixed steps are the same for every sample, so a Solver on the whole batch takes them")
	}
	if len(set.SaveAt) > 0 {
		return nil, invalid("BatchSolver does not record SaveAt")
	}

	n := len(x0) / b.dim
	b.reset(n, t0)
	copy(dst, x0)
	b.dst = dst
	for i := range n {
		if j := firstNonFinite(b.state(i)); j >= 0 {
			return b.stop(NonFinite, &SampleError{i, &NonFiniteError{T: t0, Index: j}})
		}
	}
	if t0 == t1 || n == 0 {
		return b.stop(Success, nil)
	}
	b.ctl = newStepControl(set, t0, t1, b.one.order)
	b.h0 = set.InitialStep
	for j := range b.slots {
		b.enter(&b.slots[j])
	}
	done := ctx.Done()
	for b.queued > 0 {
		if canceled(done) {
			return b.stop(Canceled, ctx.Err())
		}
		m := b.queued * b.dim
		f.EvalBatch(b.out[:m:m], b.times[:b.queued:b.queued], b.in[:m:m])
		b.res.Calls++
		b.queued = 0
		for j := range b.slots {
			if sl := &b.slots[j]; sl.sample >= 0 {
				b.samples[sl.sample].FieldEvals++
			}
		}
		for j := range b.slots {
			sl := &b.slots[j]
			if sl.sample < 0 {
				continue
			}
			i := sl.sample
			if st, err := b.resume(sl, b.out[sl.pos*b.dim:(sl.pos+1)*b.dim]); err != nil {
				return b.stop(st, &SampleError{i, err})
			}
		}
	}
	return b.stop(Success, nil)
}

// reset prepares the per-sample results for n samples starting at t0,
// reusing the buffers of earlier solves.
func (b *BatchSolver[T]) reset(n int, t0 float64) {
	if cap(b.samples) < n {
		b.samples = make([]Stats, n)
		b.ts = make([]float64, n)
	}
	b.samples, b.ts = b.samples[:n], b.ts[:n]
	clear(b.samples)
	for i := range b.ts {
		b.ts[i] = t0
	}
	b.res = BatchResult{Samples: b.samples, T: b.ts}
	b.n, b.t0, b.next, b.queued = n, t0, 0, 0
}

// stop ends a solve with status st and error err. It drops the caller's
// slices (dst, Settings.ATolVec), which the BatchSolver must not retain.
func (b *BatchSolver[T]) stop(st Status, err error) (*BatchResult, error) {
	b.res.Status = st
	b.sum()
	b.dst, b.ctl = nil, stepControl{}
	return &b.res, err
}

func (b *BatchSolver[T]) sum() {
	var s Stats
	for _, v := range b.samples {
		s.FieldEvals += v.FieldEvals
		s.Steps += v.Steps
		s.Accepted += v.Accepted
		s.Rejected += v.Rejected
	}
	b.res.Stats = s
}

// state returns sample i's state, which lives in the destination.
func (b *BatchSolver[T]) state(i int) []T {
	return b.dst[i*b.dim : (i+1)*b.dim : (i+1)*b.dim]
}

// queue makes sl wait in phase ph for an evaluation at time t in the next
// call and returns the buffer for its input.
func (b *BatchSolver[T]) queue(sl *batchSlot[T], ph batchPhase, t float64) []T {
	p := b.queued
	b.queued++
	sl.phase, sl.pos = ph, p
	b.times[p] = t
	return b.in[p*b.dim : (p+1)*b.dim : (p+1)*b.dim]
}

// enter gives sl to the next waiting sample, which first needs f(t0, x0),
// or empties it when none is left.
func (b *BatchSolver[T]) enter(sl *batchSlot[T]) {
	if b.next == b.n {
		sl.sample = -1
		return
	}
	i := b.next
	b.next++
	sl.sample, sl.t, sl.k1Valid = i, b.t0, false
	copy(b.queue(sl, waitF0, b.t0), b.state(i))
}

// resume hands sl the value o of the evaluation it waited for and runs its
// sample on to its next evaluation, which it queues (or to the end, when
// its slot goes to the next sample). It follows Solver.adaptive step by
// step. A non-nil error ends the solve with the returned Status.
func (b *BatchSolver[T]) resume(sl *batchSlot[T], o []T) (Status, error) {
	one := b.one
	x := b.state(sl.sample)
	switch sl.phase {
	case waitF0:
		copy(sl.k[0], o)
		sl.k1Valid = true
		if j := firstNonFinite(sl.k[0]); j >= 0 {
			return NonFinite, &NonFiniteError{T: sl.t, Index: j, InField: true}
		}
		if b.h0 == 0 {
			in := b.queue(sl, waitTrial, 0)
			sl.h0, sl.d1 = one.hairerTrial(in, x, sl.k[0], &b.ctl)
			b.times[sl.pos] = sl.t + b.ctl.dir*sl.h0
			return NotTerminated, nil
		}
		sl.st = b.ctl.start(b.h0)
	case waitTrial:
		sl.st = b.ctl.start(one.hairerStep(x, sl.k[0], o, sl.h0, sl.d1, &b.ctl))
	case waitK1:
		copy(sl.k[0], o)
		sl.k1Valid = true
		return b.stages(sl, x, 1)
	case waitStage:
		copy(sl.k[sl.stage], o)
		return b.stages(sl, x, sl.stage+1)
	case waitLast:
		copy(sl.k[one.s-1], o)
		return b.settle(sl, x)
	}
	// The first step, after f(t0, x0) and the initial step.
	b.ctl.begin(&sl.st, sl.t)
	return b.try(sl, x)
}

// try starts the next attempt of sl's current step.
func (b *BatchSolver[T]) try(sl *batchSlot[T], x []T) (Status, error) {
	steps := b.samples[sl.sample].Steps
	if b.ctl.blocked(&sl.st, steps) {
		return b.ctl.refuse(&sl.st, sl.t, steps)
	}
	sl.h, sl.tNew = b.ctl.propose(&sl.st, sl.t)
	if !sl.k1Valid {
		copy(b.queue(sl, waitK1, sl.t), x)
		return NotTerminated, nil
	}
	return b.stages(sl, x, 1)
}

// stages queues stage i of sl's attempt, or makes its new state once every
// stage before it is known.
func (b *BatchSolver[T]) stages(sl *batchSlot[T], x []T, i int) (Status, error) {
	one := b.one
	if i < one.evalStages() {
		sl.stage = i
		in := b.queue(sl, waitStage, one.stageTime(i, sl.t, sl.h, sl.tNew))
		one.stageInput(in, x, sl.k, i, sl.h)
		return NotTerminated, nil
	}
	sl.ok = one.newState(sl.xNew, x, sl.k, sl.h)
	if one.fsal {
		copy(b.queue(sl, waitLast, sl.tNew), sl.xNew)
		return NotTerminated, nil
	}
	return b.settle(sl, x)
}

// settle ends sl's attempt: a rejection retries, an acceptance advances the
// sample and starts its next step, or hands the slot to the next sample
// when it reached t1.
func (b *BatchSolver[T]) settle(sl *batchSlot[T], x []T) (Status, error) {
	one := b.one
	st := &b.samples[sl.sample]
	accepted, nf := one.settle(&b.ctl, &sl.st, st, sl.k, x, sl.xNew, sl.ok, sl.t, sl.h, sl.tNew)
	if nf != nil {
		return NonFinite, nf
	}
	if !accepted {
		return b.try(sl, x)
	}
	st.Accepted++
	copy(x, sl.xNew)
	if one.fsal {
		sl.k[0], sl.k[one.s-1] = sl.k[one.s-1], sl.k[0]
	} else {
		sl.k1Valid = false
	}
	sl.t = sl.tNew
	b.ts[sl.sample] = sl.t
	if sl.t == b.ctl.t1 {
		b.enter(sl)
		return NotTerminated, nil
	}
	b.ctl.begin(&sl.st, sl.t)
	return b.try(sl, x)
}
