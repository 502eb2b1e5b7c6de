package ode_test

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/windrose/windrose/ode"
)

// Solve x' = −x, x(0) = 1 on [0, 1] with ten classical RK4 steps and with
// adaptive DOPRI5. The exact value is e^{−1} = 0.36787944…; RK4 multiplies
// the state by R(h) = 1 − h + h²/2 − h³/6 + h⁴/24 per step on this problem,
// so its answer is R(0.1)^10 = 0.36787977….
func ExampleSolve() {
	p := ode.Problem[float64]{
		Field: ode.Func[float64](func(dst []float64, t float64, x []float64) {
			dst[0] = -x[0]
		}),
		T0: 0, T1: 1,
		X0: []float64{1},
	}
	ctx := context.Background()

	res, err := ode.Solve(ctx, p, &ode.Settings{Steps: 10}, ode.RK4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rk4:    x(1) = %.8f after %d evaluations\n", res.X[0], res.Stats.FieldEvals)

	res, err = ode.Solve(ctx, p, &ode.Settings{RTol: 1e-10, ATol: 1e-12}, ode.DOPRI5)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("dopri5: x(1) = %.8f, %v\n", res.X[0], res.Status)
	fmt.Printf("exact:  x(1) = %.8f\n", math.Exp(-1))
	// Output:
	// rk4:    x(1) = 0.36787977 after 40 evaluations
	// dopri5: x(1) = 0.36787944, Success
	// exact:  x(1) = 0.36787944
}

// A method is data: Ralston's second-order method (A. Ralston, Math. Comp.
// 16, 431–437, 1962) as a Tableau literal runs on the same stepper as the
// built-ins. On x' = −x it multiplies by 1 − h + h²/2 per step, so four
// steps of 1/4 give (1 − 1/4 + 1/32)^4 = 0.37252903.
func ExampleTableau() {
	ralston := &ode.Tableau{
		Name:  "ralston",
		Order: 2,
		C:     []float64{0, 2.0 / 3},
		A:     [][]float64{{}, {2.0 / 3}},
		B:     []float64{1.0 / 4, 3.0 / 4},
	}
	fmt.Println("valid:", ralston.Validate())

	p := ode.Problem[float64]{
		Field: ode.Func[float64](func(dst []float64, t float64, x []float64) { dst[0] = -x[0] }),
		T0:    0, T1: 1, X0: []float64{1},
	}
	res, err := ode.Solve(context.Background(), p, &ode.Settings{Steps: 4}, ralston)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x(1) = %.8f\n", res.X[0])

	// A typo is caught with the reason.
	typo := *ralston
	typo.B = []float64{1.0 / 4, 2.0 / 3}
	err = typo.Validate()
	fmt.Println(errors.Is(err, ode.ErrTableauWeights), err)
	// Output:
	// valid: <nil>
	// x(1) = 0.37252903
	// true ode: tableau weights B do not sum to 1: "ralston": sum of B = 0.9166666666666666
}

// A Solver owns its buffers: reuse it for many solves of the same dimension
// and nothing is allocated. The Result belongs to the Solver, so copy what
// must outlive the next Solve. Here x' = −x is sampled at t = 0.5 and 1
// from Tsit5's dense output (e^{−0.5} = 0.60653066, e^{−1} = 0.36787944) and
// the Observer counts the accepted steps.
func ExampleSolver() {
	s := ode.NewSolver[float64](ode.Tsit5, 2)
	steps := 0
	s.Observer = func(t float64, x []float64) error {
		steps++
		return nil
	}
	set := &ode.Settings{RTol: 1e-9, ATol: 1e-12, SaveAt: []float64{0.5, 1}}
	field := ode.Func[float64](func(dst []float64, t float64, x []float64) {
		for i := range x {
			dst[i] = -x[i]
		}
	})
	for _, x0 := range []float64{1, 2} {
		steps = 0
		res, err := s.Solve(context.Background(), ode.Problem[float64]{Field: field, T0: 0, T1: 1, X0: []float64{x0, -x0}}, set)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("x0=%v: x(0.5)=%.8f x(1)=%.8f, observer calls = accepted+1: %v\n",
			x0, res.Saved[0][0], res.Saved[1][0], steps == res.Stats.Accepted+1)
	}
	// Output:
	// x0=1: x(0.5)=0.60653066 x(1)=0.36787944, observer calls = accepted+1: true
	// x0=2: x(0.5)=1.21306132 x(1)=0.73575888, observer calls = accepted+1: true
}

// Methods are looked up by their short names, as the CLI does.
func ExampleMethodByName() {
	for _, m := range ode.Methods() {
		fmt.Printf("%-8s order %d", m.Name, m.Order)
		if m.BErr != nil {
			fmt.Printf(", adaptive (error order %d)", m.ErrorOrder)
		}
		fmt.Println()
	}
	_, err := ode.MethodByName("rk45")
	fmt.Println(err)
	// Output:
	// euler    order 1
	// heun     order 2, adaptive (error order 1)
	// midpoint order 2
	// rk4      order 4
	// bs3      order 3, adaptive (error order 2)
	// dopri5   order 5, adaptive (error order 4)
	// tsit5    order 5, adaptive (error order 4)
	// ode: unknown method "rk45" (want one of euler, heun, midpoint, rk4, bs3, dopri5, tsit5)
}

// Stepping stops early with the partial Result and a typed error; the
// invalid settings of a caller come back as ErrInvalidInput.
func ExampleSolver_errors() {
	p := ode.Problem[float64]{
		// x' = x², x(0) = 1 blows up at t = 1.
		Field: ode.Func[float64](func(dst []float64, t float64, x []float64) { dst[0] = x[0] * x[0] }),
		T0:    0, T1: 2, X0: []float64{1},
	}
	s := ode.NewSolver[float64](ode.DOPRI5, 1)

	_, err := s.Solve(context.Background(), p, &ode.Settings{})
	fmt.Println(errors.Is(err, ode.ErrInvalidInput))

	res, err := s.Solve(context.Background(), p, &ode.Settings{RTol: 1e-6, ATol: 1e-6, MaxSteps: 20})
	fmt.Println(errors.Is(err, ode.ErrMaxSteps), res.Status, res.T < 1)
	// Output:
	// true
	// true MaxStepsReached true
}
