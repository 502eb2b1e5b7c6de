package npy

import (
	"fmt"

	"github.com/windrose/windrose/internal/atomicfile"
)

// Uint8Writer writes an .npy array of dtype uint8 whose shape is known
// before its values are: the header first, then the values in C order in
// any number of Writes, so that an array larger than memory (a million
// generated images) can be written as it is produced. The file appears at
// its path only when Close finds every value written, as WriteUint8's
// does; until then, and after any failure, the path holds what it held
// before. Its files are byte for byte those of WriteUint8.
type Uint8Writer struct {
	f       *atomicfile.File
	path    string
	want, n int64
	err     error
}

// NewUint8Writer starts writing an .npy array of dtype uint8 ('|u1') and the
// given shape to path. It panics if a dimension of shape is negative.
func NewUint8Writer(path string, shape ...int) (*Uint8Writer, error) {
	want := int64(1)
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("npy: shape %v has a negative dimension", shape))
		}
		want *= int64(d)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	if err := writeHeader(f, "|u1", shape); err != nil {
		f.Abort()
		return nil, err
	}
	return &Uint8Writer{f: f, path: path, want: want}, nil
}

// Write appends p to the array's values. Writing more values than the
// shape holds is an error, which, like a failed write, abandons the file:
// later Writes and Close return the same error.
func (w *Uint8Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.n+int64(len(p)) > w.want {
		w.fail(fmt.Errorf("npy: %s: writing %d values after %d: the shape holds %d", w.path, len(p), w.n, w.want))
		return 0, w.err
	}
	n, err := w.f.Write(p)
	w.n += int64(n)
	if err != nil {
		w.fail(err)
	}
	return n, err
}

// Close completes the file if every value of the shape was written, and
// otherwise removes it and returns an error (as it does after a failed
// Write). Call Abort instead to give up on the file.
func (w *Uint8Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.n != w.want {
		w.fail(fmt.Errorf("npy: %s: closed after %d values, the shape holds %d", w.path, w.n, w.want))
		return w.err
	}
	w.err = fmt.Errorf("npy: %s: already closed", w.path)
	return w.f.Commit()
}

// Abort removes the partly written file, leaving the path as it was. It
// does nothing after Close.
func (w *Uint8Writer) Abort() {
	if w.err == nil {
		w.fail(fmt.Errorf("npy: %s: aborted", w.path))
	}
}

func (w *Uint8Writer) fail(err error) {
	w.err = err
	w.f.Abort()
}
