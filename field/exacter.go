package field

// Exacter is implemented by the fields whose initial-value problems have a
// closed-form solution.
type Exacter interface {
	// Exact writes into dst the solution at time t of the initial-value
	// problem x(t0) = x0. len(dst) == len(x0); dst and x0 may be the same
	// slice.
	Exact(dst []float64, t, t0 float64, x0 []float64)
}
