package report_test

import (
	"fmt"

	"github.com/windrose/windrose/internal/report"
)

// Five 2×2 images in rows of three: two rows, each image framed by the
// 2-pixel black border of torchvision's make_grid.
func ExampleMosaic() {
	pix := make([]uint8, 5*2*2)
	for i := range pix {
		pix[i] = 255
	}
	img := report.Mosaic(pix, 5, 2, 2, 3)
	fmt.Println("size:", img.Bounds().Dx(), "×", img.Bounds().Dy())
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			if img.GrayAt(x, y).Y == 0 {
				fmt.Print(".")
			} else {
				fmt.Print("#")
			}
		}
		fmt.Println()
	}
	// Output:
	// size: 14 × 10
	// ..............
	// ..............
	// ..##..##..##..
	// ..##..##..##..
	// ..............
	// ..............
	// ..##..##......
	// ..##..##......
	// ..............
	// ..............
}
