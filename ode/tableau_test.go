package ode

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinsValidate(t *testing.T) {
	for _, m := range Methods() {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
}

func TestMethodByName(t *testing.T) {
	for _, m := range Methods() {
		got, err := MethodByName(strings.ToUpper(m.Name))
		if err != nil || got != m {
			t.Errorf("MethodByName(%q) = %v, %v, want %s", strings.ToUpper(m.Name), got, err, m.Name)
		}
	}
	if _, err := MethodByName("rk45"); err == nil || !strings.Contains(err.Error(), "dopri5") {
		t.Errorf("MethodByName(rk45): error %v, want one listing the names", err)
	}
	names := map[string]bool{}
	for _, m := range Methods() {
		if names[m.Name] || m.Name != strings.ToLower(m.Name) {
			t.Errorf("name %q duplicated or not lower case", m.Name)
		}
		names[m.Name] = true
	}
}

// TestRootedTrees checks the tree enumeration against OEIS A000081 (number of
// rooted trees with n nodes) and the densities of the trees of order ≤ 4
// against HNW I, II.2, Table 2.1.
func TestRootedTrees(t *testing.T) {
	trees := rootedTrees(8)
	count := make([]int, 9)
	for _, tr := range trees {
		count[tr.order]++
	}
	if want := []int{0, 1, 1, 2, 4, 9, 20, 48, 115}; !slices.Equal(count, want) {
		t.Errorf("trees per order = %v, want %v", count[1:], want[1:])
	}
	gammas := map[int][]float64{}
	for _, tr := range trees {
		gammas[tr.order] = append(gammas[tr.order], tr.gamma)
	}
	for order, want := range map[int][]float64{1: {1}, 2: {2}, 3: {3, 6}, 4: {4, 8, 12, 24}} {
		got := slices.Sorted(slices.Values(gammas[order]))
		if !slices.Equal(got, want) {
			t.Errorf("densities of order %d = %v, want %v", order, got, want)
		}
	}
}

// orderResidual returns the largest |Σ b_i Φ_i(τ) − 1/γ(τ)| over the trees of
// exactly order p.
func orderResidual(tab *Tableau, b []float64, p int) float64 {
	trees := rootedTrees(p)
	phi := elementaryWeights(tab.A, trees)
	worst := 0.0
	for n, tr := range trees {
		if tr.order != p {
			continue
		}
		sum := 0.0
		for i := range b {
			sum += b[i] * phi[n][i]
		}
		worst = max(worst, math.Abs(sum-1/tr.gamma))
	}
	return worst
}

// TestOrderConditions checks, more tightly than Validate, that every built-in
// method's weights satisfy the order conditions up to its Order and its
// embedded weights up to its ErrorOrder, and that the next order fails, so
// Order is neither overstated nor understated. The rational methods meet
// their conditions to a few ulp; Tsit5's decimal coefficients (|a| up to 13,
// 16 significant digits) leave a measured worst residual of 1.0e-14 at order
// 5, hence 5e-14. A failing condition misses by far more (checked > 1e-6).
func TestOrderConditions(t *testing.T) {
	const tol, fail = 5e-14, 1e-6
	for _, m := range Methods() {
		check := func(which string, b []float64, order int) {
			for p := 1; p <= order; p++ {
				if r := orderResidual(m, b, p); r > tol {
					t.Errorf("%s %s: order-%d residual %g > %g", m.Name, which, p, r, tol)
				}
			}
			if r := orderResidual(m, b, order+1); r < fail {
				t.Errorf("%s %s: order-%d conditions hold (residual %g): Order %d understated", m.Name, which, order+1, r, order)
			}
		}
		check("B", m.B, m.Order)
		if m.BErr != nil {
			bhat := make([]float64, len(m.B))
			for i := range bhat {
				bhat[i] = m.B[i] - m.BErr[i]
			}
			check("B-BErr", bhat, m.ErrorOrder)
		}
		for i, row := range m.A {
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			if math.Abs(sum-m.C[i]) > tol {
				t.Errorf("%s: row %d sums to %v, C = %v", m.Name, i, sum, m.C[i])
			}
		}
	}
}

// TestDenseOrder checks the interpolants: b_i(θ) satisfies the continuous
// order conditions Σ b_i(θ)Φ_i(τ) = θ^|τ|/γ(τ) up to Dense.Order at sample
// points θ, evaluated by Horner independently of Validate's coefficient test.
func TestDenseOrder(t *testing.T) {
	for _, m := range []*Tableau{DOPRI5, Tsit5} {
		trees := rootedTrees(m.Dense.Order)
		phi := elementaryWeights(m.A, trees)
		for _, theta := range []float64{0, 0.1, 0.37, 0.5, 0.81, 1} {
			for n, tr := range trees {
				sum := 0.0
				for i, row := range m.Dense.Coef {
					b := 0.0
					for j := len(row) - 1; j >= 0; j-- {
						b = (b + row[j]) * theta
					}
					sum += b * phi[n][i]
				}
				want := math.Pow(theta, float64(tr.order)) / tr.gamma
				// 1e-13: residuals are rounding in Σ of terms up to ~90·θ³
				// (Tsit5's row 5).
				if math.Abs(sum-want) > 1e-13 {
					t.Errorf("%s: θ=%v tree %s: %v, want %v", m.Name, theta, tr, sum, want)
				}
			}
		}
	}
}

// TestDOPRI5DenseMatchesHairer re-derives the DOPRI5 interpolant from the
// form used in Hairer's DOPRI5 (CONTD5) with Shampine's coefficients d_i:
//
//	y(θ) = y0 + θΔ + θ(1−θ)(hk1 − Δ) + θ²(1−θ)(2Δ − hk1 − hk7) + θ²(1−θ)²·h·Σ d_i k_i,
//
// Δ = h·Σ b_i k_i, so b_i(θ) = θb_i + θ(1−θ)(δ_i1 − b_i) +
// θ²(1−θ)(2b_i − δ_i1 − δ_i7) + θ²(1−θ)²d_i.
func TestDOPRI5DenseMatchesHairer(t *testing.T) {
	d := []float64{-12715105075.0 / 11282082432, 0, 87487479700.0 / 32700410799,
		-10690763975.0 / 1880347072, 701980252875.0 / 199316789632,
		-1453857185.0 / 822651844, 69997945.0 / 29380423}
	for _, theta := range []float64{0.1, 0.25, 0.5, 0.9} {
		om := 1 - theta
		for i, row := range DOPRI5.Dense.Coef {
			var d1, d7 float64
			if i == 0 {
				d1 = 1
			}
			if i == 6 {
				d7 = 1
			}
			b := DOPRI5.B[i]
			want := theta*b + theta*om*(d1-b) + theta*theta*om*(2*b-d1-d7) + theta*theta*om*om*d[i]
			got := 0.0
			for j := len(row) - 1; j >= 0; j-- {
				got = (got + row[j]) * theta
			}
			if math.Abs(got-want) > 1e-14 {
				t.Errorf("θ=%v: b_%d = %v, Hairer's form gives %v", theta, i, got, want)
			}
		}
	}
}

func cloneTableau(m *Tableau) *Tableau {
	c := *m
	c.C = slices.Clone(m.C)
	c.B = slices.Clone(m.B)
	c.BErr = slices.Clone(m.BErr)
	c.A = make([][]float64, len(m.A))
	for i := range m.A {
		c.A[i] = slices.Clone(m.A[i])
	}
	if m.Dense != nil {
		d := *m.Dense
		d.Coef = make([][]float64, len(m.Dense.Coef))
		for i := range d.Coef {
			d.Coef[i] = slices.Clone(m.Dense.Coef[i])
		}
		c.Dense = &d
	}
	return &c
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Tableau)
		base   *Tableau
		want   error
		reason string // substring of the message
	}{
		{"no stages", func(m *Tableau) { m.C, m.A, m.B = nil, nil, nil }, RK4, ErrTableauShape, "no stages"},
		{"order 0", func(m *Tableau) { m.Order = 0 }, RK4, ErrTableauShape, "Order = 0"},
		{"A rows", func(m *Tableau) { m.A = m.A[:3] }, RK4, ErrTableauShape, "A has 3 rows"},
		{"A not lower triangular", func(m *Tableau) { m.A[1] = []float64{0.5, 0} }, RK4, ErrTableauShape, "row 1 of A has 2 entries"},
		{"len B", func(m *Tableau) { m.B = m.B[:3] }, RK4, ErrTableauShape, "len(B) = 3"},
		{"len BErr", func(m *Tableau) { m.BErr = m.BErr[:2] }, BS3, ErrTableauShape, "len(BErr) = 2"},
		{"ErrorOrder without BErr", func(m *Tableau) { m.ErrorOrder = 3 }, RK4, ErrTableauShape, "without BErr"},
		{"BErr without ErrorOrder", func(m *Tableau) { m.ErrorOrder = 0 }, BS3, ErrTableauShape, "ErrorOrder = 0"},
		{"NaN", func(m *Tableau) { m.A[2][1] = math.NaN() }, RK4, ErrTableauShape, "A[2][1] = NaN"},
		{"Inf in B", func(m *Tableau) { m.B[0] = math.Inf(1) }, RK4, ErrTableauShape, "B[0] = +Inf"},
		{"row sum", func(m *Tableau) { m.C[2] = 0.4 }, RK4, ErrTableauRowSum, "row 2 of A sums to 0.5"},
		{"sum B", func(m *Tableau) { m.B[0] = 0.2 }, RK4, ErrTableauWeights, "sum of B"},
		{"sum BErr", func(m *Tableau) { m.BErr[3] = 0.125 }, BS3, ErrTableauErrWeights, "sum of BErr"},
		{"FSAL without C=1", func(m *Tableau) { m.FSAL = true }, Midpoint, ErrTableauFSAL, "C[1] = 0.5, want 1"},
		{"FSAL with B[last] != 0", func(m *Tableau) { m.FSAL = true }, RK4, ErrTableauFSAL, "B[3]"},
		{"FSAL last row differs from B", func(m *Tableau) {
			// Move weight between B[0] and B[1] (sums unchanged) so only the
			// FSAL rule can catch it.
			m.B[0] += 0.01
			m.B[1] -= 0.01
		}, BS3, ErrTableauFSAL, "A[3][0]"},
		{"one-stage FSAL", func(m *Tableau) { m.FSAL = true }, Euler, ErrTableauFSAL, "one-stage"},
		{"order overstated", func(m *Tableau) { m.Order = 5 }, RK4, ErrTableauOrder, "order 5"},
		{"weights of order 1 only", func(m *Tableau) {
			m.B[0] += 0.1
			m.B[3] -= 0.1
		}, RK4, ErrTableauOrder, "order 2"},
		{"embedded order overstated", func(m *Tableau) { m.ErrorOrder = 5 }, DOPRI5, ErrTableauOrder, "B-BErr"},
		{"Tsit5 coefficient typo", func(m *Tableau) {
			m.A[4][1] += 1e-6
			m.A[4][0] -= 1e-6 // keep the row sum
		}, Tsit5, ErrTableauOrder, "order"},
		{"dense rows", func(m *Tableau) { m.Dense.Coef = m.Dense.Coef[:6] }, DOPRI5, ErrTableauDense, "6 rows"},
		{"dense row length", func(m *Tableau) { m.Dense.Coef[3] = m.Dense.Coef[3][:3] }, Tsit5, ErrTableauDense, "row 3"},
		{"dense end point", func(m *Tableau) { m.Dense.Coef[2][3] += 1e-3 }, DOPRI5, ErrTableauDense, "b_2(1)"},
		{"dense order overstated", func(m *Tableau) { m.Dense.Order = 5 }, DOPRI5, ErrTableauDense, "degree 4 cannot have order 5"},
		{"dense order conditions", func(m *Tableau) {
			// Move weight within row 0 so b_0(1) = B[0] still holds.
			m.Dense.Coef[0][1] += 1e-3
			m.Dense.Coef[0][2] -= 1e-3
		}, Tsit5, ErrTableauDense, "tree"},
		{"dense order 0", func(m *Tableau) { m.Dense.Order = 0 }, Tsit5, ErrTableauDense, "Dense.Order = 0"},
	}
	for _, tc := range tests {
		m := cloneTableau(tc.base)
		tc.modify(m)
		err := m.Validate()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Validate() = %v, want %v", tc.name, err, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: Validate() = %q, want it to mention %q", tc.name, err, tc.reason)
		}
		if !strings.HasPrefix(err.Error(), "ode: ") {
			t.Errorf("%s: message %q lacks the ode: prefix", tc.name, err)
		}
	}
	var nilTab *Tableau
	if err := nilTab.Validate(); !errors.Is(err, ErrTableauShape) {
		t.Errorf("nil tableau: %v", err)
	}
	// The originals are untouched by the clones.
	TestBuiltinsValidate(t)
}
