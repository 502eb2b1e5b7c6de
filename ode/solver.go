package ode

import (
	"context"
	"fmt"
	"math"
)

// Solver integrates initial-value problems of one dimension with one method.
// It owns every work buffer, sized once by NewSolver, so repeated solves
// allocate nothing: the Result returned by Solve and its slices belong to the
// Solver and are overwritten by the next Solve. A Solver is not safe for
// concurrent use; use one per goroutine.
type Solver[T Float] struct {
	// Observer, when not nil, is called with the state at T0 and after every
	// accepted step. x is the Solver's buffer: read it, do not retain or
	// modify it. A non-nil error stops the solve (Status Stopped) and is
	// returned as is, together with the Result at t.
	Observer func(t float64, x []T) error

	tab   *Tableau
	dim   int
	s     int // number of stages
	fsal  bool
	c     []float64
	order int // q = min(Order, ErrorOrder): exponent of the error estimate

	// Nonzero structure of the tableau, found once: stage i combines the
	// stages rowIdx[i] with coefficients rowCoef[i]; likewise B and BErr.
	rowIdx  [][]int
	rowCoef [][]float64
	bIdx    []int
	bCoef   []float64
	eIdx    []int
	eCoef   []float64
	// dense holds the interpolant's rows (nil: cubic Hermite); dIdx lists
	// the stages whose row is not identically zero.
	dense [][]float64
	dIdx  []int

	// Work buffers.
	k       [][]T // stages; k[0] = f(t, x) at the start of a step
	x, xNew []T
	tmp     []T // stage input; also f(t_new, x_new) for Hermite output
	ks      [][]T
	cs      []T
	cf      []float64
	saveBuf []T
	saved   [][]T

	// Per-solve state.
	k1Valid bool
	nf      NonFiniteError // last non-finite diagnosis (adaptive rejections)
	nfSet   bool
	res     Result[T]
}

// NewSolver returns a Solver for method m and states of length dim. It panics
// with an "ode: ..." message if m is nil or fails Validate, or if dim < 0.
func NewSolver[T Float](m *Tableau, dim int) *Solver[T] {
	if m == nil {
		panic("ode: nil method")
	}
	if dim < 0 {
		panic(fmt.Sprintf("ode: negative dimension %d", dim))
	}
	if err := m.Validate(); err != nil {
		panic(err.Error())
	}
	s := len(m.C)
	sv := &Solver[T]{
		tab:   m,
		dim:   dim,
		s:     s,
		fsal:  m.FSAL,
		c:     append([]float64(nil), m.C...),
		order: m.Order,
	}
	if m.BErr != nil {
		sv.order = min(m.Order, m.ErrorOrder)
	}
	sv.rowIdx = make([][]int, s)
	sv.rowCoef = make([][]float64, s)
	for i, row := range m.A {
		sv.rowIdx[i], sv.rowCoef[i] = nonzero(row)
	}
	sv.bIdx, sv.bCoef = nonzero(m.B)
	if m.BErr != nil {
		sv.eIdx, sv.eCoef = nonzero(m.BErr)
	}
	if m.Dense != nil {
		sv.dense = make([][]float64, s)
		for i, row := range m.Dense.Coef {
			sv.dense[i] = append([]float64(nil), row...)
			for _, v := range row {
				if v != 0 {
					sv.dIdx = append(sv.dIdx, i)
					break
				}
			}
		}
	}
	// One backing array keeps the stages and states contiguous in memory.
	nbuf := s + 3
	back := make([]T, nbuf*dim)
	next := func() []T {
		b := back[:dim:dim]
		back = back[dim:]
		return b
	}
	sv.k = make([][]T, s)
	for i := range sv.k {
		sv.k[i] = next()
	}
	sv.x, sv.xNew, sv.tmp = next(), next(), next()
	sv.ks = make([][]T, s)
	sv.cs = make([]T, s)
	sv.cf = make([]float64, s)
	return sv
}

func nonzero(row []float64) ([]int, []float64) {
	var idx []int
	var coef []float64
	for j, v := range row {
		if v != 0 {
			idx = append(idx, j)
			coef = append(coef, v)
		}
	}
	return idx, coef
}

// Method returns the Solver's method.
func (s *Solver[T]) Method() *Tableau { return s.tab }

// Dim returns the length of the states the Solver integrates.
func (s *Solver[T]) Dim() int { return s.dim }

