package mnist

import "io"

// ReadLabels reads an IDX file of labels (magic number 0x00000801:
// unsigned bytes, 1 dimension), gzip-compressed or not. It does not check
// the range of the values; Load does. Errors name the file; a malformed
// file is reported as a *FormatError, and a path that is not a regular
// file is refused before it is read.
func ReadLabels(path string) ([]uint8, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeLabels(f, path)
}

// DecodeLabels is like ReadLabels for data read from r.
func DecodeLabels(r io.Reader) ([]uint8, error) {
	return decodeLabels(r, "")
}

func decodeLabels(r io.Reader, file string) ([]uint8, error) {
	x, err := decodeIDX(r, file, labelsKind)
	if err != nil {
		return nil, err
	}
	return x.Data, nil
}
