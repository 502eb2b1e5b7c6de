package ode

import (
	"context"
	"fmt"
	"math"
)

// Step size control constants, SciPy's (scipy/integrate/_ivp/rk.py: SAFETY,
// MIN_FACTOR, MAX_FACTOR), which are also Hairer's DOPRI5 defaults for the
// safety factor (0.9) and the lower bound (FAC1 = 0.2); DOPRI5 bounds growth
// by 10 as well (FAC2 = 10).
const (
	safety    = 0.9
	minFactor = 0.2
	maxFactor = 10
)

// stepControl is the adaptive step size controller: the settings of one
// adaptive solve and the rules that turn an attempt's error norm into the
// next step size. It holds nothing of any one problem, so a Solver (one
// problem) and a BatchSolver (one problem per sample) share it; each problem
// keeps its own stepState.
type stepControl struct {
	t1, dir  float64
	span     float64 // |T1 − T0|
	rtol     float64
	atol     float64
	atolVec  []float64
	minStep  float64 // Settings.MinStep; each step raises it to 16 ulp of |t|
	maxStep  float64
	maxSteps int
	pi       bool
	// Exponents of the controllers, with k = q+1 for an error estimate of
	// order q: the elementary controller uses err^(−1/k) (HNW I, II.4); the
	// PI controller uses err_n^(−α)·err_{n−1}^β with Gustafsson's α = 0.7/k,
	// β = 0.4/k (K. Gustafsson, ACM TOMS 17(4), 533–554, 1991; HW II, IV.2).
	expo, alpha, beta float64
}

// stepState is the controller's memory of one problem.
type stepState struct {
	hAbs     float64 // magnitude of the next attempt
	minStep  float64 // the minimum step magnitude of the current step
	errOld   float64 // the PI controller's err_{n−1}
	rejected bool    // the current step has had a rejected attempt
	// nf diagnoses the last non-finite trial step, for the error of a step
	// size that then falls below the minimum.
	nf    NonFiniteError
	nfSet bool
}

// newStepControl returns the controller of an adaptive solve from t0 to t1
// with set (already checked) for an error estimate of order q.
func newStepControl(set *Settings, t0, t1 float64, q int) stepControl {
	c := stepControl{
		t1: t1, dir: 1, span: math.Abs(t1 - t0),
		rtol: set.RTol, atol: set.ATol, atolVec: set.ATolVec,
		minStep: set.MinStep, maxStep: set.MaxStep, maxSteps: set.MaxSteps, pi: set.PI,
	}
	if t1 < t0 {
		c.dir = -1
	}
	if c.maxSteps == 0 {
		c.maxSteps = defaultMaxSteps
	}
	if c.maxStep == 0 || c.maxStep > c.span {
		c.maxStep = c.span
	}
	k := float64(q + 1)
	c.expo = -1 / k
	c.alpha, c.beta = 0.7/k, 0.4/k
	return c
}

// start returns the state of a problem whose first attempt has magnitude h.
func (c *stepControl) start(h float64) stepState {
	// No history yet: the first PI step is elementary-like.
	return stepState{hAbs: h, errOld: 1}
}

// begin starts a new step from t: it bounds the step size by the minimum
// and maximum step and forgets the rejections of the previous step.
func (c *stepControl) begin(st *stepState, t float64) {
	st.minStep = max(c.minStep, 16*ulp(t))
	if st.hAbs > c.maxStep {
		st.hAbs = c.maxStep
	} else if st.hAbs < st.minStep {
		st.hAbs = st.minStep
	}
	st.rejected = false
}

// propose returns the next attempt from t, h = tNew − t, with the last step
// clipped to land on T1 exactly. Call it only when blocked is false.
func (c *stepControl) propose(st *stepState, t float64) (h, tNew float64) {
	tNew = t + c.dir*st.hAbs
	if c.dir*(tNew-c.t1) > 0 {
		tNew = c.t1
	}
	h = tNew - t
	st.hAbs = math.Abs(h)
	return h, tNew
}

// blocked reports whether no attempt may follow the steps attempts made so
// far: MaxSteps are made or the step size fell below the minimum. refuse
// then says why.
func (c *stepControl) blocked(st *stepState, steps int) bool {
	return steps >= c.maxSteps || st.hAbs < st.minStep
}

