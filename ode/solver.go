package ode

import (
	"context"
	"fmt"
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
	name  string // the method's name and whether it has BErr, copied so
	adapt bool   // that later edits of the tableau cannot desynchronize them
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
		name:  m.Name,
		adapt: m.BErr != nil,
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
// nil or zero Settings, more than one stepping mode, RTol < 0 (or NaN)
// without Steps or Grid, 0 < RTol < MinRTol, RTol = 0 with a zero absolute
// tolerance for some component, adaptive stepping for a method without BErr,
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
	copy(s.x, p.X0)
	s.prepareSaved(len(set.SaveAt))

	if j := firstNonFinite(s.x); j >= 0 {
		return s.stop(NonFinite, &NonFiniteError{T: p.T0, Index: j})
	}
	if err := s.observe(p.T0); err != nil {
		return s.stop(Stopped, err)
	}
	s.saveUpTo(p.T0, p.T0, 0, set.SaveAt, direction(p))
	if p.T0 == p.T1 {
		s.res.Status = Success
		return &s.res, nil
	}
	if set.adaptiveMode() {
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

// load puts the stages k[idx] and their coefficients scaled by h, in the
// state's type, into s.ks and s.cs, and returns their count.
func (s *Solver[T]) load(k [][]T, h float64, idx []int, coef []float64) int {
	for j, i := range idx {
		s.ks[j] = k[i]
		s.cs[j] = T(h * coef[j])
	}
	return len(idx)
}

// evalStages returns the number of stages an attempt evaluates before it
// makes the new state: all of them, or all but the last for an FSAL method,
// whose last stage is f(tNew, xNew).
func (s *Solver[T]) evalStages() int {
	if s.fsal {
		return s.s - 1
	}
	return s.s
}

// stageInput writes the input of stage i of a step of size h from x with
// stages k into dst: x + h·Σ_j A[i][j]·k_j.
func (s *Solver[T]) stageInput(dst, x []T, k [][]T, i int, h float64) {
	n := s.load(k, h, s.rowIdx[i], s.rowCoef[i])
	comb(dst, x, s.cs[:n], s.ks[:n])
}

// newState writes x + h·Σ_i B_i·k_i into dst and reports whether every
// value of it is finite.
func (s *Solver[T]) newState(dst, x []T, k [][]T, h float64) bool {
	n := s.load(k, h, s.bIdx, s.bCoef)
	return lin(dst, x, s.cs[:n], s.ks[:n])
}

// attempt takes one step of size h = tNew − t from (t, s.x) with k[0] valid,
// writing the stages and s.xNew. For an FSAL method the last stage is
// f(tNew, xNew). It reports whether xNew is finite.
func (s *Solver[T]) attempt(f VectorField[T], t, h, tNew float64) bool {
	last := s.evalStages()
	for i := 1; i < last; i++ {
		// stageInput written out (BatchSolver calls it): a call per
		// stage measured 6% slower on BenchmarkDOPRI5Tutorial (dim 1).
		n := s.load(s.k, h, s.rowIdx[i], s.rowCoef[i])
		comb(s.tmp, s.x, s.cs[:n], s.ks[:n])
		s.eval(f, s.k[i], s.stageTime(i, t, h, tNew), s.tmp)
	}
	n := s.load(s.k, h, s.bIdx, s.bCoef)
	ok := lin(s.xNew, s.x, s.cs[:n], s.ks[:n])
	if s.fsal {
		s.eval(f, s.k[s.s-1], tNew, s.xNew)
	}
	return ok
}

// diagnose finds the first non-finite value of the last attempt, in the
// order the values were made.
func (s *Solver[T]) diagnose(t, h, tNew float64) (NonFiniteError, bool) {
	return s.diagnoseStep(s.k, s.xNew, t, h, tNew)
}

// diagnoseStep is diagnose for the attempt with stages k and new state xNew.
func (s *Solver[T]) diagnoseStep(k [][]T, xNew []T, t, h, tNew float64) (NonFiniteError, bool) {
	for i := 0; i < s.evalStages(); i++ {
		if j := firstNonFinite(k[i]); j >= 0 {
			return NonFiniteError{T: s.stageTime(i, t, h, tNew), Index: j, InField: true}, true
		}
	}
	if j := firstNonFinite(xNew); j >= 0 {
		return NonFiniteError{T: tNew, Index: j}, true
	}
	if s.fsal {
		if j := firstNonFinite(k[s.s-1]); j >= 0 {
			return NonFiniteError{T: tNew, Index: j, InField: true}, true
		}
	}
	return NonFiniteError{}, false
}

// accept records dense output for the step (t, tNew] and advances the state.
func (s *Solver[T]) accept(t, h, tNew float64, saveAt []float64, dir float64) {
	s.res.Stats.Accepted++
	s.saveUpTo(t, tNew, h, saveAt, dir)
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
