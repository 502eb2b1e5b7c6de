package mnist_test

import (
	"fmt"
	"log"

	"github.com/windrose/windrose/mnist"
)

func ExampleLoad() {
	dir, err := mnist.DefaultDir()
	if err != nil {
		log.Fatal(err)
	}
	test, err := mnist.Load(dir, mnist.Test)
	if err != nil {
		log.Fatal(err)
	}
	im := test.Images
	fmt.Printf("%d images of %dx%d pixels; the first shows a %d\n", im.N, im.Rows, im.Cols, test.Labels[0])

	// A minibatch of images 0 and 1, scaled to [-1, 1].
	batch := make([]float32, 2*im.Rows*im.Cols)
	im.ScaledBatch(batch, []int{0, 1})
	lo, hi := batch[0], batch[0]
	for _, v := range batch {
		lo, hi = min(lo, v), max(hi, v)
	}
	fmt.Printf("batch of %d values in [%g, %g]\n", len(batch), lo, hi)
	// Output:
	// 10000 images of 28x28 pixels; the first shows a 7
	// batch of 1568 values in [-1, 1]
}

func ExampleScalePixels() {
	pixels := []uint8{0, 51, 127, 128, 255}
	x := make([]float32, len(pixels))
	mnist.ScalePixels(x, pixels)
	fmt.Printf("%.4f\n", x)
	// Output:
	// [-1.0000 -0.6000 -0.0039 0.0039 1.0000]
}
