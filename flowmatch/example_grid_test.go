package flowmatch_test

import (
	"fmt"

	"github.com/windrose/windrose/flowmatch"
)

// Time grids of 4 steps: uniform, smaller steps late (near the data at
// t = 1), smaller steps early (near the noise at t = 0), and smaller steps
// at both ends. Any of them goes to SampleSettings.Grid.
func ExampleTimeGrid() {
	for _, name := range []string{"uniform", "late", "early", "cosine"} {
		g, err := flowmatch.TimeGrid(name, 4)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-7s %.4f\n", name, g)
	}
	// Output:
	// uniform [0.0000 0.2500 0.5000 0.7500 1.0000]
	// late    [0.0000 0.4375 0.7500 0.9375 1.0000]
	// early   [0.0000 0.0625 0.2500 0.5625 1.0000]
	// cosine  [0.0000 0.1464 0.5000 0.8536 1.0000]
}

// A pilot adaptive solve took its steps at these times; a 6-step grid that
// spreads its steps the same way puts two steps in each pilot step.
func ExampleEquidistributedGrid() {
	pilot := []float64{0, 0.1, 0.5, 1}
	fmt.Printf("%.2f\n", flowmatch.EquidistributedGrid(pilot, 6))
	// Output:
	// [0.00 0.05 0.10 0.30 0.50 0.75 1.00]
}
