package ode

import (
	"errors"
	"fmt"
	"math"
)

// Tableau is an explicit Runge–Kutta method as data (its Butcher tableau).
// One stepper runs every Tableau, so a new method is a literal of this type;
// Validate says what is wrong with a malformed one.
//
// A step of size h from (t, x) evaluates the stages
//
//	k_i = f(t + C[i]·h, x + h·Σ_{j<i} A[i][j]·k_j),   i = 0, …, s−1,
//
// and advances to x_new = x + h·Σ_i B[i]·k_i. When BErr is set, the local
// error estimate is h·Σ_i BErr[i]·k_i, the difference between the propagated
// solution and the embedded one (weights B − BErr).
type Tableau struct {
	// Name is a short lower-case name, as used by MethodByName and the CLI.
	Name string
	// Order is the order of the propagated solution (weights B).
	Order int
	// ErrorOrder is the order of the embedded solution (weights B − BErr);
	// 0 when there is none.
	ErrorOrder int
	// C holds the nodes, len s.
	C []float64
	// A is strictly lower triangular: s rows, row i has exactly i entries.
	A [][]float64
	// B holds the weights of the propagated solution, len s.
	B []float64
	// BErr = B − B̂ holds the error-estimate weights; nil when the method has
	// no embedded solution (then it can only run with fixed steps).
	BErr []float64
	// FSAL (first same as last) means the last stage is f(t+h, x_new): its
	// last row of A equals B and C[s−1] == 1, so the stage is reused as the
	// first stage of the next step.
	FSAL bool
	// Dense is the method's own continuous extension; nil means dense output
	// uses the cubic Hermite interpolant through the step's end points and
	// their derivatives.
	Dense *Interpolant
}

// Interpolant is a continuous extension of a Runge–Kutta step:
//
//	x(t + θh) = x + h·Σ_i b_i(θ)·k_i,   b_i(θ) = Σ_j Coef[i][j]·θ^(j+1),  0 ≤ θ ≤ 1,
//
// with the stages k_i of the step. At θ = 1 it must reproduce the step, so
// Σ_j Coef[i][j] == B[i].
type Interpolant struct {
	// Order is the order of the interpolant: its local error is O(h^(Order+1))
	// uniformly in θ.
	Order int
	// Coef has one row per stage; every row has the same length, the degree
	// of the polynomials b_i.
	Coef [][]float64
}

// Errors wrapped by Tableau.Validate, one per rule, so that a caller (or a
// test) can tell which rule a tableau broke with errors.Is.
var (
	ErrTableauShape      = errors.New("ode: malformed tableau shape")
	ErrTableauRowSum     = errors.New("ode: tableau row sum of A differs from C")
	ErrTableauWeights    = errors.New("ode: tableau weights B do not sum to 1")
	ErrTableauErrWeights = errors.New("ode: tableau error weights BErr do not sum to 0")
	ErrTableauFSAL       = errors.New("ode: tableau is marked FSAL but is not")
	ErrTableauOrder      = errors.New("ode: tableau fails an order condition")
	ErrTableauDense      = errors.New("ode: tableau interpolant is inconsistent")
)

// validateTol is the relative tolerance of every numerical check in Validate.
// The built-in tableaus meet their conditions to about 1e-15 (checked more
// tightly in the tests); 1e-10 leaves room for coefficients published with
// 12 significant digits while still catching any typo, which moves a
// condition by far more.
const validateTol = 1e-10

// maxCheckedOrder bounds the order conditions that Validate evaluates: the
// trees up to order 8 number 1+1+2+4+9+20+48+115 = 200, cheap to check.
// Higher orders are accepted but checked only up to this bound.
const maxCheckedOrder = 8

