package odetest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/windrose/windrose/ode"
	"github.com/windrose/windrose/ode/odetest"
)

// ObservedOrder confirms that the classical Runge–Kutta method is of order
// four: halving the step divides the error by about 16.
func ExampleObservedOrder() {
	order, errs, err := odetest.ObservedOrder(ode.RK4, odetest.Rotation(), []int{20, 40, 80})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("observed order %.1f\n", order)
	fmt.Printf("error ratio %.0f\n", errs[1]/errs[2])
	// Output:
	// observed order 4.0
	// error ratio 16
}

// Counter checks a solver's bookkeeping: classical RK4 evaluates the field
// four times per step.
func ExampleCounter() {
	p := odetest.Decay()
	c := &odetest.Counter[float64]{Field: p.Field}
	q := p.ODE()
	q.Field = c
	res, err := ode.Solve(context.Background(), q, &ode.Settings{Steps: 10}, ode.RK4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Evals, res.Stats.FieldEvals)
	// Output:
	// 40 40
}
