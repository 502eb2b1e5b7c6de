package flowmatch

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/windrose/windrose/internal/atomicfile"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// NumPy .npy files (format: numpy.lib.format, "The .npy format", versions
// 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a major and a minor version
// byte, the header length (2 bytes little-endian in version 1, 4 bytes in
// 2 and 3), then the header, a Python dict literal
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (64, 1, 28, 28), }
//
// padded with spaces and a newline, and the raw array in C order. windrose
// writes version 1.0 with the header padded so the data start at a multiple
// of 64 bytes, as NumPy does.

// ErrNPY is wrapped by every error about a malformed or unsupported .npy
// file.
var ErrNPY = errors.New("invalid .npy file")

// NPY is the content of an .npy file of float32 or uint8 values: exactly
// one of F32 and U8 is non-nil (for an empty array, the one of its dtype is
// an empty non-nil slice).
type NPY struct {
	Shape []int
	F32   []float32
	U8    []uint8
}

var npyMagic = []byte("\x93NUMPY")

// maxNPYHeader bounds the header we parse; NumPy itself refuses headers
// over 10,000 bytes unless told otherwise (numpy.lib.format's
// _MAX_HEADER_SIZE).
const maxNPYHeader = 10000

// WriteNPYUint8 writes data as an .npy array of dtype uint8 ('|u1') and the
// given shape to path, atomically. It panics if the shape does not hold
// len(data) values.
func WriteNPYUint8(path string, data []uint8, shape ...int) error {
	checkNPYShape(len(data), shape)
	return atomicfile.Write(path, func(w io.Writer) error {
		if err := writeNPYHeader(w, "|u1", shape); err != nil {
			return err
		}
		_, err := w.Write(data)
		return err
	})
}

// WriteNPYFloat32 writes data as an .npy array of dtype float32 ('<f4')
// and the given shape to path, atomically. It panics if the shape does not
// hold len(data) values.
func WriteNPYFloat32(path string, data []float32, shape ...int) error {
	checkNPYShape(len(data), shape)
	return atomicfile.Write(path, func(w io.Writer) error {
		if err := writeNPYHeader(w, "<f4", shape); err != nil {
			return err
		}
		var b [4]byte
		for _, v := range data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			if _, err := w.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkNPYShape(n int, shape []int) {
	c := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("flowmatch: .npy shape %v has a negative dimension", shape))
		}
		c *= d
	}
	if c != n {
		panic(fmt.Sprintf("flowmatch: .npy shape %v holds %d values, have %d", shape, c, n))
	}
}

func writeNPYHeader(w io.Writer, descr string, shape []int) error {
	var dims []string
	for _, d := range shape {
		dims = append(dims, strconv.Itoa(d))
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += "," // a Python 1-tuple
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	// Pad with spaces so that magic (6) + version (2) + length (2) +
	// header, ending in '\n', is a multiple of 64.
	total := 10 + len(h) + 1
	pad := (64 - total%64) % 64
	h += strings.Repeat(" ", pad) + "\n"
	var pre [10]byte
	copy(pre[:], npyMagic)
	pre[6], pre[7] = 1, 0
	binary.LittleEndian.PutUint16(pre[8:], uint16(len(h)))
	if _, err := w.Write(pre[:]); err != nil {
		return err
	}
	_, err := io.WriteString(w, h)
	return err
}

// ReadNPY reads an .npy file of dtype float32 (little- or big-endian) or
// uint8 in C order. Other dtypes, Fortran order, a truncated file or one
// longer than its shape says are refused with an error wrapping ErrNPY that
// names the file and, where it applies, the byte offset.
func ReadNPY(path string) (*NPY, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("flowmatch: %w", err)
	}
	a, err := parseNPY(raw)
	if err != nil {
		return nil, fmt.Errorf("flowmatch: %s: %w", path, err)
	}
	return a, nil
}