// Validate reports whether tab is a well-formed explicit Runge–Kutta method.
// It checks, in this order: shapes (s ≥ 1 stages; len(C) == len(B) == s; A has
// s rows and row i has i entries; BErr is nil or has length s; ErrorOrder is 0
// exactly when BErr is nil; Order ≥ 1; all values finite), the row sums of A
// against C, Σ B == 1, Σ BErr == 0, FSAL consistency (last row of A equals B,
// B[s−1] == 0, C[s−1] == 1), the order conditions of B up to Order and of
// B − BErr up to ErrorOrder (Butcher's rooted-tree conditions, up to order 8),
// and the interpolant (shape, b_i(1) == B[i], continuous order conditions up
// to Dense.Order). The returned error wraps one of the ErrTableau* values and
// names the offending entry.
func (tab *Tableau) Validate() error {
	if tab == nil {
		return fmt.Errorf("%w: nil tableau", ErrTableauShape)
	}
	name := tab.Name
	shape := func(format string, args ...any) error {
		return fmt.Errorf("%w: %q: %s", ErrTableauShape, name, fmt.Sprintf(format, args...))
	}
	s := len(tab.C)
	switch {
	case s == 0:
		return shape("no stages (len(C) == 0)")
	case tab.Order < 1:
		return shape("Order = %d, want >= 1", tab.Order)
	case len(tab.A) != s:
		return shape("A has %d rows, want len(C) = %d", len(tab.A), s)
	case len(tab.B) != s:
		return shape("len(B) = %d, want len(C) = %d", len(tab.B), s)
	case tab.BErr != nil && len(tab.BErr) != s:
		return shape("len(BErr) = %d, want len(C) = %d", len(tab.BErr), s)
	case tab.BErr == nil && tab.ErrorOrder != 0:
		return shape("ErrorOrder = %d without BErr", tab.ErrorOrder)
	case tab.BErr != nil && tab.ErrorOrder < 1:
		return shape("BErr set but ErrorOrder = %d, want >= 1", tab.ErrorOrder)
	}
	for i, row := range tab.A {
		if len(row) != i {
			return shape("row %d of A has %d entries, want %d (strictly lower triangular)", i, len(row), i)
		}
		for j, v := range row {
			if !isFinite(v) {
				return shape("A[%d][%d] = %v is not finite", i, j, v)
			}
		}
	}
	for _, v := range [...]struct {
		name string
		x    []float64
	}{{"C", tab.C}, {"B", tab.B}, {"BErr", tab.BErr}} {
		for i, x := range v.x {
			if !isFinite(x) {
				return shape("%s[%d] = %v is not finite", v.name, i, x)
			}
		}
	}

	for i, row := range tab.A {
		sum, abs := 0.0, 0.0
		for _, v := range row {
			sum += v
			abs += math.Abs(v)
		}
		if !near(sum, tab.C[i], abs) {
			return fmt.Errorf("%w: %q: row %d of A sums to %v, want C[%d] = %v",
				ErrTableauRowSum, name, i, sum, i, tab.C[i])
		}
	}
	if sum, abs := sumAbs(tab.B); !near(sum, 1, abs) {
		return fmt.Errorf("%w: %q: sum of B = %v", ErrTableauWeights, name, sum)
	}
	if tab.BErr != nil {
		if sum, abs := sumAbs(tab.BErr); !near(sum, 0, abs) {
			return fmt.Errorf("%w: %q: sum of BErr = %v", ErrTableauErrWeights, name, sum)
		}
	}
	if tab.FSAL {
		last := tab.A[s-1]
		if s < 2 {
			return fmt.Errorf("%w: %q: a one-stage method cannot be FSAL", ErrTableauFSAL, name)
		}
		if tab.C[s-1] != 1 {
			return fmt.Errorf("%w: %q: C[%d] = %v, want 1", ErrTableauFSAL, name, s-1, tab.C[s-1])
		}
		if tab.B[s-1] != 0 {
			return fmt.Errorf("%w: %q: B[%d] = %v, want 0 (the last stage is evaluated at x_new)",
				ErrTableauFSAL, name, s-1, tab.B[s-1])
		}
		for j, v := range last {
			if v != tab.B[j] {
				return fmt.Errorf("%w: %q: A[%d][%d] = %v differs from B[%d] = %v",
					ErrTableauFSAL, name, s-1, j, v, j, tab.B[j])
			}
		}
	}

	trees := rootedTrees(min(max(tab.Order, tab.ErrorOrder, denseOrder(tab.Dense)), maxCheckedOrder))
	phi := elementaryWeights(tab.A, trees)
	if err := checkOrder(name, "B", tab.B, tab.Order, trees, phi); err != nil {
		return err
	}
	if tab.BErr != nil {
		bhat := make([]float64, s)
		for i := range bhat {
			bhat[i] = tab.B[i] - tab.BErr[i]
		}
		if err := checkOrder(name, "B-BErr", bhat, tab.ErrorOrder, trees, phi); err != nil {
			return err
		}
	}
	if tab.Dense != nil {
		return checkDense(name, tab, trees, phi)
	}
	return nil
}