// refuse returns the Status and error that end a solve that is blocked at t.
func (c *stepControl) refuse(st *stepState, t float64, steps int) (Status, error) {
	if steps >= c.maxSteps {
		return MaxStepsReached, fmt.Errorf("%w (%d) at t=%v", ErrMaxSteps, c.maxSteps, t)
	}
	if st.nfSet {
		nf := st.nf
		return NonFinite, fmt.Errorf("%w at t=%v after non-finite trial steps: %w", ErrStepSizeTooSmall, t, &nf)
	}
	return StepSizeTooSmall, fmt.Errorf("%w at t=%v (step %v < minimum %v)", ErrStepSizeTooSmall, t, st.hAbs, st.minStep)
}

// judge decides on an attempt with error norm norm (finite: the attempt
// and its norm are finite) and sets the size of the next attempt, whether
// it is the next step's or a retry's. It reports whether the attempt is
// accepted.
func (c *stepControl) judge(st *stepState, norm float64, finite bool) bool {
	if norm < 1 {
		var factor float64
		switch {
		case norm == 0:
			factor = maxFactor
		case c.pi:
			factor = safety * math.Pow(norm, -c.alpha) * math.Pow(st.errOld, c.beta)
		default:
			factor = safety * math.Pow(norm, c.expo)
		}
		factor = min(maxFactor, max(minFactor, factor))
		if st.rejected {
			factor = min(1, factor)
		}
		st.hAbs *= factor
		st.errOld = max(norm, 1e-4) // DOPRI5's FACOLD floor
		st.nfSet = false
		return true
	}
	st.rejected = true
	if !finite {
		st.hAbs *= minFactor
		return false
	}
	st.nfSet = false
	st.hAbs *= max(minFactor, safety*math.Pow(norm, c.expo))
	return false
}

// adaptive runs adaptive stepping.
func (s *Solver[T]) adaptive(ctx context.Context, p Problem[T], set *Settings) (*Result[T], error) {
	done := ctx.Done()
	f := p.Field
	c := newStepControl(set, p.T0, p.T1, s.order)
	t := p.T0
	s.ensureK1(f, t)
	if j := firstNonFinite(s.k[0]); j >= 0 {
		return s.stop(NonFinite, &NonFiniteError{T: t, Index: j, InField: true})
	}
	h0 := set.InitialStep
	if h0 == 0 {
		h0 = s.initialStep(f, t, &c)
	}
	st := c.start(h0)
	for t != p.T1 {
		if canceled(done) {
			return s.stop(Canceled, ctx.Err())
		}
		c.begin(&st, t)
		var h, tNew float64
		for {
			if c.blocked(&st, s.res.Stats.Steps) {
				return s.stop(c.refuse(&st, t, s.res.Stats.Steps))
			}
			h, tNew = c.propose(&st, t)
			s.ensureK1(f, t)
			ok := s.attempt(f, t, h, tNew)
			accepted, nf := s.settle(&c, &st, &s.res.Stats, s.k, s.x, s.xNew, ok, t, h, tNew)
			if nf != nil {
				return s.stop(NonFinite, nf)
			}
			if accepted {
				break
			}
		}
		s.prepareAccept(f, tNew, set.SaveAt, c.dir)
		s.accept(t, h, tNew, set.SaveAt, c.dir)
		t = tNew
		if err := s.observe(t); err != nil {
			return s.stop(Stopped, err)
		}
	}
	s.res.Status = Success
	return &s.res, nil
}

// settle ends an attempt from (t, x) of size h = tNew − t whose stages k
// and new state xNew are made (ok: xNew is finite). It counts the attempt in
// st, measures its error and lets c decide with the problem's state ss. It
// reports whether the step is accepted; a non-nil error ends the solve: the
// attempt was not finite and neither is f at the accepted state x, so no
// smaller step can help. A Solver and a BatchSolver both end every attempt
// here, so a sample of a batch is stepped exactly as it would be alone.
func (s *Solver[T]) settle(c *stepControl, ss *stepState, st *Stats, k [][]T, x, xNew []T, ok bool, t, h, tNew float64) (bool, *NonFiniteError) {
	st.Steps++
	norm := math.Inf(1)
	if ok {
		s.scaleErr(k, h)
		norm = errNorm(s.cf[:len(s.eIdx)], s.ks[:len(s.eIdx)], x, xNew, c.rtol, c.atol, c.atolVec)
	}
	finite := ok && !math.IsNaN(norm)
	if c.judge(ss, norm, finite) {
		return true, nil
	}
	st.Rejected++
	if !finite {
		if j := firstNonFinite(k[0]); j >= 0 {
			return false, &NonFiniteError{T: t, Index: j, InField: true}
		}
		if nf, found := s.diagnoseStep(k, xNew, t, h, tNew); found {
			ss.nf, ss.nfSet = nf, true
		}
	}
	return false, nil
}

