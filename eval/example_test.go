package eval_test

import (
	"context"
	"fmt"

	"github.com/windrose/windrose/eval"
)

// FID between two tiny feature sets: the second is the first shifted by
// (3, 4), so the covariances agree and the distance is |(3, 4)|² = 25.
func ExampleFrechetDistance() {
	a := []float32{0, 0, 1, 0, 0, 1, 1, 1, 2, 1}
	b := make([]float32, len(a))
	for i := range a {
		b[i] = a[i] + float32(3+i%2) // x + 3, y + 4
	}
	ga, _ := eval.FitGaussian(a, 2)
	gb, _ := eval.FitGaussian(b, 2)
	fd, _ := eval.FrechetDistance(ga, gb)
	fmt.Printf("%.6f\n", fd)
	// Output: 25.000000
}

// Three generated points against four real ones on a line. With k = 1
// each real point's ball reaches its nearest neighbour: 0 and 1 have
// radius 1, 3 radius 2 and 7 radius 4. A point at 5 lies in the balls of
// 3 and 7, one at 11 on the edge of 7's, one at 12 in none: precision 2/3,
// density (2 + 1 + 0)/3 = 1, and 2 of the 4 balls hold a point.
func ExampleManifold() {
	ctx := context.Background()
	real, _ := eval.NewManifold(ctx, []float32{0, 1, 3, 7}, 1, 1)
	gen := []float32{5, 11, 12}
	realism := make([]float64, len(gen))
	_ = real.Realism(ctx, realism, gen)
	c, _ := real.Compare(ctx, gen)
	fmt.Printf("realism %.2f\nprecision %.3f, density %.3f, coverage %.3f\n", realism, c.Precision, c.Density, c.Coverage)
	// Output:
	// realism [2.00 1.00 0.80]
	// precision 0.667, density 1.000, coverage 0.500
}
