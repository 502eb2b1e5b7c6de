package ode

import "fmt"

// Input validation: everything Solve refuses with ErrInvalidInput before it
// takes a step.

var errNoMode = fmt.Errorf("%w: Settings must set one of Steps > 0, Grid, RTol > 0 or (for a pure absolute tolerance) ATol > 0 or ATolVec (there are no default tolerances)", ErrInvalidInput)

// MinRTol is the smallest positive relative tolerance that adaptive stepping
// accepts: 100·ε of float64, SciPy's floor (scipy/integrate/_ivp/common.py,
// validate_tol, which raises a smaller rtol to 100·EPS with a warning). A
// relative error below a few ulps cannot be reached by any step, and scaling
// by so small a tolerance overflows Hairer's initial step estimate (HNW I,
// II.4) to a NaN step. A library cannot warn, and silently solving with
// another tolerance than the one asked for would hide the mistake, so Solve
// refuses 0 < RTol < MinRTol with ErrInvalidInput instead. RTol = 0 with
// ATol > 0 (or ATolVec) is a pure absolute tolerance and is accepted.
const MinRTol = 100 * 0x1p-52

// adaptiveMode reports whether set selects adaptive stepping: RTol > 0, or
// RTol = 0 with an absolute tolerance (ATol > 0 or ATolVec) and neither
// Steps nor Grid, whose tolerances are then ignored as before.
func (set *Settings) adaptiveMode() bool {
	if set.RTol > 0 {
		return true
	}
	return set.RTol == 0 && set.Steps == 0 && len(set.Grid) == 0 && (set.ATol > 0 || set.ATolVec != nil)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// Validate returns the error wrapping ErrInvalidInput that Solver.Solve
// would return for these settings, a Solver of method m and dimension dim,
// and a problem from t0 to t1 with len(X0) = dim, or nil if Solve would
// start stepping. It lets a caller refuse settings once, before it builds
// the problems (a command line parsing its flags, a sampler about to
// integrate many batches with the same settings), with exactly the rules
// and messages of Solve. Unlike Solve, which panics on it, a negative Steps
// is reported as an error here. Validate panics as NewSolver does if m is
// nil or fails Tableau.Validate, or if dim < 0.
func (set *Settings) Validate(m *Tableau, t0, t1 float64, dim int) error {
	if m == nil {
		panic("ode: nil method")
	}
	if dim < 0 {
		panic(fmt.Sprintf("ode: negative dimension %d", dim))
	}
	if err := m.Validate(); err != nil {
		panic(err.Error())
	}
	if set != nil && set.Steps < 0 {
		return invalid("Steps = %d, want >= 0", set.Steps)
	}
	return checkSettings(set, m.BErr != nil, m.Name, dim, t0, t1, dim)
}

// check validates p and set; see Solve for the list.
func (s *Solver[T]) check(p Problem[T], set *Settings) error {
	return checkSettings(set, s.adapt, s.name, s.dim, p.T0, p.T1, len(p.X0))
}

// checkSettings validates set for a method named name (with an error
// estimate if adapt), a Solver of dimension dim and a problem from t0 to t1
// whose X0 has n components.
func checkSettings(set *Settings, adapt bool, name string, dim int, t0, t1 float64, n int) error {
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
	if set.adaptiveMode() {
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
	if !isFinite(t0) || !isFinite(t1) {
		return invalid("non-finite time span [%v, %v]", t0, t1)
	}
	if n != dim {
		return invalid("len(X0) = %d, want the Solver's dimension %d", n, dim)
	}
	dir := 1.0
	if t1 < t0 {
		dir = -1
	}
	if len(set.Grid) > 0 {
		g := set.Grid
		if g[0] != t0 || g[len(g)-1] != t1 {
			return invalid("Grid runs from %v to %v, want from T0 = %v to T1 = %v", g[0], g[len(g)-1], t0, t1)
		}
		for i := 1; i < len(g); i++ {
			if !(dir*(g[i]-g[i-1]) > 0) {
				return invalid("Grid is not strictly monotone toward T1 at index %d (%v after %v)", i, g[i], g[i-1])
			}
		}
	}
	if set.adaptiveMode() {
		if !adapt {
			return invalid("adaptive stepping (RTol > 0 or ATol > 0) needs an error estimate, and method %q has no BErr", name)
		}
		if !isFinite(set.RTol) {
			return invalid("RTol = %v", set.RTol)
		}
		if set.RTol > 0 && set.RTol < MinRTol {
			return invalid("RTol = %v is below MinRTol = 100·ε = %.3g, a relative error no float64 step can reach; use RTol >= MinRTol, or RTol = 0 with ATol > 0 for a pure absolute tolerance", set.RTol, MinRTol)
		}
		if !(set.ATol >= 0) || !isFinite(set.ATol) {
			return invalid("ATol = %v, want finite and >= 0", set.ATol)
		}
		if set.ATolVec != nil {
			if len(set.ATolVec) != dim {
				return invalid("len(ATolVec) = %d, want len(X0) = %d", len(set.ATolVec), dim)
			}
			for i, v := range set.ATolVec {
				if !(v >= 0) || !isFinite(v) {
					return invalid("ATolVec[%d] = %v, want finite and >= 0", i, v)
				}
				if v == 0 && set.RTol == 0 {
					return invalid("ATolVec[%d] = 0 with RTol = 0: a pure absolute tolerance needs every component's ATol > 0", i)
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
	lo, hi := min(t0, t1), max(t0, t1)
	for i, ts := range set.SaveAt {
		if !(ts >= lo && ts <= hi) {
			return invalid("SaveAt[%d] = %v is outside [%v, %v]", i, ts, t0, t1)
		}
		if i > 0 && dir*(ts-set.SaveAt[i-1]) < 0 {
			return invalid("SaveAt is not monotone toward T1 at index %d (%v after %v)", i, ts, set.SaveAt[i-1])
		}
	}
	return nil
}
