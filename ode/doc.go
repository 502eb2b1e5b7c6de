// Package ode solves initial-value problems dx/dt = f(t, x), x(T0) = X0, with
// explicit Runge–Kutta methods, in fixed or adaptive steps.
//
// # Overview
//
// A solve has four orthogonal parts, in the style of gonum's optimize:
//
//   - the Problem: a VectorField f, the span [T0, T1] (T1 < T0 integrates
//     backward) and the initial state X0;
//   - the Settings: how to step (exactly one of Steps, Grid or RTol) and what
//     to record (SaveAt);
//   - the method: a *Tableau, a Butcher tableau as data;
//   - the Result: the final state X at T, the states Saved at SaveAt, Stats
//     (field evaluations, attempted, accepted and rejected steps) and the
//     Status saying why the solve stopped.
//
// Solve is the one-shot form. A Solver, from NewSolver, owns every work
// buffer for one method and one dimension, so repeated solves allocate
// nothing; its Result and the Result's slices belong to it and are
// overwritten by its next solve.
//
// # States and time
//
// The state is a []T for T float32 or float64 (Float): a neural velocity
// field evaluates a float32 batch in place, without a copy through float64.
// Time, step sizes, tolerances and error norms are always float64, and the
// error norm accumulates in float64 whatever T is. Fields write into a
// destination: Eval(dst, t, x) writes f(t, x) into dst, which never aliases
// x; a field must neither modify x nor retain either slice.
//
// # Methods
//
// Euler, Heun, Midpoint, RK4, BS3, DOPRI5 and Tsit5 are the built-in
// tableaus; Methods lists them and MethodByName finds one by its short name.
// A new method is a Tableau literal; Tableau.Validate checks its shape, row
// sums, weights, FSAL consistency, its order conditions (Butcher's rooted
// trees) and its interpolant, and NewSolver refuses (panics on) a tableau that
// fails. One stepper runs every tableau. Methods with error weights (BErr:
// Heun, BS3, DOPRI5, Tsit5) can step adaptively.
//
// # Stepping
//
// Settings.Steps = N takes N uniform steps; every grid time is computed as
// T0 + k·(T1−T0)/N, never accumulated, and the last is exactly T1.
// Settings.Grid takes the steps of an explicit grid. Settings.RTol > 0 (or
// RTol = 0 with ATol > 0, a pure absolute tolerance) selects adaptive
// stepping with SciPy's and Hairer's conventions: the RMS error norm scaled
// by ATol (or ATolVec) + RTol·max(|x_old|, |x_new|), the controller
// h·min(10, max(0.2, 0.9·err^(−1/(q+1)))) with no growth right after a
// rejection, optional PI control, and Hairer's initial step. There
// are no default tolerances: a zero Settings is an error. The maths is in
// docs/ode.md.
//
// # Batches of independent samples
//
// A batch of independent samples (a neural field's images) can be one
// state vector given to a Solver: one call of the field per stage, and
// common steps whose error norm runs over the whole batch. A BatchSolver,
// from NewBatchSolver, steps every sample on its own instead, adaptively:
// each keeps its time, step size and accept/reject decisions, exactly (bit
// for bit) as a Solver on that sample alone would, while a BatchField still
// evaluates all samples in flight in one call, each at its own time. When a
// sample finishes, the next one waiting takes its slot, so the calls stay
// full. Batch presents a per-sample VectorField in both forms, and
// BatchFunc adapts a function to a BatchField. It pays when the samples differ in difficulty; docs/ode.md and
// docs/sampling.md measure when.
//
// # Output
//
// SaveAt times are filled from dense output: the method's own interpolant
// (DOPRI5, Tsit5) or the cubic Hermite interpolant through the step's end
// points and derivatives. Output never shortens a step, so it never changes
// the solution. Solver.Observer sees the state at T0 and after every accepted
// step, and can stop the solve by returning an error.
//
// # Errors
//
// Two kinds, as in gonum. A plain programmer mistake panics with a message
// that starts with "ode: ": a nil context, a nil Field, negative Steps, a nil
// or invalid Tableau or a negative dimension given to NewSolver. Everything
// else is returned. Settings or a problem that cannot run (see Solver.Solve
// for the list) give an error wrapping ErrInvalidInput and no Result. Once
// stepping has begun, a failure returns the Result reached so far, whose
// Status says why, with an error: ErrMaxSteps or ErrStepSizeTooSmall wrapped
// with the time t, a *NonFiniteError naming t, the component and whether the
// field or the state went non-finite, the context's error on cancellation
// (ctx is checked before every step), or the Observer's error.
package ode
