package flowmatch

import (
	"fmt"
	"github.com/windrose/windrose/internal/atomicfile"
	"image"
	"image/png"
	"io"
)

// gridPad is the border between and around the images of a grid, in
// pixels, black: torchvision's make_grid defaults (padding=2, pad_value=0),
// which the reference's samples.png uses.
const gridPad = 2

// Grid lays n images of h×w grey pixels (one after the other in pix) out
// in rows of cols images, separated and surrounded by a 2-pixel black
// border as torchvision's make_grid does; the last row may be incomplete.
// It panics if len(pix) != n·h·w or cols < 1.
func Grid(pix []uint8, n, h, w, cols int) *image.Gray {
	if len(pix) != n*h*w || n < 0 || cols < 1 || h < 1 || w < 1 {
		panic(fmt.Sprintf("flowmatch: Grid: %d pixels for %d images of %d×%d in %d columns", len(pix), n, h, w, cols))
	}
	rows := max(1, (n+cols-1)/cols)
	cols = min(cols, max(n, 1))
	W := cols*(w+gridPad) + gridPad
	H := rows*(h+gridPad) + gridPad
	img := image.NewGray(image.Rect(0, 0, W, H))
	for k := range n {
		r, c := k/cols, k%cols
		y0, x0 := gridPad+r*(h+gridPad), gridPad+c*(w+gridPad)
		for y := range h {
			copy(img.Pix[(y0+y)*img.Stride+x0:][:w], pix[(k*h+y)*w:][:w])
		}
	}
	return img
}

// WriteGridPNG writes Grid(pix, n, h, w, cols) as a PNG file, atomically.
func WriteGridPNG(path string, pix []uint8, n, h, w, cols int) error {
	img := Grid(pix, n, h, w, cols)
	return atomicfile.Write(path, func(wr io.Writer) error { return png.Encode(wr, img) })
}
