package mnist

import "fmt"

// scaled[p] is p/127.5 − 1 computed in float64 and rounded once to
// float32, so 0 maps to exactly −1, 255 to exactly 1 and every value is
// the nearest float32 to the exact one. The reference recipe
// (docs/reference.md; the tutorial's transforms.ToTensor() then x*2 − 1)
// computes (p/255)·2 − 1 in float32: for 128 of the 256 values that
// differs from this, by at most 5.9e-8 (below 2^-24; measured with NumPy,
// float32 arithmetic, over all 256 values), a rounding error of the
// subtraction near zero, not a different scaling.
var scaled = func() (t [256]float32) {
	for p := range t {
		t[p] = float32(float64(p)/127.5 - 1)
	}
	return t
}()

// ScalePixels sets dst[i] = src[i]/127.5 − 1, mapping the pixel values
// 0…255 to [−1, 1], the range flow matching trains on. It panics if the
// lengths differ.
func ScalePixels(dst []float32, src []uint8) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("mnist: ScalePixels: len(dst) = %d, len(src) = %d", len(dst), len(src)))
	}
	for i, p := range src {
		dst[i] = scaled[p]
	}
}

// ScaledBatch gathers the images at indices into dst, one after the
// other, each scaled as by ScalePixels: image indices[k] fills
// dst[k*Rows*Cols : (k+1)*Rows*Cols]. It is how a trainer fills a
// minibatch buffer from a shuffled index list without allocating. It
// panics if len(dst) != len(indices)*Rows*Cols or an index is out of
// range.
func (im *Images) ScaledBatch(dst []float32, indices []int) {
	size := im.Rows * im.Cols
	if len(dst) != len(indices)*size {
		panic(fmt.Sprintf("mnist: ScaledBatch: len(dst) = %d, want %d images of %d pixels", len(dst), len(indices), size))
	}
	for k, i := range indices {
		ScalePixels(dst[k*size:(k+1)*size], im.Image(i))
	}
}

// Len returns N: with Shape and Batch it makes Images a data set for a
// flow-matching trainer.
func (im *Images) Len() int { return im.N }

// Shape returns the shape of one image: one grey channel of Rows × Cols.
func (im *Images) Shape() (channels, height, width int) { return 1, im.Rows, im.Cols }

// Batch is ScaledBatch: the images at indices scaled to [−1, 1].
func (im *Images) Batch(dst []float32, indices []int) { im.ScaledBatch(dst, indices) }