// scaleErr loads the error weights scaled by h into s.cf and the matching
// stages of k into s.ks.
func (s *Solver[T]) scaleErr(k [][]T, h float64) {
	for j, i := range s.eIdx {
		s.ks[j] = k[i]
		s.cf[j] = h * s.eCoef[j]
	}
}

// ulp returns the spacing of float64 values at |t|.
func ulp(t float64) float64 {
	t = math.Abs(t)
	return math.Nextafter(t, math.Inf(1)) - t
}

// initialStep selects the first step magnitude by Hairer's algorithm (HNW I,
// II.4, "Starting step size"; the version of SciPy's select_initial_step):
// h0 = 0.01·‖x0‖/‖f0‖ (1e-6 when either norm is below 1e-5), one explicit
// Euler step of h0 to estimate the second derivative d2, then
// h1 = (0.01/max(‖f0‖, d2))^(1/(q+1)) (max(1e-6, 1e-3·h0) when both are below
// 1e-15), and h = min(100·h0, h1). Norms are the RMS norm scaled by
// atol + rtol·|x0|. It costs one field evaluation, into xNew (free until the
// first step), and uses tmp for the Euler state. hairerTrial and hairerStep
// are its two halves, before and after that evaluation.
//
// The trial step h0 is capped at the span length so that the trial
// evaluation never leaves [T0, T1]: a field may be undefined outside it (the
// tutorial's field has a pole at t = −1; a flow-matching net is trained only
// on t ∈ [0, 1]). SciPy made the same fix after 1.10 (scipy/scipy#17341,
// pull #17348); on spans longer than h0 nothing changes.
func (s *Solver[T]) initialStep(f VectorField[T], t0 float64, c *stepControl) float64 {
	if s.dim == 0 {
		return math.Inf(1) // clipped to MaxStep by the caller
	}
	h0, d1 := s.hairerTrial(s.tmp, s.x, s.k[0], c)
	s.eval(f, s.xNew, t0+c.dir*h0, s.tmp)
	return s.hairerStep(s.x, s.k[0], s.xNew, h0, d1, c)
}

// hairerTrial returns Hairer's trial step h0 and the norm d1 = ‖f0‖ for a
// problem at x0 with f(t0, x0) = f0, and writes the Euler state
// x0 + dir·h0·f0 into dst: the field is to be evaluated there at
// t0 + dir·h0.
func (s *Solver[T]) hairerTrial(dst, x0, f0 []T, c *stepControl) (h0, d1 float64) {
	d0 := rmsScaled(x0, x0, 1, c.rtol, c.atol, c.atolVec)
	d1 = rmsScaled(f0, x0, 1, c.rtol, c.atol, c.atolVec)
	h0 = 0.01 * d0 / d1
	if d0 < 1e-5 || d1 < 1e-5 || !(h0 > 0) || math.IsInf(h0, 0) {
		// Besides Hairer's small norms: a norm that overflowed or is NaN
		// (0/0 for a zero component with ATol = 0) would give a NaN or
		// zero trial step, and the field would be evaluated at t0 + NaN.
		h0 = 1e-6
	}
	h0 = min(h0, c.span)
	lin1(dst, x0, T(c.dir*h0), f0)
	return h0, d1
}

// hairerStep returns Hairer's first step from hairerTrial's h0 and d1 and
// the field f1 at the Euler state.
func (s *Solver[T]) hairerStep(x0, f0, f1 []T, h0, d1 float64, c *stepControl) float64 {
	// d2 = ‖f1 − f0‖/h0, computed without a difference buffer.
	sum := 0.0
	for i := range x0 {
		a := c.atol
		if c.atolVec != nil {
			a = c.atolVec[i]
		}
		r := (float64(f1[i]) - float64(f0[i])) / (a + c.rtol*math.Abs(float64(x0[i])))
		sum += r * r
	}
	d2 := math.Sqrt(sum/float64(s.dim)) / h0
	var h1 float64
	if d1 <= 1e-15 && d2 <= 1e-15 {
		h1 = max(1e-6, h0*1e-3)
	} else {
		h1 = math.Pow(0.01/max(d1, d2), 1/float64(s.order+1))
	}
	h := min(100*h0, h1)
	if !(h > 0) || math.IsInf(h, 0) {
		// NaN from a non-finite trial evaluation: start from h0 and let the
		// step control shrink it.
		h = h0
	}
	return h
}