// Solve integrates p with the stepping chosen by set and returns the Result,
// which the Solver owns (see Solver).
//
// Solve panics with an "ode: ..." message for plain programmer mistakes: a nil
// ctx, a nil p.Field, a negative set.Steps. It returns a nil Result and an
// error wrapping ErrInvalidInput for problems and settings it cannot run:
// nil or zero Settings, more than one stepping mode, RTol <= 0 (or NaN)
// without Steps or Grid, adaptive stepping for a method without BErr,
// non-finite T0 or T1, len(X0) != Dim(), len(ATolVec) != len(X0), negative
// or non-finite tolerances or step bounds, a Grid that does not start at T0,
// end at T1 and move strictly toward T1, a SaveAt that is not monotone or
// leaves [T0, T1].
//
// Once stepping has begun, failures return the Result reached so far
// together with an error: ErrMaxSteps or ErrStepSizeTooSmall wrapped with t,
// a *NonFiniteError, the context's error (Status Canceled) or the Observer's
// error (Status Stopped). T0 == T1 returns X0 after zero steps.
func (s *Solver[T]) Solve(ctx context.Context, p Problem[T], set *Settings) (*Result[T], error) {
	if ctx == nil {
		panic("ode: nil context")
	}
	if p.Field == nil {
		panic("ode: nil Problem.Field")
	}
	if set != nil && set.Steps < 0 {
		panic(fmt.Sprintf("ode: negative Settings.Steps %d", set.Steps))
	}
	if err := s.check(p, set); err != nil {
		return nil, err
	}

	s.res = Result[T]{T: p.T0, X: s.x}
	s.k1Valid = false
	s.nfSet = false
	copy(s.x, p.X0)
	s.prepareSaved(len(set.SaveAt))

	if j := firstNonFinite(s.x); j >= 0 {
		return s.stop(NonFinite, &NonFiniteError{T: p.T0, Index: j})
	}
	if err := s.observe(p.T0); err != nil {
		return s.stop(Stopped, err)
	}
	s.saveUpTo(p.T0, p.T0, 0, 0, set.SaveAt, direction(p))
	if p.T0 == p.T1 {
		s.res.Status = Success
		return &s.res, nil
	}
	if set.RTol > 0 {
		return s.adaptive(ctx, p, set)
	}
	return s.fixed(ctx, p, set)
}

func direction[T Float](p Problem[T]) float64 {
	if p.T1 < p.T0 {
		return -1
	}
	return 1
}

func (s *Solver[T]) prepareSaved(n int) {
	if n == 0 {
		s.res.Saved = nil
		return
	}
	if cap(s.saveBuf) < n*s.dim {
		s.saveBuf = make([]T, n*s.dim)
	}
	if cap(s.saved) < n {
		s.saved = make([][]T, n)
	}
	s.saved = s.saved[:n]
	for i := range s.saved {
		s.saved[i] = s.saveBuf[i*s.dim : (i+1)*s.dim : (i+1)*s.dim]
	}
	s.res.Saved = s.saved[:0]
}

// stop ends a solve early with status st and error err.
func (s *Solver[T]) stop(st Status, err error) (*Result[T], error) {
	s.res.Status = st
	return &s.res, err
}

func (s *Solver[T]) observe(t float64) error {
	if s.Observer == nil {
		return nil
	}
	return s.Observer(t, s.x)
}

