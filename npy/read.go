package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// Read reads an .npy file of dtype float32 (little- or big-endian) or
// uint8 in C order. Other dtypes, Fortran order, a truncated file or one
// longer than its shape says are refused with an error wrapping ErrFormat that
// names the file and, where it applies, the byte offset. A path that is not
// a regular file (a FIFO, a device, a directory) is refused.
func Read(path string) (*Array, error) {
	// A FIFO or a device would block or never end: only regular files.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("npy: %s: not a regular file (mode %v)", path, fi.Mode().Type())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	a, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	return a, nil
}

func parse(raw []byte) (*Array, error) {
	if len(raw) < 10 || !bytes.Equal(raw[:6], magic) {
		return nil, fmt.Errorf("%w: no \\x93NUMPY magic at byte 0: not an .npy file", ErrFormat)
	}
	major := raw[6]
	var hlen, off int
	switch major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	case 2, 3:
		if len(raw) < 12 {
			return nil, fmt.Errorf("%w: truncated at byte %d, inside the header length", ErrFormat, len(raw))
		}
		h := binary.LittleEndian.Uint32(raw[8:12])
		if h > maxHeader {
			return nil, fmt.Errorf("%w: header length %d exceeds %d bytes", ErrFormat, h, maxHeader)
		}
		hlen, off = int(h), 12
	default:
		return nil, fmt.Errorf("%w: format version %d.%d (byte 6): only 1.0, 2.0 and 3.0 exist", ErrFormat, major, raw[7])
	}
	if hlen > maxHeader {
		return nil, fmt.Errorf("%w: header length %d exceeds %d bytes", ErrFormat, hlen, maxHeader)
	}
	if off+hlen > len(raw) {
		return nil, fmt.Errorf("%w: truncated: the header ends at byte %d, the file at byte %d", ErrFormat, off+hlen, len(raw))
	}
	hdr, err := parseHeader(string(raw[off : off+hlen]))
	if err != nil {
		return nil, fmt.Errorf("%w: header at byte %d: %v", ErrFormat, off, err)
	}
	if hdr.fortran {
		return nil, fmt.Errorf("%w: fortran_order is True: write the array in C order (numpy.ascontiguousarray)", ErrFormat)
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
		return nil, fmt.Errorf("%w: dtype %q: only float32 ('<f4') and uint8 ('|u1') are read", ErrFormat, hdr.descr)
	}
	count := 1
	for _, d := range hdr.shape {
		if d < 0 || d > len(raw) {
			return nil, fmt.Errorf("%w: shape %v cannot fit in a file of %d bytes", ErrFormat, hdr.shape, len(raw))
		}
		count *= d
		if count > len(raw) {
			return nil, fmt.Errorf("%w: shape %v cannot fit in a file of %d bytes", ErrFormat, hdr.shape, len(raw))
		}
	}
	data := raw[off+hlen:]
	want := count * size
	switch {
	case len(data) < want:
		return nil, fmt.Errorf("%w: truncated: shape %v of %s needs data up to byte %d, the file ends at byte %d",
			ErrFormat, hdr.shape, hdr.descr, off+hlen+want, len(raw))
	case len(data) > want:
		return nil, fmt.Errorf("%w: %d bytes after the data of shape %v end at byte %d", ErrFormat, len(data)-want, hdr.shape, off+hlen+want)
	}
	a := &Array{Shape: hdr.shape}
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
