package odetest

import "github.com/windrose/windrose/ode"

// FieldEvals returns the number of field evaluations that a successful solve
// with the explicit Runge–Kutta method m should make, given its step counts
// st.Steps (attempted) and st.Accepted, when every evaluation is made once
// and reused wherever the method allows. With s = len(m.C) stages:
//
//   - every attempted step, accepted or rejected, evaluates stages 2 … s:
//     s−1 evaluations;
//   - the first stage f(t, x) depends only on the point the step starts
//     from, so a retry after a rejection reuses it. An FSAL method's last
//     stage is f(t_new, x_new), the next step's first stage, so only
//     f(T0, X0) is extra: 1. Any other method evaluates it at T0 and after
//     every accepted step except the last (which ends at T1, where no step
//     follows): Accepted evaluations;
//   - extra counts the evaluations outside the steps, which depend on the
//     settings, not on the method: 1 for Hairer's initial step selection
//     (adaptive stepping without Settings.InitialStep; HNW I, II.4), and 1
//     when cubic Hermite dense output (a method that is neither FSAL nor
//     has its own Interpolant) needs f(T1, x(T1)) for a SaveAt point
//     strictly inside the last step; f at the end of any earlier step is the
//     next step's first stage and is not extra.
//
// Hence FieldEvals = (s−1)·Steps + (1 if m.FSAL else Accepted) + extra for a
// solve that took steps, and extra (0 in practice) for one that took none
// (T0 == T1). A solve that stopped early (an error, MaxSteps) may have
// evaluated the first stage of a step it never attempted, so the count is
// only defined for successful solves.
func FieldEvals(m *ode.Tableau, st ode.Stats, extra int) int {
	if st.Steps == 0 {
		return extra
	}
	first := st.Accepted
	if m.FSAL {
		first = 1
	}
	return (len(m.C)-1)*st.Steps + first + extra
}
