package mnist

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The IDX format is described on the MNIST page (Y. LeCun, C. Cortes and
// C. J. C. Burges, "The MNIST database of handwritten digits",
// http://yann.lecun.com/exdb/mnist/, section "The IDX file format"): a
// 4-byte magic number made of two zero bytes, a data-type code and the
// number of dimensions; then each dimension as a big-endian uint32; then
// the data in row-major order (the last index changes fastest).

// dataTypes names the data-type codes of the IDX format (same source).
// Only typeUint8 is read: it is the only type MNIST uses.
var dataTypes = map[byte]string{
	0x08: "unsigned byte",
	0x09: "signed byte",
	0x0B: "int16",
	0x0C: "int32",
	0x0D: "float32",
	0x0E: "float64",
}

const typeUint8 = 0x08

// gzipMagic is the first two bytes of every gzip member (RFC 1952,
// section 2.3.1, ID1 and ID2). An IDX file starts with two zero bytes,
// so the two cannot be confused.
var gzipMagic = [2]byte{0x1f, 0x8b}

// MaxDataLen is the largest amount of data, in bytes, that the decoders
// accept from one IDX header: a header declaring more is reported as a
// FormatError before anything is allocated. 1 GiB is far above MNIST
// (60000×28×28 = 47,040,000 bytes) and the largest IDX files in use
// (EMNIST ByClass, 697,932×28×28 = 547,178,688 bytes), and still fits an
// int on 32-bit platforms.
const MaxDataLen = 1 << 30

// initialChunk is how much data buffer is allocated before any data have
// arrived; see readData. 64 KiB is a few MNIST images' worth: a header
// that lies costs little, and a real file reaches its size in a dozen
// doublings.
const initialChunk = 64 << 10

// IDX is the content of an IDX file of unsigned bytes.
type IDX struct {
	// Dims holds the size of each dimension, outermost first.
	Dims []int

	// Data holds the values in row-major order;
	// len(Data) is the product of Dims.
	Data []uint8
}

// DecodeIDX reads IDX data of unsigned bytes (data-type code 0x08) with
// any number of dimensions from r, which may be gzip-compressed (detected
// by the gzip magic bytes, not by a name). The data must end exactly where
// the header says; for gzip data the checksum is verified. A malformed
// stream is reported as a *FormatError; an absurd header never causes a
// large allocation (see MaxDataLen).
func DecodeIDX(r io.Reader) (*IDX, error) {
	return decodeIDX(r, "", anyKind)
}

// kind is what a caller expects an IDX file to hold.
type kind struct {
	ndim int    // the number of dimensions, or 0 for any
	what string // a noun for messages: "images", "labels"
}

var (
	anyKind    = kind{0, "IDX data"}
	imagesKind = kind{3, "images"}
	labelsKind = kind{1, "labels"}
)

// decodeIDX reads IDX data of the given kind from r; file names the
// source in errors ("" for a bare io.Reader).
func decodeIDX(r io.Reader, file string, want kind) (*IDX, error) {
	r, err := decompress(r, file)
	if err != nil {
		return nil, err
	}

	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, readError(file, "truncated header: fewer than 4 bytes", err)
	}
	m := uint32(magic[0])<<24 | uint32(magic[1])<<16 | uint32(magic[2])<<8 | uint32(magic[3])
	dtype, ndim := magic[2], int(magic[3])
	switch {
	case magic[0] != 0 || magic[1] != 0:
		return nil, formatError(file, "not an IDX file: magic number 0x%08X does not start with two zero bytes", m)
	case dtype != typeUint8:
		if name, ok := dataTypes[dtype]; ok {
			return nil, formatError(file, "magic number 0x%08X: data type 0x%02X (%s) is not supported, only unsigned bytes (0x08)", m, dtype, name)
		}
		return nil, formatError(file, "not an IDX file: magic number 0x%08X has unknown data type 0x%02X", m, dtype)
	case ndim == 0:
		return nil, formatError(file, "magic number 0x%08X: zero dimensions", m)
	case want.ndim != 0 && ndim != want.ndim:
		return nil, formatError(file, "magic number 0x%08X, want 0x%08X for %s (%d dimensions, not %d)",
			m, typeUint8<<8|want.ndim, want.what, want.ndim, ndim)
	}

	// At most 255 dimensions of 4 bytes: a fixed, small read.
	raw := make([]byte, 4*ndim)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, readError(file, fmt.Sprintf("truncated header: want %d dimensions", ndim), err)
	}
	dims := make([]int, ndim)
	n := int64(1)
	for i := range dims {
		d := int64(raw[4*i])<<24 | int64(raw[4*i+1])<<16 | int64(raw[4*i+2])<<8 | int64(raw[4*i+3])
		if d > MaxDataLen {
			return nil, formatError(file, "dimension %d is %d, larger than the %d-byte limit (corrupt header?)", i, d, MaxDataLen)
		}
		dims[i] = int(d)
		// Both factors are at most 2^30, so the product fits in int64
		// before it is checked.
		if n *= d; n > MaxDataLen {
			return nil, formatError(file, "dimensions %s declare more than the %d-byte limit (corrupt header?)", dimString(dims[:i+1]), MaxDataLen)
		}
	}

	data, err := readData(r, int(n))
	if err != nil {
		return nil, readError(file, fmt.Sprintf("truncated data: dimensions %s declare %d bytes, got %d", dimString(dims), n, len(data)), err)
	}
	// The data must end where the header says. Reading past the end
	// also makes the gzip reader verify its checksum.
	var extra [1]byte
	switch k, err := io.ReadFull(r, extra[:]); {
	case k > 0:
		return nil, formatError(file, "data longer than the %d bytes that dimensions %s declare", n, dimString(dims))
	case err != io.EOF:
		return nil, readError(file, "truncated after the data", err)
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// decompress returns a reader of the IDX bytes in r: r itself (buffered)
// or a gzip reader over it, as its first two bytes say.
func decompress(r io.Reader, file string) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(len(gzipMagic))
	switch {
	case len(head) == 0 && err == io.EOF:
		return nil, formatError(file, "empty file")
	case err != nil && err != io.EOF:
		return nil, readError(file, "reading the header", err)
	case len(head) < len(gzipMagic) || [2]byte(head) != gzipMagic:
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, readError(file, "truncated gzip header", err)
	}
	return zr, nil
}

