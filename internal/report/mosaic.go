package report

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
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
	cols, W, H := mosaicLayout(n, h, w, cols)
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

// mosaicLayout returns the columns that n images of h×w pixels in rows of
// cols occupy (fewer than cols when n is smaller) and the mosaic's width W
// and height H with its borders.
func mosaicLayout(n, h, w, cols int) (used, W, H int) {
	rows := max(1, (n+cols-1)/cols)
	used = min(cols, max(n, 1))
	return used, used*(w+mosaicPad) + mosaicPad, rows*(h+mosaicPad) + mosaicPad
}

// WriteMosaicPNG writes Mosaic(pix, n, h, w, cols) as a PNG file,
// atomically (into an existing pipe or device, in place).
func WriteMosaicPNG(path string, pix []uint8, n, h, w, cols int) error {
	img := Mosaic(pix, n, h, w, cols)
	return atomicfile.Write(path, func(wr io.Writer) error { return png.Encode(wr, img) })
}

// frameColour marks images in FrameMosaic: pure red, which no grey level
// of a digit can be mistaken for.
var frameColour = color.RGBA{R: 255, A: 255}

// FrameMosaic returns a colour copy of the mosaic g of n images of h×w
// pixels in rows of cols (as Mosaic lays them out) in which the 2-pixel
// border around each image k with marked[k] is red. Borders are shared
// between neighbours, so two marked neighbours share a red strip. It panics
// if g's size is not that of such a mosaic or len(marked) != n.
func FrameMosaic(g *image.Gray, n, h, w, cols int, marked []bool) *image.RGBA {
	cols, W, H := mosaicLayout(n, h, w, cols)
	if b := g.Bounds(); b.Dx() != W || b.Dy() != H || len(marked) != n {
		panic(fmt.Sprintf("report: FrameMosaic: mosaic %v with %d marks, want %d×%d and %d marks", g.Bounds(), len(marked), W, H, n))
	}
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), g, g.Bounds().Min, draw.Src)
	for k, m := range marked {
		if !m {
			continue
		}
		r, c := k/cols, k%cols
		y0, x0 := r*(h+mosaicPad), c*(w+mosaicPad)
		y1, x1 := y0+h+2*mosaicPad, x0+w+2*mosaicPad
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if y < y0+mosaicPad || y >= y1-mosaicPad || x < x0+mosaicPad || x >= x1-mosaicPad {
					img.SetRGBA(x, y, frameColour)
				}
			}
		}
	}
	return img
}

// WriteFramedMosaicPNG writes FrameMosaic(Mosaic(pix, n, h, w, cols), …,
// marked) as a PNG file, atomically.
func WriteFramedMosaicPNG(path string, pix []uint8, n, h, w, cols int, marked []bool) error {
	img := FrameMosaic(Mosaic(pix, n, h, w, cols), n, h, w, cols, marked)
	return atomicfile.Write(path, func(wr io.Writer) error { return png.Encode(wr, img) })
}