func parseNPY(raw []byte) (*NPY, error) {
	if len(raw) < 10 || !bytes.Equal(raw[:6], npyMagic) {
		return nil, fmt.Errorf("%w: no \\x93NUMPY magic at byte 0: not an .npy file", ErrNPY)
	}
	major := raw[6]
	var hlen, off int
	switch major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	case 2, 3:
		if len(raw) < 12 {
			return nil, fmt.Errorf("%w: truncated at byte %d, inside the header length", ErrNPY, len(raw))
		}
		h := binary.LittleEndian.Uint32(raw[8:12])
		if h > maxNPYHeader {
			return nil, fmt.Errorf("%w: header length %d exceeds %d bytes", ErrNPY, h, maxNPYHeader)
		}
		hlen, off = int(h), 12
	default:
		return nil, fmt.Errorf("%w: format version %d.%d (byte 6): only 1.0, 2.0 and 3.0 exist", ErrNPY, major, raw[7])
	}
	if hlen > maxNPYHeader {
		return nil, fmt.Errorf("%w: header length %d exceeds %d bytes", ErrNPY, hlen, maxNPYHeader)
	}
	if off+hlen > len(raw) {
		return nil, fmt.Errorf("%w: truncated: the header ends at byte %d, the file at byte %d", ErrNPY, off+hlen, len(raw))
	}
	hdr, err := parseNPYHeader(string(raw[off : off+hlen]))
	if err != nil {
		return nil, fmt.Errorf("%w: header at byte %d: %v", ErrNPY, off, err)
	}
	if hdr.fortran {
		return nil, fmt.Errorf("%w: fortran_order is True: write the array in C order (numpy.ascontiguousarray)", ErrNPY)
	}
	var size int
	var order binary.ByteOrder
	switch hdr.descr {
	case "<f4":
		size, order = 4, binary.LittleEndian
	case ">f4":
		size, order = 4, binary.BigEndian
	case "|u1", "<u1", ">u1", "=u1", "u1":
		size = 1
	default:
		return nil, fmt.Errorf("%w: dtype %q: only float32 ('<f4') and uint8 ('|u1') are read", ErrNPY, hdr.descr)
	}
	count := 1
	for _, d := range hdr.shape {
		if d < 0 || d > len(raw) {
			return nil, fmt.Errorf("%w: shape %v cannot fit in a file of %d bytes", ErrNPY, hdr.shape, len(raw))
		}
		count *= d
		if count > len(raw) {
			return nil, fmt.Errorf("%w: shape %v cannot fit in a file of %d bytes", ErrNPY, hdr.shape, len(raw))
		}
	}
	data := raw[off+hlen:]
	want := count * size
	switch {
	case len(data) < want:
		return nil, fmt.Errorf("%w: truncated: shape %v of %s needs data up to byte %d, the file ends at byte %d",
			ErrNPY, hdr.shape, hdr.descr, off+hlen+want, len(raw))
	case len(data) > want:
		return nil, fmt.Errorf("%w: %d bytes after the data of shape %v end at byte %d", ErrNPY, len(data)-want, hdr.shape, off+hlen+want)
	}
	a := &NPY{Shape: hdr.shape}
	if size == 1 {
		a.U8 = append([]uint8{}, data...)
		return a, nil
	}
	a.F32 = make([]float32, count)
	for i := range a.F32 {
		a.F32[i] = math.Float32frombits(order.Uint32(data[4*i:]))
	}
	return a, nil
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader reads the dict literal that NumPy writes: the keys
// 'descr' (a string), 'fortran_order' (True or False) and 'shape' (a tuple
// of integers), each exactly once, in any order.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &pyLexer{s: strings.TrimRight(s, " \n\x00")}
	if !p.eat('{') {
		return h, errors.New("not a Python dict")
	}
	seen := map[string]bool{}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if !p.eat(':') {
			return h, fmt.Errorf("no ':' after key %q", key)
		}
		if seen[key] {
			return h, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %v", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
			default:
				return h, errors.New("fortran_order is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("shape: %v", err)
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, fmt.Errorf("expected ',' or '}' after the value of %q", key)
			}
			break
		}
	}
	p.skip()
	if p.i != len(p.s) {
		return h, fmt.Errorf("text after the dict: %q", p.s[p.i:])
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("key %q is missing", k)
		}
	}
	return h, nil
}

// pyLexer reads the few Python literals of an .npy header.
type pyLexer struct {
	s string
	i int
}

func (p *pyLexer) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *pyLexer) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyLexer) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *pyLexer) str() (string, error) {
	p.skip()
	if p.i >= len(p.s) || p.s[p.i] != '\'' && p.s[p.i] != '"' {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *pyLexer) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("expected a tuple")
	}
	dims := []int{}
	for {
		if p.eat(')') {
			return dims, nil
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, fmt.Errorf("expected a non-negative integer at %q", p.s[p.i:])
		}
		d, err := strconv.Atoi(p.s[p.i:j])
		if err != nil {
			return nil, err
		}
		p.i = j
		dims = append(dims, d)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("expected ',' or ')'")
			}
			return dims, nil
		}
	}
}

// ReadNoise reads initial noise for sampling from an .npy file of float32
// with shape [N, 1, 28, 28] (NumPy's np.random.randn(N, 1, 28, 28)
// .astype(np.float32), or torch.randn(N, 1, 28, 28).numpy()) and returns
// the N·784 values and N. Any other dtype or shape is refused with an
// error naming the file and what was found.
func ReadNoise(path string) ([]float32, int, error) {
	a, err := ReadNPY(path)
	if err != nil {
		return nil, 0, err
	}
	if a.F32 == nil {
		return nil, 0, fmt.Errorf("flowmatch: %s: %w: noise must be float32, the file holds uint8", path, ErrNPY)
	}
	s := a.Shape
	if len(s) != 4 || s[1] != 1 || s[2] != 28 || s[3] != 28 || s[0] == 0 {
		return nil, 0, fmt.Errorf("flowmatch: %s: %w: noise of shape %v, want [N, 1, 28, 28] with N ≥ 1", path, ErrNPY, s)
	}
	for i, v := range a.F32 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, 0, fmt.Errorf("flowmatch: %s: %w: noise value %d (sample %d) is %v", path, ErrNPY, i, i/784, v)
		}
	}
	return a.F32, s[0], nil
}

// ReadImagesNPY reads images from an .npy file of uint8 with shape
// [N, 28, 28], as `windrose sample -npy` writes them, and returns the
// N·784 pixels and N.
func ReadImagesNPY(path string) ([]uint8, int, error) {
	a, err := ReadNPY(path)
	if err != nil {
		return nil, 0, err
	}
	if a.U8 == nil {
		return nil, 0, fmt.Errorf("flowmatch: %s: %w: images must be uint8, the file holds float32", path, ErrNPY)
	}
	s := a.Shape
	if len(s) != 3 || s[1] != 28 || s[2] != 28 {
		return nil, 0, fmt.Errorf("flowmatch: %s: %w: images of shape %v, want [N, 28, 28]", path, ErrNPY, s)
	}
	return a.U8, s[0], nil
}
