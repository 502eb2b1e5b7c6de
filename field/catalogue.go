package field

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Problems returns the catalogue of analytic problems with their canonical
// spans and initial values, in this order (names as the CLI spells them):
//
//   - "tutorial": Tutorial, x(0) = 2 on [0, 5], the tutorial's own setup;
//   - "decay": Decay{Rate: 1}, x(0) = 1 on [0, 2];
//   - "linear": Linear with A = [−0.1 −2 0; 2 −0.1 0; 0.5 0 −1], x(0) = (1, 0, 1)
//     on [0, 5]; A has eigenvalues −0.1 ± 2i and −1 and is not normal (the
//     0.5 couples the damped rotation into the third component);
//   - "oscillator": Oscillator{Omega: 2}, (q, p)(0) = (1, 0) on [0, 10],
//     a little over three periods;
//   - "lorenz": Lorenz{} (σ = 10, ρ = 28, β = 8/3) from (1, 1, 1) on [0, 20],
//     the span SciPy parity is measured on;
//   - "arenstorf": Arenstorf{} from ArenstorfX0 over one period
//     [0, ArenstorfPeriod] (HNW I, II.0);
//   - "vanderpol": VanDerPol{Mu: 1} from (2, 0) on [0, 20], the setup of
//     MATLAB's classic non-stiff demo vdp1.
//
// Exact is set for the problems with closed-form solutions. For "arenstorf"
// only the value after the period is known (it equals X0): its Exact accepts
// t = T0 and t = T1 and panics for any other time. "lorenz" and "vanderpol"
// have Exact == nil. Each call returns fresh values that the caller owns.
func Problems() []Problem {
	a := mat.NewDense(3, 3, []float64{
		-0.1, -2, 0,
		2, -0.1, 0,
		0.5, 0, -1,
	})
	ps := []Problem{
		withExact("tutorial", Tutorial{}, 0, 5, []float64{2}),
		withExact("decay", Decay{Rate: 1}, 0, 2, []float64{1}),
		withExact("linear", Linear{A: a}, 0, 5, []float64{1, 0, 1}),
		withExact("oscillator", Oscillator{Omega: 2}, 0, 10, []float64{1, 0}),
		{Name: "lorenz", Field: Lorenz{}, T0: 0, T1: 20, X0: []float64{1, 1, 1}},
		arenstorfProblem(),
		{Name: "vanderpol", Field: VanDerPol{Mu: 1}, T0: 0, T1: 20, X0: []float64{2, 0}},
	}
	return ps
}

// ProblemByName returns the catalogue problem with the given name, or an
// error that lists the known names.
func ProblemByName(name string) (Problem, error) {
	ps := Problems()
	names := make([]string, len(ps))
	for i, p := range ps {
		if p.Name == name {
			return p, nil
		}
		names[i] = p.Name
	}
	return Problem{}, fmt.Errorf("field: unknown problem %q (known: %s)", name, strings.Join(names, ", "))
}

// exactField is a field with a closed-form solution.
type exactField interface {
	Exacter
	Eval(dst []float64, t float64, x []float64)
}

func withExact(name string, f exactField, t0, t1 float64, x0 []float64) Problem {
	init := append([]float64(nil), x0...)
	return Problem{
		Name:  name,
		Field: f,
		T0:    t0,
		T1:    t1,
		X0:    x0,
		Exact: func(dst []float64, t float64) { f.Exact(dst, t, t0, init) },
	}
}

func arenstorfProblem() Problem {
	x0 := ArenstorfX0()
	init := ArenstorfX0()
	return Problem{
		Name:  "arenstorf",
		Field: Arenstorf{},
		T0:    0,
		T1:    ArenstorfPeriod,
		X0:    x0,
		Exact: func(dst []float64, t float64) {
			if t != 0 && t != ArenstorfPeriod {
				panic(fmt.Sprintf("field: the Arenstorf orbit's exact value is known only at t = 0 and after one period, not at t = %v", t))
			}
			copy(dst, init)
		},
	}
}
