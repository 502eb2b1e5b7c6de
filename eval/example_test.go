package eval_test

import (
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
