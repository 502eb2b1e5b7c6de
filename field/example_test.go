package field_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// The tutorial's ODE dx/dt = (x + t² − 2)/(t + 1) from x(0) = 2, solved on
// [0, 5] with Euler's method as in the tutorial and with classical RK4, and
// compared with the closed-form solution.
func ExampleTutorial() {
	p := ode.Problem[float64]{Field: field.Tutorial{}, T0: 0, T1: 5, X0: []float64{2}}
	exact := make([]float64, 1)
	field.Tutorial{}.Exact(exact, 5, 0, []float64{2})
	for _, m := range []*ode.Tableau{ode.Euler, ode.RK4} {
		res, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 50}, m)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-5s x(5) = %.4f\n", m.Name, res.X[0])
	}
	fmt.Printf("exact x(5) = %.4f\n", exact[0])
	// Output:
	// euler x(5) = 14.9386
	// rk4   x(5) = 15.4989
	// exact x(5) = 15.4989
}

// Reverse integrates backward with a solver that steps forward: from the
// tutorial's x(5), integrating Reverse{Tutorial} over s ∈ [−5, 0] returns to
// x(0) = 2.
func ExampleReverse() {
	x5 := make([]float64, 1)
	field.Tutorial{}.Exact(x5, 5, 0, []float64{2})
	p := ode.Problem[float64]{
		Field: field.Reverse[float64]{Field: field.Tutorial{}},
		T0:    -5, T1: 0,
		X0: x5,
	}
	res, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 100}, ode.RK4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x(0) = %.6f\n", res.X[0])
	// Output:
	// x(0) = 2.000000
}

// The catalogue's Arenstorf orbit returns to its initial value after one
// period; DOPRI5 at a tight tolerance closes it.
func ExampleProblemByName() {
	p, err := field.ProblemByName("arenstorf")
	if err != nil {
		log.Fatal(err)
	}
	res, err := ode.Solve(context.Background(), p.ODE(), &ode.Settings{RTol: 1e-10, ATol: 1e-12}, ode.DOPRI5)
	if err != nil {
		log.Fatal(err)
	}
	gap := floats.Distance(res.X, p.ExactAt(p.T1), math.Inf(1))
	fmt.Printf("%s: t = %.4f, orbit closes to within 1e-5: %v\n", p.Name, res.T, gap < 1e-5)
	// Output:
	// arenstorf: t = 17.0652, orbit closes to within 1e-5: true
}

// Float32 runs a float64 analytic field through the float32 path of a
// solver, the path a neural field takes, and checks it against the exact
// solution.
func ExampleFloat32() {
	p := ode.Problem[float32]{
		Field: &field.Float32{Field: field.Oscillator{Omega: 2}},
		T0:    0, T1: 1,
		X0: []float32{1, 0},
	}
	res, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 100}, ode.RK4)
	if err != nil {
		log.Fatal(err)
	}
	exact := make([]float64, 2)
	field.Oscillator{Omega: 2}.Exact(exact, 1, 0, []float64{1, 0})
	fmt.Printf("float32 q(1) = %.5f, exact %.5f\n", res.X[0], exact[0])
	// Output:
	// float32 q(1) = -0.41615, exact -0.41615
}
