package mnist_test

import (
	"math"
	"testing"

	"github.com/windrose/windrose/mnist"
)

func TestScalePixels(t *testing.T) {
	src := make([]uint8, 256)
	for p := range src {
		src[p] = uint8(p)
	}
	dst := make([]float32, 256)
	mnist.ScalePixels(dst, src)
	if dst[0] != -1 || dst[255] != 1 {
		t.Errorf("ScalePixels maps 0, 255 to %v, %v, want exactly -1, 1", dst[0], dst[255])
	}
	for p, got := range dst {
		// p/127.5 − 1 = (2p − 255)/255 exactly. Its float64 value is
		// within 2^-53 relative of that, far inside the float32 rounding
		// error, which must be at most half a float32 unit in the last
		// place (correct rounding).
		exact := float64(2*p-255) / 255
		ulp := float64(math.Nextafter32(float32(math.Abs(float64(got))), 2) - float32(math.Abs(float64(got))))
		if math.Abs(float64(got)-exact) > ulp/2 {
			t.Errorf("ScalePixels(%d) = %v, want %v within half an ulp (%g)", p, got, exact, ulp/2)
		}
		// The map is odd about 127.5: rounding to nearest is symmetric.
		if got != -dst[255-p] {
			t.Errorf("ScalePixels(%d) = %v, ScalePixels(%d) = %v: not symmetric", p, got, 255-p, dst[255-p])
		}
		if p > 0 && !(got > dst[p-1]) {
			t.Errorf("ScalePixels not increasing at %d: %v after %v", p, got, dst[p-1])
		}
	}
	mustPanic(t, "ScalePixels(short dst)", func() { mnist.ScalePixels(dst[:3], src) })
}

func TestScaledBatch(t *testing.T) {
	const rows, cols = 2, 3
	im := &mnist.Images{N: 4, Rows: rows, Cols: cols, Pixels: seq(4*rows*cols, 100)}
	indices := []int{2, 0, 2, 3}
	dst := make([]float32, len(indices)*rows*cols)
	for i := range dst {
		dst[i] = float32(math.NaN()) // every element must be written
	}
	im.ScaledBatch(dst, indices)
	want := make([]float32, rows*cols)
	for k, i := range indices {
		mnist.ScalePixels(want, im.Image(i))
		for j, w := range want {
			if got := dst[k*rows*cols+j]; got != w {
				t.Errorf("batch image %d (index %d) pixel %d = %v, want %v", k, i, j, got, w)
			}
		}
	}
	mustPanic(t, "ScaledBatch(short dst)", func() { im.ScaledBatch(dst[1:], indices) })
	mustPanic(t, "ScaledBatch(index N)", func() { im.ScaledBatch(dst[:rows*cols], []int{4}) })
}

func BenchmarkScaledBatch(b *testing.B) {
	// A training minibatch of 256 MNIST-sized images.
	const n, rows, cols, batch = 1024, 28, 28, 256
	im := &mnist.Images{N: n, Rows: rows, Cols: cols, Pixels: seq(n*rows*cols, 0)}
	indices := make([]int, batch)
	for i := range indices {
		indices[i] = (i * 397) % n
	}
	dst := make([]float32, batch*rows*cols)
	b.SetBytes(batch * rows * cols)
	for b.Loop() {
		im.ScaledBatch(dst, indices)
	}
}
