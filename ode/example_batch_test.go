package ode_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/windrose/windrose/ode"
)

// Integrate u' = −λu, u(0) = 1 on [0, 1] for four rates λ at once, each
// sample with its own adaptive steps. The field is told the samples' states
// and times only, so each sample carries its rate as a second component
// with derivative 0; one EvalBatch call evaluates every sample in flight,
// each at its own time. With width 2, two samples are in flight at a time,
// and a finished sample's slot goes to the next one.
func ExampleBatchSolver() {
	f := ode.BatchFunc[float64](func(dst []float64, t []float64, x []float64) {
		for j := range t {
			u, l := x[2*j], x[2*j+1]
			dst[2*j], dst[2*j+1] = -l*u, 0
		}
	})
	x0 := []float64{
		1, 0.5,
		1, 2,
		1, 8,
		1, 16,
	}
	b := ode.NewBatchSolver[float64](ode.DOPRI5, 2, 2)
	x := make([]float64, len(x0))
	res, err := b.Solve(context.Background(), x, f, 0, 1, x0, &ode.Settings{RTol: 1e-8, ATol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, st := range res.Samples {
		l := x0[2*i+1]
		fmt.Printf("λ = %-2g  u(1) = %.8f (exact %.8f), %2d steps, %3d evaluations\n", l, x[2*i], math.Exp(-l), st.Accepted, st.FieldEvals)
	}
	fmt.Printf("%d evaluations in %d calls\n", res.Stats.FieldEvals, res.Calls)
	// Output:
	// λ = 0.5  u(1) = 0.60653066 (exact 0.60653066),  7 steps,  44 evaluations
	// λ = 2   u(1) = 0.13533528 (exact 0.13533528), 21 steps, 128 evaluations
	// λ = 8   u(1) = 0.00033546 (exact 0.00033546), 81 steps, 488 evaluations
	// λ = 16  u(1) = 0.00000011 (exact 0.00000011), 130 steps, 782 evaluations
	// 1442 evaluations in 910 calls
}

// Batch integrates three independent harmonic oscillators as one state, the
// way a neural field integrates a batch of images.
func ExampleBatch() {
	// q' = p, p' = −q for one sample (q, p).
	oscillator := ode.Func[float64](func(dst []float64, _ float64, x []float64) {
		dst[0], dst[1] = x[1], -x[0]
	})
	p := ode.Problem[float64]{
		Field: ode.Batch[float64]{Field: oscillator, Dim: 2},
		T0:    0, T1: math.Pi,
		X0: []float64{1, 0, 0, 1, 2, 0}, // (q, p) of each sample
	}
	res, err := ode.Solve(context.Background(), p, &ode.Settings{RTol: 1e-10, ATol: 1e-12}, ode.DOPRI5)
	if err != nil {
		log.Fatal(err)
	}
	for j := 0; j < 3; j++ {
		// Round to the printed digits first, so that a tiny negative error
		// does not print as -0.000000.
		q := math.Round(res.X[2*j]*1e6)/1e6 + 0
		v := math.Round(res.X[2*j+1]*1e6)/1e6 + 0
		fmt.Printf("sample %d: q = %.6f, p = %.6f\n", j, q, v)
	}
	// Output:
	// sample 0: q = -1.000000, p = 0.000000
	// sample 1: q = 0.000000, p = -1.000000
	// sample 2: q = -2.000000, p = 0.000000
}