func denseOrder(d *Interpolant) int {
	if d == nil {
		return 0
	}
	return d.Order
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func sumAbs(x []float64) (sum, abs float64) {
	for _, v := range x {
		sum += v
		abs += math.Abs(v)
	}
	return sum, abs
}

// near reports whether got == want within validateTol relative to scale, the
// sum of the magnitudes of the terms that made got (so cancellation in a sum
// of large coefficients does not fail a correct tableau), and never tighter
// than validateTol absolutely.
func near(got, want, scale float64) bool {
	return math.Abs(got-want) <= validateTol*max(1, scale, math.Abs(want))
}

func checkOrder(name, which string, b []float64, order int, trees []*tree, phi [][]float64) error {
	for n, t := range trees {
		if t.order > order {
			break
		}
		sum, abs := 0.0, 0.0
		for i, bi := range b {
			sum += bi * phi[n][i]
			abs += math.Abs(bi * phi[n][i])
		}
		if want := 1 / t.gamma; !near(sum, want, abs) {
			return fmt.Errorf("%w: %q: weights %s, tree %s of order %d: sum b_i Phi_i = %v, want 1/gamma = %v",
				ErrTableauOrder, name, which, t, t.order, sum, want)
		}
	}
	return nil
}

// checkDense checks the continuous extension. The condition of order q for
// tree τ is Σ_i b_i(θ)·Φ_i(τ) = θ^|τ|/γ(τ) for all θ (HNW I, II.6, Thm 6.1);
// both sides are polynomials in θ, so it holds exactly when the coefficients
// of every power θ^m agree: Σ_i Coef[i][m−1]·Φ_i(τ) = [m == |τ|]/γ(τ).
func checkDense(name string, tab *Tableau, trees []*tree, phi [][]float64) error {
	d := tab.Dense
	s := len(tab.C)
	if len(d.Coef) != s {
		return fmt.Errorf("%w: %q: Dense.Coef has %d rows, want %d", ErrTableauDense, name, len(d.Coef), s)
	}
	deg := len(d.Coef[0])
	if deg == 0 {
		return fmt.Errorf("%w: %q: Dense.Coef rows are empty", ErrTableauDense, name)
	}
	if d.Order < 1 {
		return fmt.Errorf("%w: %q: Dense.Order = %d, want >= 1", ErrTableauDense, name, d.Order)
	}
	for i, row := range d.Coef {
		if len(row) != deg {
			return fmt.Errorf("%w: %q: Dense.Coef row %d has %d entries, want %d", ErrTableauDense, name, i, len(row), deg)
		}
		sum, abs := 0.0, 0.0
		for j, v := range row {
			if !isFinite(v) {
				return fmt.Errorf("%w: %q: Dense.Coef[%d][%d] = %v is not finite", ErrTableauDense, name, i, j, v)
			}
			sum += v
			abs += math.Abs(v)
		}
		if !near(sum, tab.B[i], abs) {
			return fmt.Errorf("%w: %q: b_%d(1) = %v, want B[%d] = %v", ErrTableauDense, name, i, sum, i, tab.B[i])
		}
	}
	for n, t := range trees {
		if t.order > d.Order {
			break
		}
		if t.order > deg {
			return fmt.Errorf("%w: %q: polynomials of degree %d cannot have order %d", ErrTableauDense, name, deg, d.Order)
		}
		for m := 1; m <= deg; m++ {
			sum, abs := 0.0, 0.0
			for i := range s {
				v := d.Coef[i][m-1] * phi[n][i]
				sum += v
				abs += math.Abs(v)
			}
			want := 0.0
			if m == t.order {
				want = 1 / t.gamma
			}
			if !near(sum, want, abs) {
				return fmt.Errorf("%w: %q: tree %s of order %d, coefficient of theta^%d: %v, want %v",
					ErrTableauDense, name, t, t.order, m, sum, want)
			}
		}
	}
	return nil
}
