package field

// Lorenz is the Lorenz system (E. N. Lorenz, Deterministic nonperiodic flow,
// J. Atmos. Sci. 20 (1963) 130–141):
//
//	x' = σ (y − x),  y' = x (ρ − z) − y,  z' = x y − β z,
//
// on the state (x, y, z). At the paper's parameters σ = 10, ρ = 28, β = 8/3
// the flow is chaotic: nearby trajectories separate like exp(0.9 t) (the
// largest Lyapunov exponent is about 0.9), so no closed-form solution exists
// and long-time errors are amplified, not controlled.
type Lorenz struct {
	// Sigma, Rho and Beta are σ, ρ and β. Each zero value means the
	// classic value of Lorenz (1963): σ = 10, ρ = 28, β = 8/3, so Lorenz{}
	// is the classic system.
	Sigma, Rho, Beta float64
}

// Classic parameters of Lorenz (1963).
const (
	LorenzSigma = 10
	LorenzRho   = 28
	LorenzBeta  = 8.0 / 3
)

func (l Lorenz) params() (sigma, rho, beta float64) {
	sigma, rho, beta = l.Sigma, l.Rho, l.Beta
	if sigma == 0 {
		sigma = LorenzSigma
	}
	if rho == 0 {
		rho = LorenzRho
	}
	if beta == 0 {
		beta = LorenzBeta
	}
	return sigma, rho, beta
}

// Eval writes the Lorenz field into dst. The state must have three
// components.
func (l Lorenz) Eval(dst []float64, _ float64, x []float64) {
	if len(x) != 3 || len(dst) != 3 {
		panic("field: Lorenz needs a 3-element state (x, y, z)")
	}
	sigma, rho, beta := l.params()
	dst[0] = sigma * (x[1] - x[0])
	dst[1] = x[0]*(rho-x[2]) - x[1]
	dst[2] = x[0]*x[1] - beta*x[2]
}