func canceled(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// eval calls the field and counts the evaluation.
func (s *Solver[T]) eval(f VectorField[T], dst []T, t float64, x []T) {
	f.Eval(dst, t, x)
	s.res.Stats.FieldEvals++
}

// ensureK1 makes k[0] = f(t, x).
func (s *Solver[T]) ensureK1(f VectorField[T], t float64) {
	if !s.k1Valid {
		s.eval(f, s.k[0], t, s.x)
		s.k1Valid = true
	}
}

// stageTime returns t + C[i]·h, exactly tNew when C[i] == 1.
func (s *Solver[T]) stageTime(i int, t, h, tNew float64) float64 {
	if s.c[i] == 1 {
		return tNew
	}
	return t + s.c[i]*h
}

// load puts the stages idx and their coefficients scaled by h, in the
// state's type, into s.ks and s.cs, and returns their count.
func (s *Solver[T]) load(h float64, idx []int, coef []float64) int {
	for j, i := range idx {
		s.ks[j] = s.k[i]
		s.cs[j] = T(h * coef[j])
	}
	return len(idx)
}

// attempt takes one step of size h = tNew − t from (t, s.x) with k[0] valid,
// writing the stages and s.xNew. For an FSAL method the last stage is
// f(tNew, xNew). It reports whether xNew is finite.
func (s *Solver[T]) attempt(f VectorField[T], t, h, tNew float64) bool {
	last := s.s
	if s.fsal {
		last = s.s - 1
	}
	for i := 1; i < last; i++ {
		n := s.load(h, s.rowIdx[i], s.rowCoef[i])
		comb(s.tmp, s.x, s.cs[:n], s.ks[:n])
		s.eval(f, s.k[i], s.stageTime(i, t, h, tNew), s.tmp)
	}
	n := s.load(h, s.bIdx, s.bCoef)
	ok := lin(s.xNew, s.x, s.cs[:n], s.ks[:n])
	if s.fsal {
		s.eval(f, s.k[s.s-1], tNew, s.xNew)
	}
	return ok
}

// diagnose finds the first non-finite value of the last attempt, in the
// order the values were made.
func (s *Solver[T]) diagnose(t, h, tNew float64) (NonFiniteError, bool) {
	last := s.s
	if s.fsal {
		last = s.s - 1
	}
	for i := 0; i < last; i++ {
		if j := firstNonFinite(s.k[i]); j >= 0 {
			return NonFiniteError{T: s.stageTime(i, t, h, tNew), Index: j, InField: true}, true
		}
	}
	if j := firstNonFinite(s.xNew); j >= 0 {
		return NonFiniteError{T: tNew, Index: j}, true
	}
	if s.fsal {
		if j := firstNonFinite(s.k[s.s-1]); j >= 0 {
			return NonFiniteError{T: tNew, Index: j, InField: true}, true
		}
	}
	return NonFiniteError{}, false
}

// accept records dense output for the step (t, tNew] and advances the state.
func (s *Solver[T]) accept(f VectorField[T], t, h, tNew float64, saveAt []float64, dir float64) {
	s.res.Stats.Accepted++
	s.saveUpTo(t, tNew, h, dir, saveAt, dir)
	s.x, s.xNew = s.xNew, s.x
	if s.fsal {
		s.k[0], s.k[s.s-1] = s.k[s.s-1], s.k[0]
	} else if s.k1Valid {
		// prepareAccept evaluated f(tNew, xNew) into tmp for Hermite
		// output: it is the next step's first stage.
		s.k[0], s.tmp = s.tmp, s.k[0]
	}
	s.res.T = tNew
	s.res.X = s.x
}

// saveUpTo fills Saved for every pending SaveAt point up to tNew (in the
// direction dir) from the dense output of the step (t, tNew] of size h,
// whose end state is s.xNew. With h == 0 it saves the points equal to t
// from s.x.
func (s *Solver[T]) saveUpTo(t, tNew, h, _ float64, saveAt []float64, dir float64) {
	n := len(s.res.Saved)
	if n == len(saveAt) {
		return
	}
	if h == 0 {
		for n < len(saveAt) && saveAt[n] == t {
			copy(s.saved[n], s.x)
			n++
		}
		s.res.Saved = s.saved[:n]
		return
	}
	for n < len(saveAt) && dir*(saveAt[n]-tNew) <= 0 {
		ts := saveAt[n]
		if ts == tNew {
			copy(s.saved[n], s.xNew)
		} else {
			s.interpolate(s.saved[n], (ts-t)/h, h)
		}
		n++
	}
	s.res.Saved = s.saved[:n]
}

// interpolate writes the dense output at θ of the step just taken
// (from s.x to s.xNew with stages s.k) into dst.
func (s *Solver[T]) interpolate(dst []T, theta, h float64) {
	if s.dense != nil {
		for j, i := range s.dIdx {
			row := s.dense[i]
			// b_i(θ) = Σ_m row[m]·θ^(m+1), by Horner.
			b := 0.0
			for m := len(row) - 1; m >= 0; m-- {
				b = (b + row[m]) * theta
			}
			s.ks[j] = s.k[i]
			s.cs[j] = T(h * b)
		}
		comb(dst, s.x, s.cs[:len(s.dIdx)], s.ks[:len(s.dIdx)])
		return
	}
	var f1 []T
	if s.fsal {
		f1 = s.k[s.s-1]
	} else {
		// f(tNew, xNew) is the next step's first stage: evaluate it once
		// into tmp and hand it over in accept.
		if !s.k1Valid {
			panic("ode: internal error: Hermite output without f(t_new)")
		}
		f1 = s.tmp
	}
	hermite(dst, s.x, s.xNew, s.k[0], f1, theta, h)
}

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
		if s.tab.BErr == nil {
			return invalid("adaptive stepping (RTol > 0) needs an error estimate, and method %q has no BErr", s.tab.Name)
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
		s.accept(p.Field, t, h, tNew, set.SaveAt, dir)
		t = tNew
		if err := s.observe(t); err != nil {
			return s.stop(Stopped, err)
		}
	}
	s.res.Status = Success
	return &s.res, nil
}

// prepareAccept runs before accept: for a non-FSAL method whose dense output
// is the Hermite interpolant and with a SaveAt point inside the step, it
// evaluates f(tNew, xNew) into tmp, which accept then hands over as the next
// step's first stage. Otherwise it marks the first stage stale.
func (s *Solver[T]) prepareAccept(f VectorField[T], tNew float64, saveAt []float64, dir float64) {
	if s.fsal {
		return
	}
	s.k1Valid = false
	n := len(s.res.Saved)
	if s.dense == nil && n < len(saveAt) && dir*(saveAt[n]-tNew) < 0 {
		s.eval(f, s.tmp, tNew, s.xNew)
		s.k1Valid = true
	}
}

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
	// order q: the elementary controller uses err^(−1/k) (HNW I, II.4,
	// eq. (4.13)); the PI controller uses err_n^(−α)·err_{n−1}^β with
	// Gustafsson's α = 0.7/k, β = 0.4/k (K. Gustafsson, ACM TOMS 17(4),
	// 533–554, 1991; HW II, IV.2).
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
		hAbs = s.initialStep(f, t, dir, rtol, atol, atolVec)
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
			hAbs *= max(minFactor, safety*math.Pow(norm, expo))
		}
		s.prepareAccept(f, tNew, set.SaveAt, dir)
		s.accept(f, t, h, tNew, set.SaveAt, dir)
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
func (s *Solver[T]) initialStep(f VectorField[T], t0, dir, rtol, atol float64, atolVec []float64) float64 {
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
