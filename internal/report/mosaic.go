package report

import (
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/windrose/windrose/internal/atomicfile"
)

// mosaicPad is the border between and around the images of a mosaic, in
// pixels, black: the defaults (padding=2, pad_value=0) of torchvision's
// utils.make_grid, with which PyTorch programs usually show a batch of
// samples, so that the two can be compared side by side.
const mosaicPad = 2

// Mosaic lays n images of h×w grey pixels (one after the other in pix) out
// in rows of cols images, separated and surrounded by a 2-pixel black
// border as torchvision's make_grid does; the last row may be incomplete.
// It panics if len(pix) != n·h·w or cols < 1.
func Mosaic(pix []uint8, n, h, w, cols int) *image.Gray {
	if len(pix) != n*h*w || n < 0 || cols < 1 || h < 1 || w < 1 {
		panic(fmt.Sprintf("report: Mosaic: %d pixels for %d images of %d×%d in %d columns", len(pix), n, h, w, cols))
	}
	rows := max(1, (n+cols-1)/cols)
	cols = min(cols, max(n, 1))
	W := cols*(w+mosaicPad) + mosaicPad
	H := rows*(h+mosaicPad) + mosaicPad
	img := image.NewGray(image.Rect(0, 0, W, H))
	for k := range n {
		r, c := k/cols, k%cols
		y0, x0 := mosaicPad+r*(h+mosaicPad), mosaicPad+c*(w+mosaicPad)
		for y := range h {
			copy(img.Pix[(y0+y)*img.Stride+x0:][:w], pix[(k*h+y)*w:][:w])
		}
	}
	return img
}

// WriteMosaicPNG writes Mosaic(pix, n, h, w, cols) as a PNG file,
// atomically (into an existing pipe or device, in place).
func WriteMosaicPNG(path string, pix []uint8, n, h, w, cols int) error {
	img := Mosaic(pix, n, h, w, cols)
	return atomicfile.Write(path, func(wr io.Writer) error { return png.Encode(wr, img) })
}
