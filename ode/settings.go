package ode

// Settings chooses how a solve steps. There are no silent defaults for the
// stepping mode: exactly one of Steps > 0 (fixed, uniform), len(Grid) > 0
// (fixed, explicit grid) or RTol > 0 (adaptive; or RTol = 0 with ATol > 0
// or ATolVec, a pure absolute tolerance) must be set, and a nil or zero
// Settings is an error. The remaining fields refine the chosen mode;
// each documents its zero value. Fields that do not apply to the chosen mode
// are ignored, except SaveAt and MaxSteps, which apply to both.
type Settings struct {
	// Steps > 0 selects fixed stepping with Steps uniform steps on the grid
	// t_k = T0 + k·(T1−T0)/Steps. Each t_k is computed, never accumulated,
	// and the last one is exactly T1. Negative Steps panics.
	Steps int
	// Grid, when not empty, selects fixed stepping on these times: Grid[0]
	// must equal T0 and Grid[len−1] must equal T1, strictly monotone in the
	// direction of integration; the spacing may vary.
	Grid []float64

	// RTol > 0 selects adaptive stepping with this relative tolerance; the
	// method must have an error estimate (Tableau.BErr). RTol must be 0 or
	// at least MinRTol (100·ε, SciPy's floor). RTol = 0 with ATol > 0 (or
	// ATolVec, every entry > 0) and neither Steps nor Grid selects adaptive
	// stepping with a pure absolute tolerance, as SciPy and diffrax allow.
	// With a float32
	// state, tolerances much below float32's epsilon (1.2e-7) ask the
	// controller to resolve rounding noise and cost many small steps.
	RTol float64
	// ATol is the scalar absolute tolerance (adaptive); 0 means none, which
	// is only safe when no component of the solution passes through zero.
	// With RTol = 0 it is the only tolerance and must be > 0.
	ATol float64
	// ATolVec, when not nil, holds one absolute tolerance per component and
	// overrides ATol; its length must equal len(X0).
	ATolVec []float64
	// InitialStep is the magnitude of the first adaptive step; 0 selects it
	// by Hairer's algorithm (HNW I, II.4; as in SciPy's select_initial_step),
	// at the cost of one extra field evaluation.
	InitialStep float64
	// MinStep is the smallest adaptive step magnitude; a step that would be
	// smaller stops the solve with ErrStepSizeTooSmall. 0 means 16 ulp of
	// |t|, below which t+h cannot be told apart from t; a MinStep smaller
	// than that guard is raised to it.
	MinStep float64
	// MaxStep bounds the adaptive step magnitude; 0 means |T1−T0|.
	MaxStep float64
	// MaxSteps bounds the number of attempted steps (accepted and rejected).
	// For adaptive stepping 0 means 100000; for fixed stepping 0 means no
	// bound beyond the grid itself.
	MaxSteps int
	// PI selects the proportional–integral step size controller
	// (Gustafsson 1991; HW II, IV.2) instead of the elementary one.
	PI bool

	// SaveAt lists times, monotone in the direction of integration and
	// inside [T0, T1], at which the state is recorded into Result.Saved. The
	// states come from the method's dense output, never from shortening
	// steps, so asking for output does not change the solution.
	SaveAt []float64
}

// defaultMaxSteps is the adaptive bound on attempted steps when
// Settings.MaxSteps is 0; it matches the order of magnitude of common codes
// (Hairer's DOPRI5 uses NMAX = 100000).
const defaultMaxSteps = 100000
