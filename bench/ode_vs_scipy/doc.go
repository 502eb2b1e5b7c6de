// Ode_vs_scipy measures windrose's ODE solvers side by side with SciPy on
// the same problems, in one run, and prints the ratios.
//
// Run everything with
//
//	bash bench/ode_vs_scipy/run.sh [-rounds 3] [-samples 5]
//
// which builds this program and then, for each round, runs its windrose side
// and scipy_side.py (Debian's /usr/bin/python3 with python3-scipy) one after
// the other, and finally prints the table of both. This program has two
// modes:
//
//	ode_vs_scipy [-samples 5] [-sample-time 50ms] [-only SUBSTRING] > windrose.json
//	ode_vs_scipy -table windrose1.json scipy1.json windrose2.json …
//
// The first times windrose's solves and prints JSON; the second merges the
// rounds of each side (the fastest time of each case over all rounds) and
// prints the comparison table, in Markdown, with the ratios peer/windrose
// of evaluations and time, and the targets: windrose's DOPRI5 at least 50
// times faster than SciPy on the tutorial at rtol 1e-10, and windrose's RK4
// within 1.15 times the hand-written Go loop.
//
// # Cases
//
// Dormand–Prince 5(4) (windrose's dopri5, SciPy's solve_ivp RK45) at
// (rtol, atol) = (1e-6, 1e-9) and (1e-10, 1e-12) on the tutorial's
// dx/dt = (x + t² − 2)/(t + 1), x(0) = 2 on [0, 5], on the Arenstorf orbit
// over one period and on Lorenz from (1, 1, 1) on [0, 20]; the same at
// rtol = atol = 1e-10 on the 100,000-dimensional decay x' = −x, x(0) = 1
// on [0, 1]; and classical RK4 with 1000 fixed steps on that decay, against
// a hand-written NumPy loop and against a hand-written Go loop (the
// practical limit of a general stepper).
//
// # Timing
//
// Both sides follow the same policy. For each case: one warm-up solve, then
// the number n of solves per sample is doubled until a sample lasts at least
// -sample-time (that sample counts as the first). The remaining samples are
// taken round-robin over the cases, so that a change of load on the shared
// machine falls on every case alike, and the fastest sample, divided by n,
// is reported: the minimum is the sample least disturbed by other work.
// run.sh alternates the two sides over several rounds, and the table keeps
// each case's fastest round, for the same reason across the two processes.
// The counts, errors and final states come from the last solve (the warm-up
// one on the SciPy side; solves are deterministic). windrose solves through
// one reused ode.Solver per case, as a program that solves repeatedly would.
package main
