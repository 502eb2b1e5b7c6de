package ode

import (
	"errors"
	"strconv"
)

// Run-time failures. A solve that stops early returns its partial Result
// together with one of these errors, wrapped with the time t where it stopped
// (use errors.Is), a *NonFiniteError (use errors.As), the Observer's own
// error, or the context's error.
var (
	// ErrMaxSteps: Settings.MaxSteps attempted steps were made before T1.
	ErrMaxSteps = errors.New("ode: maximum number of steps reached")
	// ErrStepSizeTooSmall: the adaptive step size fell below the minimum
	// step (Settings.MinStep, and never below 16 ulp of |t|).
	ErrStepSizeTooSmall = errors.New("ode: step size too small")
)

// ErrInvalidInput is wrapped by every error that Solve returns for a problem
// or settings value it cannot run (no stepping mode, RTol < 0 or below
// MinRTol when adaptive, a zero absolute tolerance with RTol = 0,
// non-finite times, length mismatches, a Grid or SaveAt that is not monotone
// or outside [T0, T1], adaptive stepping for a method without an error
// estimate). Such errors come with a nil Result.
var ErrInvalidInput = errors.New("ode: invalid input")

// NonFiniteError reports a NaN or an infinity. InField says whether the
// field's output was non-finite (T is then the time of that evaluation) or
// the state itself (T is then the time of that state, for example T0 for a
// non-finite X0). Index is the first non-finite component.
type NonFiniteError struct {
	T       float64
	Index   int
	InField bool
}

func (e *NonFiniteError) Error() string {
	where := "state"
	if e.InField {
		where = "field output"
	}
	return "ode: non-finite value in " + where + " at t=" +
		strconv.FormatFloat(e.T, 'g', -1, 64) + ", component " + strconv.Itoa(e.Index)
}
