// Package odetest is a conformance kit for ODE solvers and vector-field
// backends built on package ode.
//
// It is an ordinary exported package, in the spirit of gonum's
// integrate/testquad and blas/testblas: any solver, method or field
// implementation can import it from its own tests.
//
// # Problems
//
// Problems are field.Problem values: initial-value problems with a name and,
// when one is known, their exact solution. Decay, Rotation and
// Nonautonomous are small self-contained problems whose solutions are
// elementary functions; field.Problems is a larger catalogue of the same
// type.
//
// # Convergence
//
// ObservedOrder integrates a field.Problem with a fixed-step method on a sequence of
// step counts and fits the log-log slope of the final error against the step
// size; LogLogSlope is the fit on its own, for error-versus-tolerance studies.
//
// # Contracts
//
// Counter counts field evaluations independently of the solver's own Stats,
// and FieldEvals says how many a solve should make, from its stage count,
// step counts and FSAL reuse.
// Contract checks, on every evaluation, what ode.VectorField promises a field
// (equal lengths, no aliasing, times inside the span). CheckField checks what a
// field promises a solver (it writes all of dst, leaves x alone, is
// deterministic and keeps no state between calls), so a new backend of the
// same field can be checked against the contract and against a reference
// backend with CompareFields.
package odetest
