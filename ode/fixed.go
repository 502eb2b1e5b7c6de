package ode

import (
	"context"
	"fmt"
)

// gridPoint returns t_k of N uniform steps from t0 to t1: computed, never
// accumulated, and exactly t1 for k == N.
func gridPoint(t0, t1 float64, k, n int) float64 {
	if k == n {
		return t1
	}
	return t0 + (t1-t0)*float64(k)/float64(n)
}

// fixed runs fixed stepping on the uniform grid or on set.Grid.
func (s *Solver[T]) fixed(ctx context.Context, p Problem[T], set *Settings) (*Result[T], error) {
	done := ctx.Done()
	dir := direction(p)
	n := set.Steps
	if len(set.Grid) > 0 {
		n = len(set.Grid) - 1
	}
	t := p.T0
	for k := 1; k <= n; k++ {
		if canceled(done) {
			return s.stop(Canceled, ctx.Err())
		}
		if set.MaxSteps > 0 && s.res.Stats.Steps >= set.MaxSteps {
			return s.stop(MaxStepsReached, fmt.Errorf("%w (%d) at t=%v", ErrMaxSteps, set.MaxSteps, t))
		}
		var tNew float64
		if len(set.Grid) > 0 {
			tNew = set.Grid[k]
		} else {
			tNew = gridPoint(p.T0, p.T1, k, n)
		}
		h := tNew - t
		s.ensureK1(p.Field, t)
		ok := s.attempt(p.Field, t, h, tNew)
		s.res.Stats.Steps++
		if !ok {
			nf, _ := s.diagnose(t, h, tNew)
			return s.stop(NonFinite, &nf)
		}
		s.prepareAccept(p.Field, tNew, set.SaveAt, dir)
		s.accept(t, h, tNew, set.SaveAt, dir)
		t = tNew
		if err := s.observe(t); err != nil {
			return s.stop(Stopped, err)
		}
	}
	s.res.Status = Success
	return &s.res, nil
}
