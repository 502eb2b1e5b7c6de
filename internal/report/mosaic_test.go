package report

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMosaicLayout places 5 images of 2×3 pixels in rows of 2 and checks
// every pixel of the result: image k at row k/2, column k%2, each at an
// offset of 2 + index·(size + 2), black elsewhere (make_grid's layout).
func TestMosaicLayout(t *testing.T) {
	const n, h, w, cols = 5, 2, 3, 2
	pix := make([]uint8, n*h*w)
	for i := range pix {
		pix[i] = uint8(10 + i) // distinct, never 0
	}
	img := Mosaic(pix, n, h, w, cols)
	W, H := cols*(w+2)+2, 3*(h+2)+2
	if b := img.Bounds(); b.Dx() != W || b.Dy() != H {
		t.Fatalf("mosaic %v, want %d×%d", b, W, H)
	}
	want := make([]uint8, W*H)
	for k := range n {
		r, c := k/cols, k%cols
		for y := range h {
			for x := range w {
				want[(2+r*(h+2)+y)*W+2+c*(w+2)+x] = pix[(k*h+y)*w+x]
			}
		}
	}
	for y := range H {
		for x := range W {
			if got := img.GrayAt(x, y).Y; got != want[y*W+x] {
				t.Fatalf("pixel (%d, %d) = %d, want %d", x, y, got, want[y*W+x])
			}
		}
	}
	p := filepath.Join(t.TempDir(), "g.png")
	if err := WriteMosaicPNG(p, pix, n, h, w, cols); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if dec.Bounds() != img.Bounds() {
		t.Errorf("PNG bounds %v, want %v", dec.Bounds(), img.Bounds())
	}
	func() {
		defer func() {
			if r, _ := recover().(string); !strings.HasPrefix(r, "report: Mosaic: 5 pixels") {
				t.Errorf("Mosaic of too few pixels: panic %q", r)
			}
		}()
		Mosaic(pix[:5], n, h, w, cols)
	}()
}

// TestWriteToFIFO writes a PNG mosaic to a named pipe: the bytes must arrive
// through the pipe, and the pipe must still be a pipe afterwards (an
// atomic write by rename would have replaced it with a plain file).
func TestWriteToFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(p); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(p)
		got <- b
	}()
	pix := make([]uint8, 2*4*4)
	if err := WriteMosaicPNG(p, pix, 2, 4, 4, 2); err != nil {
		t.Fatal(err)
	}
	b := <-got
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("through the pipe: %v", err)
	}
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("after the write: %v, %v; want a named pipe", fi.Mode(), err)
	}
}

// TestFrameMosaic marks the second of three 2×3 images in rows of 2 and
// checks every pixel: the ring of border pixels around image 1 (x from 5
// to 11, y from 0 to 5 at offsets 0..1 and 5..6 outside the image) is red,
// every other pixel is the grey mosaic's value.
func TestFrameMosaic(t *testing.T) {
	const n, h, w, cols = 3, 2, 3, 2
	pix := make([]uint8, n*h*w)
	for i := range pix {
		pix[i] = uint8(10 + i)
	}
	g := Mosaic(pix, n, h, w, cols)
	img := FrameMosaic(g, n, h, w, cols, []bool{false, true, false})
	if img.Bounds() != g.Bounds() {
		t.Fatalf("bounds %v, want %v", img.Bounds(), g.Bounds())
	}
	// Image 1 occupies x 7..9, y 2..3; its frame is x 5..11, y 0..5.
	inFrame := func(x, y int) bool {
		inside := x >= 5 && x <= 11 && y >= 0 && y <= 5
		image := x >= 7 && x <= 9 && y >= 2 && y <= 3
		return inside && !image
	}
	for y := range g.Bounds().Dy() {
		for x := range g.Bounds().Dx() {
			v := g.GrayAt(x, y).Y
			want := color.RGBA{v, v, v, 255}
			if inFrame(x, y) {
				want = color.RGBA{255, 0, 0, 255}
			}
			if got := img.RGBAAt(x, y); got != want {
				t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got, want)
			}
		}
	}
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "report: FrameMosaic") {
			t.Errorf("two marks for three images: panic %q", r)
		}
	}()
	FrameMosaic(g, n, h, w, cols, []bool{true, false})
}
