// Package field provides ready-made vector fields for package ode: the
// analytic test problems of the numerical-ODE literature, and adapters that
// change how a field is presented to a solver.
//
// # Fields
//
// Every field is a small struct whose Eval method implements
// ode.VectorField[float64]; its parameters are exported fields, and each type's
// documentation says what a zero parameter means and where the equations and
// constants come from:
//
//   - Tutorial: dx/dt = (x + t² − 2)/(t + 1), the example of the flow-matching
//     tutorial this project grew from, with its closed-form solution;
//   - Decay: exponential decay x' = −k x;
//   - Linear: a constant-coefficient linear system x' = A x, solved exactly
//     through the matrix exponential;
//   - Oscillator: the harmonic oscillator d²q/dt² = −ω² q;
//   - Lorenz: the Lorenz (1963) system, chaotic at its classic parameters;
//   - Arenstorf: the restricted three-body problem with the periodic orbit of
//     Hairer, Nørsett & Wanner, Solving ODEs I, Section II.0;
//   - VanDerPol: the Van der Pol oscillator.
//
// Fields with a closed-form solution also implement Exacter, whose Exact
// method writes the solution at t of the problem x(t0) = x0 into dst.
//
// # Adapters
//
// Reverse turns a field into its time reversal, so a solver that only steps
// forward can integrate backward. Float32 and Float64 change the element type
// a field is seen with, so
// a float64 analytic problem can exercise a float32 solver path against its
// exact solution, and a float32 field can run inside a float64 solver.
//
// # Catalogue
//
// Problems returns each field with its canonical span and initial value, as
// Problem values with their exact solutions where known; the CLI looks them
// up with ProblemByName. Package ode/odetest measures convergence orders on
// them.
//
// # Buffers and allocation
//
// Eval writes into dst, which a solver reuses across steps; no Eval in this
// package allocates, and none keeps dst or x after it returns. Fields with
// parameters only are safe for concurrent use; Float32 and Float64 keep
// conversion buffers and are not.
package field
