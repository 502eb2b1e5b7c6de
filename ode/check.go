package ode

import "fmt"

// Input validation: everything Solve refuses with ErrInvalidInput before it
// takes a step.

var errNoMode = fmt.Errorf("%w: Settings must set one of Steps > 0, Grid or RTol > 0 (there are no default tolerances)", ErrInvalidInput)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// check validates p and set; see Solve for the list.
func (s *Solver[T]) check(p Problem[T], set *Settings) error {
	if set == nil {
		return errNoMode
	}
	modes := 0
	if set.Steps > 0 {
		modes++
	}
	if len(set.Grid) > 0 {
		modes++
	}
	if set.RTol > 0 {
		modes++
	}
	switch {
	case modes == 0 && set.RTol != 0:
		return invalid("RTol = %v, want > 0", set.RTol)
	case modes == 0:
		return errNoMode
	case modes > 1:
		return invalid("Settings set %d stepping modes (Steps = %d, len(Grid) = %d, RTol = %v), want exactly one",
			modes, set.Steps, len(set.Grid), set.RTol)
	}
	if !isFinite(p.T0) || !isFinite(p.T1) {
		return invalid("non-finite time span [%v, %v]", p.T0, p.T1)
	}
	if len(p.X0) != s.dim {
		return invalid("len(X0) = %d, want the Solver's dimension %d", len(p.X0), s.dim)
	}
	dir := direction(p)
	if len(set.Grid) > 0 {
		g := set.Grid
		if g[0] != p.T0 || g[len(g)-1] != p.T1 {
			return invalid("Grid runs from %v to %v, want from T0 = %v to T1 = %v", g[0], g[len(g)-1], p.T0, p.T1)
		}
		for i := 1; i < len(g); i++ {
			if !(dir*(g[i]-g[i-1]) > 0) {
				return invalid("Grid is not strictly monotone toward T1 at index %d (%v after %v)", i, g[i], g[i-1])
			}
		}
	}
	if set.RTol > 0 {
		if !s.adapt {
			return invalid("adaptive stepping (RTol > 0) needs an error estimate, and method %q has no BErr", s.name)
		}
		if !isFinite(set.RTol) {
			return invalid("RTol = %v", set.RTol)
		}
		if !(set.ATol >= 0) || !isFinite(set.ATol) {
			return invalid("ATol = %v, want finite and >= 0", set.ATol)
		}
		if set.ATolVec != nil {
			if len(set.ATolVec) != s.dim {
				return invalid("len(ATolVec) = %d, want len(X0) = %d", len(set.ATolVec), s.dim)
			}
			for i, v := range set.ATolVec {
				if !(v >= 0) || !isFinite(v) {
					return invalid("ATolVec[%d] = %v, want finite and >= 0", i, v)
				}
			}
		}
		for _, v := range [...]struct {
			name string
			v    float64
		}{{"InitialStep", set.InitialStep}, {"MinStep", set.MinStep}, {"MaxStep", set.MaxStep}} {
			if !(v.v >= 0) || !isFinite(v.v) {
				return invalid("%s = %v, want finite and >= 0", v.name, v.v)
			}
		}
		if set.MaxStep > 0 && set.MinStep > set.MaxStep {
			return invalid("MinStep = %v exceeds MaxStep = %v", set.MinStep, set.MaxStep)
		}
	}
	if set.MaxSteps < 0 {
		return invalid("MaxSteps = %d, want >= 0", set.MaxSteps)
	}
	lo, hi := min(p.T0, p.T1), max(p.T0, p.T1)
	for i, ts := range set.SaveAt {
		if !(ts >= lo && ts <= hi) {
			return invalid("SaveAt[%d] = %v is outside [%v, %v]", i, ts, p.T0, p.T1)
		}
		if i > 0 && dir*(ts-set.SaveAt[i-1]) < 0 {
			return invalid("SaveAt is not monotone toward T1 at index %d (%v after %v)", i, ts, set.SaveAt[i-1])
		}
	}
	return nil
}
