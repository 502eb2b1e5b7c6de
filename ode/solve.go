package ode

import "context"

// Solve integrates p with method m and the stepping chosen by s. It is the
// one-shot convenience over NewSolver(m, len(p.X0)).Solve(ctx, p, s): it
// allocates a Solver, and the Result is the caller's. Unlike NewSolver, it
// returns (rather than panics with) the error of m.Validate, so a tableau
// read from user input needs no recover. See Solver.Solve for the errors.
func Solve[T Float](ctx context.Context, p Problem[T], s *Settings, m *Tableau) (*Result[T], error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return NewSolver[T](m, len(p.X0)).Solve(ctx, p, s)
}
