package ode

import "strconv"

// Stats counts the work done by one solve.
type Stats struct {
	// FieldEvals is the number of calls to VectorField.Eval, including the
	// evaluation at T0, the extra one made by the initial step selection and
	// any evaluation made only for dense output.
	FieldEvals int
	// Steps is the number of attempted steps: Accepted + Rejected.
	Steps int
	// Accepted is the number of steps that advanced the solution.
	Accepted int
	// Rejected is the number of steps discarded by the error control.
	Rejected int
}

// Status says why a solve stopped.
type Status int

const (
	// NotTerminated is the zero value: the solve has not stopped yet.
	NotTerminated Status = iota
	// Success: the solution reached T1.
	Success
	// MaxStepsReached: Settings.MaxSteps attempted steps were made before T1.
	MaxStepsReached
	// StepSizeTooSmall: the adaptive step size fell below the minimum step.
	StepSizeTooSmall
	// NonFinite: the state or the field produced a NaN or an infinity.
	NonFinite
	// Canceled: the context was canceled or its deadline passed.
	Canceled
	// Stopped: the Observer returned a non-nil error.
	Stopped
)

var statusNames = [...]string{
	NotTerminated:    "NotTerminated",
	Success:          "Success",
	MaxStepsReached:  "MaxStepsReached",
	StepSizeTooSmall: "StepSizeTooSmall",
	NonFinite:        "NonFinite",
	Canceled:         "Canceled",
	Stopped:          "Stopped",
}

// String returns the name of the status.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Result is the outcome of a solve.
//
// X is the state at T: T1 on success, or the last accepted time when the solve
// stopped early (MaxStepsReached, StepSizeTooSmall, NonFinite, Canceled,
// Stopped). Saved[i] is the state at Settings.SaveAt[i]; when the solve stops
// early Saved holds only the points reached. A Result returned by
// Solver.Solve shares its slices with the Solver: the next Solve overwrites
// them, so copy what must outlive it.
type Result[T Float] struct {
	T      float64
	X      []T
	Saved  [][]T
	Stats  Stats
	Status Status
}
