// Euler runs the tutorial's example ODE
//
//	dx/dt = (x + t² − 2)/(t + 1),  x(0) = 2,  t in [0, 5],
//
// whose exact solution is x(t) = (t+1)² − 2(t+1)·ln(t+1) + 1, through
// windrose's solvers: Euler, Heun and classical RK4 with N = 10, 20, 50, 100,
// 200, 500 and 1000 fixed steps, and Dormand–Prince 5(4) with adaptive steps
// at rtol = 1e-3 … 1e-10 (atol = rtol·1e-3).
//
// It prints one row per run: the maximum error over the grid (the largest
// |x − exact| over every step's end point, t = 0 to t = 5 included), the
// number of field evaluations, and the observed order between the run and
// the one before it. For the fixed-step methods the order is measured
// against the step size, log(e_prev/e)/log(N/N_prev), and tends to 1, 2
// and 4; for Dormand–Prince it is measured against the work,
// log(e_prev/e)/log(evals/evals_prev), which tends to 5 for a 5th-order
// method (evaluations grow like h^−1). It then draws error against field
// evaluations on log-log axes into a PNG.
//
// Usage:
//
//	go run ./examples/euler [-out euler.png]
package main
