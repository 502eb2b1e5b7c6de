package mnist

import (
	"fmt"
	"io"
)

// Images is a set of grey-scale images of equal size, as stored in an IDX
// file with magic number 0x00000803 (unsigned bytes, 3 dimensions).
type Images struct {
	// N is the number of images; Rows and Cols the size of each.
	N, Rows, Cols int

	// Pixels holds the N images one after the other, each row by row:
	// pixel (r, c) of image i is Pixels[i*Rows*Cols + r*Cols + c].
	// In MNIST 0 is the background and 255 full ink.
	Pixels []uint8
}

// Image returns the pixels of image i, row by row. The slice shares
// memory with im.Pixels. It panics if i is out of range.
func (im *Images) Image(i int) []uint8 {
	if i < 0 || i >= im.N {
		panic(fmt.Sprintf("mnist: image index %d out of range [0, %d)", i, im.N))
	}
	size := im.Rows * im.Cols
	return im.Pixels[i*size : (i+1)*size : (i+1)*size]
}

// ReadImages reads an IDX file of images, gzip-compressed or not. Errors
// name the file; a malformed file is reported as a *FormatError, and a
// path that is not a regular file (a FIFO, a device, a directory) is
// refused before it is read.
func ReadImages(path string) (*Images, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeImages(f, path)
}

// DecodeImages is like ReadImages for data read from r.
func DecodeImages(r io.Reader) (*Images, error) {
	return decodeImages(r, "")
}

func decodeImages(r io.Reader, file string) (*Images, error) {
	x, err := decodeIDX(r, file, imagesKind)
	if err != nil {
		return nil, err
	}
	n, rows, cols := x.Dims[0], x.Dims[1], x.Dims[2]
	if rows == 0 || cols == 0 {
		return nil, formatError(file, "images of size %dx%d", rows, cols)
	}
	return &Images{N: n, Rows: rows, Cols: cols, Pixels: x.Data}, nil
}
