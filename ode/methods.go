package ode

import (
	"fmt"
	"strings"
)

// The built-in methods. Each is validated by the package tests (and by
// NewSolver, which validates any tableau it is given). Treat them as read-only:
// they are shared by every Solver.
var (
	// Euler is the explicit (forward) Euler method, order 1.
	Euler = &Tableau{
		Name:  "euler",
		Order: 1,
		C:     []float64{0},
		A:     [][]float64{{}},
		B:     []float64{1},
	}

	// Heun is Heun's method (the explicit trapezoidal rule), order 2, with
	// the embedded explicit Euler solution (weights 1, 0) as a first-order
	// error estimate, so it can run adaptively (HNW I, II.1, Table 1.1; the
	// pair is the "Heun–Euler" 2(1) pair).
	Heun = &Tableau{
		Name:       "heun",
		Order:      2,
		ErrorOrder: 1,
		C:          []float64{0, 1},
		A:          [][]float64{{}, {1}},
		B:          []float64{1.0 / 2, 1.0 / 2},
		BErr:       []float64{1.0/2 - 1, 1.0 / 2}, // B − (1, 0)
	}

	// Midpoint is the explicit midpoint rule (Runge 1895), order 2.
	Midpoint = &Tableau{
		Name:  "midpoint",
		Order: 2,
		C:     []float64{0, 1.0 / 2},
		A:     [][]float64{{}, {1.0 / 2}},
		B:     []float64{0, 1},
	}

	// RK4 is the classical Runge–Kutta method of order 4 (Kutta 1901; HNW I,
	// II.1, Table 1.2, left), not Kutta's 3/8 rule.
	RK4 = &Tableau{
		Name:  "rk4",
		Order: 4,
		C:     []float64{0, 1.0 / 2, 1.0 / 2, 1},
		A: [][]float64{
			{},
			{1.0 / 2},
			{0, 1.0 / 2},
			{0, 0, 1},
		},
		B: []float64{1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6},
	}

	// BS3 is the Bogacki–Shampine 3(2) pair (P. Bogacki, L. F. Shampine, "A
	// 3(2) pair of Runge–Kutta formulas", Appl. Math. Lett. 2(4), 321–325,
	// 1989): order 3 with an embedded order-2 estimate, FSAL. It is the
	// method of MATLAB's ode23 and SciPy's RK23.
	BS3 = &Tableau{
		Name:       "bs3",
		Order:      3,
		ErrorOrder: 2,
		C:          []float64{0, 1.0 / 2, 3.0 / 4, 1},
		A: [][]float64{
			{},
			{1.0 / 2},
			{0, 3.0 / 4},
			{2.0 / 9, 1.0 / 3, 4.0 / 9},
		},
		B: []float64{2.0 / 9, 1.0 / 3, 4.0 / 9, 0},
		// B − B̂ with B̂ = (7/24, 1/4, 1/3, 1/8) from the paper.
		BErr: []float64{-5.0 / 72, 1.0 / 12, 1.0 / 9, -1.0 / 8},
		FSAL: true,
	}

	// DOPRI5 is the Dormand–Prince 5(4) pair (J. R. Dormand, P. J. Prince,
	// "A family of embedded Runge–Kutta formulae", J. Comput. Appl. Math.
	// 6(1), 19–26, 1980), coefficients as in HNW I, II.5, Table 5.2 and in
	// Hairer's code DOPRI5: order 5 (local extrapolation) with an embedded
	// order-4 estimate, FSAL. Its dense output is Shampine's 4th-order
	// continuous extension (L. F. Shampine, "Some practical Runge–Kutta
	// formulas", Math. Comp. 46(173), 135–150, 1986), the one in DOPRI5's
	// CONTD5 (HNW I, II.6). It is SciPy's RK45 and MATLAB's ode45.
	DOPRI5 = &Tableau{
		Name:       "dopri5",
		Order:      5,
		ErrorOrder: 4,
		C:          []float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
		A: [][]float64{
			{},
			{1.0 / 5},
			{3.0 / 40, 9.0 / 40},
			{44.0 / 45, -56.0 / 15, 32.0 / 9},
			{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
			{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
			{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
		},
		B: []float64{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
		// E1…E7 of DOPRI5: B − B̂ with B̂ = (5179/57600, 0, 7571/16695,
		// 393/640, −92097/339200, 187/2100, 1/40).
		BErr: []float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40},
		FSAL: true,
		Dense: &Interpolant{
			Order: 4,
			// Shampine's extension in DOPRI5 is written as
			//   y0 + θ(Δ + (1−θ)(hk1 − Δ + θ(2Δ − hk1 − hk7 + (1−θ)·h·Σ d_i k_i)))
			// with Δ = y1 − y0 and d = (−12715105075/11282082432, 0,
			// 87487479700/32700410799, −10690763975/1880347072,
			// 701980252875/199316789632, −1453857185/822651844,
			// 69997945/29380423). Expanding in powers of θ, exactly in
			// rational arithmetic, gives these rows (the same numbers as
			// SciPy's RK45 P matrix); TestDOPRI5DenseMatchesHairer re-derives
			// them from d numerically.
			Coef: [][]float64{
				{1, -8048581381.0 / 2820520608, 8663915743.0 / 2820520608, -12715105075.0 / 11282082432},
				{0, 0, 0, 0},
				{0, 131558114200.0 / 32700410799, -68118460800.0 / 10900136933, 87487479700.0 / 32700410799},
				{0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304, -10690763975.0 / 1880347072},
				{0, 127303824393.0 / 49829197408, -318862633887.0 / 49829197408, 701980252875.0 / 199316789632},
				{0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844},
				{0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423},
			},
		},
	}

	// Tsit5 is Tsitouras' 5(4) pair (Ch. Tsitouras, "Runge–Kutta pairs of
	// order 5(4) satisfying only the first column simplifying assumption",
	// Comput. Math. Appl. 62(2), 770–775, 2011), FSAL, with its free 4th-order
	// interpolant. The coefficients are irrational (roots of the order
	// conditions), so they are the paper's values to double precision, as
	// tabulated by OrdinaryDiffEq.jl (Tsit5ConstantCache, Tsit5Interp); the
	// tests check that they satisfy the order conditions to about 1e-15.
	Tsit5 = &Tableau{
		Name:       "tsit5",
		Order:      5,
		ErrorOrder: 4,
		C:          []float64{0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1},
		A: [][]float64{
			{},
			{0.161},
			{-0.008480655492356989, 0.335480655492357},
			{2.8971530571054935, -6.359448489975075, 4.3622954328695815},
			{5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525},
			{5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383},
			{0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774},
		},
		B: []float64{0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0},
		BErr: []float64{
			-0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995,
			-0.1447110071732629, 0.5823571654525552, -0.45808210592918697, 1.0 / 66,
		},
		FSAL: true,
		Dense: &Interpolant{
			Order: 4,
			Coef: [][]float64{
				{1, -2.763706197274826, 2.9132554618219126, -1.0530884977290216},
				{0, 0.13169999999999998, -0.2234, 0.1017},
				{0, 3.9302962368947516, -5.941033872131505, 2.490627285651253},
				{0, -12.411077166933676, 30.33818863028232, -16.548102889244902},
				{0, 37.50931341651104, -88.1789048947664, 47.37952196281928},
				{0, -27.896526289197286, 65.09189467479366, -34.87065786149661},
				{0, 1.5, -4, 2.5},
			},
		},
	}
)

// Methods returns the built-in methods, lowest order first. The slice is new
// on every call; the tableaus are shared.
func Methods() []*Tableau {
	return []*Tableau{Euler, Heun, Midpoint, RK4, BS3, DOPRI5, Tsit5}
}

// MethodByName returns the built-in method with the given name
// (case-insensitive), or an error listing the valid names.
func MethodByName(name string) (*Tableau, error) {
	var names []string
	for _, m := range Methods() {
		if strings.EqualFold(m.Name, name) {
			return m, nil
		}
		names = append(names, m.Name)
	}
	return nil, fmt.Errorf("ode: unknown method %q (want one of %s)", name, strings.Join(names, ", "))
}
