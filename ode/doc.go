// Package ode solves initial-value problems dx/dt = f(t, x) with explicit
// Runge–Kutta methods.
package ode
