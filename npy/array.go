package npy

import "errors"

// ErrFormat is wrapped by every error about a malformed or unsupported .npy
// file.
var ErrFormat = errors.New("invalid .npy file")

// Array is the content of an .npy file of float32 or uint8 values: exactly
// one of F32 and U8 is non-nil (for an empty array, the one of its dtype is
// an empty non-nil slice). The values are in C order: the last index of
// Shape varies fastest.
type Array struct {
	Shape []int
	F32   []float32
	U8    []uint8
}

var magic = []byte("\x93NUMPY")

// maxHeader bounds the header Read parses; NumPy itself refuses headers
// over 10,000 bytes unless told otherwise (numpy.lib.format's
// _MAX_HEADER_SIZE).
const maxHeader = 10000
