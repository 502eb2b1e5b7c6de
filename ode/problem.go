package ode

// Problem is an initial-value problem: integrate Field from (T0, X0) to T1.
// T1 < T0 integrates backward in time; T1 == T0 returns X0 after zero steps.
// The solver never writes to X0.
type Problem[T Float] struct {
	Field  VectorField[T]
	T0, T1 float64
	X0     []T
}