// readData reads exactly n bytes from r. It does not trust n for its
// allocation: it starts with at most initialChunk bytes and doubles the
// buffer only when it is full, so a header that declares far more than
// the stream holds costs initialChunk plus at most four times the bytes
// really there (buffers of at most twice that size, each half the size of
// the next), never the declared size. A well-formed stream ends with a
// buffer of exactly n bytes. On error it returns the bytes read so far.
func readData(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, min(n, initialChunk))
	got := 0
	for {
		k, err := io.ReadFull(r, buf[got:])
		got += k
		if err != nil {
			return buf[:got], err
		}
		if got == n {
			return buf, nil
		}
		grown := make([]byte, min(n, 2*len(buf)))
		copy(grown, buf)
		buf = grown
	}
}

func formatError(file, format string, args ...any) error {
	return &FormatError{File: file, Reason: fmt.Sprintf(format, args...)}
}

// readError classifies an error met while reading: the end of the data
// (truncation) and a corrupt gzip stream are format errors and reason
// says which; anything else (a failing disk, a closed pipe) is returned
// wrapped, naming the file.
func readError(file, reason string, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &FormatError{File: file, Reason: reason, Err: io.ErrUnexpectedEOF}
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt):
		return &FormatError{File: file, Reason: "corrupt gzip stream", Err: err}
	case file == "":
		return fmt.Errorf("mnist: reading IDX data: %w", err)
	default:
		return fmt.Errorf("mnist: reading %s: %w", file, err)
	}
}

// dimString formats dimensions as "60000x28x28".
func dimString(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}
