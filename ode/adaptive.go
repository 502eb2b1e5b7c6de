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

// adaptive runs adaptive stepping.
func (s *Solver[T]) adaptive(ctx context.Context, p Problem[T], set *Settings) (*Result[T], error) {
	done := ctx.Done()
	dir := direction(p)
	f := p.Field
	rtol, atol, atolVec := set.RTol, set.ATol, set.ATolVec
	maxSteps := set.MaxSteps
	if maxSteps == 0 {
		maxSteps = defaultMaxSteps
	}
	span := math.Abs(p.T1 - p.T0)
	maxStep := set.MaxStep
	if maxStep == 0 || maxStep > span {
		maxStep = span
	}
	// Exponents of the controllers, with k = q+1 for an error estimate of
	// order q: the elementary controller uses err^(−1/k) (HNW I, II.4); the
	// PI controller uses err_n^(−α)·err_{n−1}^β with Gustafsson's α = 0.7/k,
	// β = 0.4/k (K. Gustafsson, ACM TOMS 17(4), 533–554, 1991; HW II, IV.2).
	k := float64(s.order + 1)
	expo := -1 / k
	alpha, beta := 0.7/k, 0.4/k
	errOld := 1.0 // no history yet: the first PI step is elementary-like

	t := p.T0
	s.ensureK1(f, t)
	if j := firstNonFinite(s.k[0]); j >= 0 {
		return s.stop(NonFinite, &NonFiniteError{T: t, Index: j, InField: true})
	}
	hAbs := set.InitialStep
	if hAbs == 0 {
		hAbs = s.initialStep(f, t, dir, math.Abs(p.T1-p.T0), rtol, atol, atolVec)
	}
	for t != p.T1 {
		if canceled(done) {
			return s.stop(Canceled, ctx.Err())
		}
		minStep := max(set.MinStep, 16*ulp(t))
		if hAbs > maxStep {
			hAbs = maxStep
		} else if hAbs < minStep {
			hAbs = minStep
		}
		rejected := false
		var h, tNew float64
		for {
			if s.res.Stats.Steps >= maxSteps {
				return s.stop(MaxStepsReached, fmt.Errorf("%w (%d) at t=%v", ErrMaxSteps, maxSteps, t))
			}
			if hAbs < minStep {
				if s.nfSet {
					nf := s.nf
					return s.stop(NonFinite, fmt.Errorf("%w at t=%v after non-finite trial steps: %w", ErrStepSizeTooSmall, t, &nf))
				}
				return s.stop(StepSizeTooSmall, fmt.Errorf("%w at t=%v (step %v < minimum %v)", ErrStepSizeTooSmall, t, hAbs, minStep))
			}
			tNew = t + dir*hAbs
			if dir*(tNew-p.T1) > 0 {
				tNew = p.T1
			}
			h = tNew - t
			hAbs = math.Abs(h)
			s.ensureK1(f, t)
			ok := s.attempt(f, t, h, tNew)
			s.res.Stats.Steps++
			norm := math.Inf(1)
			if ok {
				s.scaleErr(h)
				norm = errNorm(s.cf[:len(s.eIdx)], s.ks[:len(s.eIdx)], s.x, s.xNew, rtol, atol, atolVec)
			}
			if norm < 1 {
				var factor float64
				switch {
				case norm == 0:
					factor = maxFactor
				case set.PI:
					factor = safety * math.Pow(norm, -alpha) * math.Pow(errOld, beta)
				default:
					factor = safety * math.Pow(norm, expo)
				}
				factor = min(maxFactor, max(minFactor, factor))
				if rejected {
					factor = min(1, factor)
				}
				hAbs *= factor
				errOld = max(norm, 1e-4) // DOPRI5's FACOLD floor
				s.nfSet = false
				break
			}
			// Rejected.
			s.res.Stats.Rejected++
			rejected = true
			if !ok || math.IsNaN(norm) {
				if j := firstNonFinite(s.k[0]); j >= 0 {
					// f at an accepted state: no smaller step can help.
					return s.stop(NonFinite, &NonFiniteError{T: t, Index: j, InField: true})
				}
				if nf, found := s.diagnose(t, h, tNew); found {
					s.nf, s.nfSet = nf, true
				}
				hAbs *= minFactor
				continue
			}
			s.nfSet = false
			hAbs *= max(minFactor, safety*math.Pow(norm, expo))
		}
		s.prepareAccept(f, tNew, set.SaveAt, dir)
		s.accept(t, h, tNew, set.SaveAt, dir)
		t = tNew
		if err := s.observe(t); err != nil {
			return s.stop(Stopped, err)
		}
	}
	s.res.Status = Success
	return &s.res, nil
}

// scaleErr loads the error weights scaled by h into s.cf and the matching
// stages into s.ks.
func (s *Solver[T]) scaleErr(h float64) {
	for j, i := range s.eIdx {
		s.ks[j] = s.k[i]
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
// first step), and uses tmp for the Euler state.
//
// The trial step h0 is capped at the span length so that the trial
// evaluation never leaves [T0, T1]: a field may be undefined outside it (the
// tutorial's field has a pole at t = −1; a flow-matching net is trained only
// on t ∈ [0, 1]). SciPy made the same fix after 1.10 (scipy/scipy#17341,
// pull #17348); on spans longer than h0 nothing changes.
func (s *Solver[T]) initialStep(f VectorField[T], t0, dir, span, rtol, atol float64, atolVec []float64) float64 {
	if s.dim == 0 {
		return math.Inf(1) // clipped to MaxStep by the caller
	}
	x0, f0 := s.x, s.k[0]
	d0 := rmsScaled(x0, x0, 1, rtol, atol, atolVec)
	d1 := rmsScaled(f0, x0, 1, rtol, atol, atolVec)
	var h0 float64
	if d0 < 1e-5 || d1 < 1e-5 {
		h0 = 1e-6
	} else {
		h0 = 0.01 * d0 / d1
	}
	h0 = min(h0, span)
	lin1(s.tmp, x0, T(dir*h0), f0)
	f1 := s.xNew
	s.eval(f, f1, t0+dir*h0, s.tmp)
	// d2 = ‖f1 − f0‖/h0, computed without a difference buffer.
	sum := 0.0
	for i := range x0 {
		a := atol
		if atolVec != nil {
			a = atolVec[i]
		}
		r := (float64(f1[i]) - float64(f0[i])) / (a + rtol*math.Abs(float64(x0[i])))
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
