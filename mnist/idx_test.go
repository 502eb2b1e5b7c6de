package mnist_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/windrose/windrose/mnist"
)

func TestDecodeIDX(t *testing.T) {
	for _, test := range []struct {
		magic uint32
		dims  []uint32
	}{
		{0x00000801, []uint32{5}},
		{0x00000801, []uint32{0}},
		{0x00000802, []uint32{3, 7}},
		{0x00000803, []uint32{4, 2, 3}},
		{0x00000804, []uint32{2, 1, 3, 2}},
		{0x00000803, []uint32{1, 300, 300}}, // more than the first 64 KiB buffer: the buffer grows
	} {
		n := 1
		dims := make([]int, len(test.dims))
		for i, d := range test.dims {
			n *= int(d)
			dims[i] = int(d)
		}
		data := seq(n, 7)
		for _, e := range encodings {
			x, err := mnist.DecodeIDX(bytes.NewReader(e.enc(idxBytes(test.magic, test.dims, data))))
			if err != nil {
				t.Errorf("%s %v: %v", e.name, test.dims, err)
				continue
			}
			if !slices.Equal(x.Dims, dims) {
				t.Errorf("%s %v: Dims = %v", e.name, test.dims, x.Dims)
			}
			if !bytes.Equal(x.Data, data) {
				t.Errorf("%s %v: Data differs", e.name, test.dims)
			}
		}
	}
}

func TestReadImagesLabels(t *testing.T) {
	dir := t.TempDir()
	const n, rows, cols = 3, 2, 4
	pixels := seq(n*rows*cols, 250) // wraps past 255 to cover the whole byte range
	labels := []uint8{9, 0, 4}
	for _, e := range encodings {
		ip := writeFile(t, dir, e.name+"-images", e.enc(idxBytes(0x803, []uint32{n, rows, cols}, pixels)))
		lp := writeFile(t, dir, e.name+"-labels", e.enc(idxBytes(0x801, []uint32{n}, labels)))
		im, err := mnist.ReadImages(ip)
		if err != nil {
			t.Fatal(err)
		}
		if im.N != n || im.Rows != rows || im.Cols != cols || !bytes.Equal(im.Pixels, pixels) {
			t.Errorf("%s: ReadImages = %+v", e.name, im)
		}
		for i := range n {
			if got, want := im.Image(i), pixels[i*rows*cols:(i+1)*rows*cols]; !bytes.Equal(got, want) {
				t.Errorf("%s: Image(%d) = %v, want %v", e.name, i, got, want)
			}
		}
		mustPanic(t, "Image(-1)", func() { im.Image(-1) })
		mustPanic(t, "Image(N)", func() { im.Image(n) })
		got, err := mnist.ReadLabels(lp)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, labels) {
			t.Errorf("%s: ReadLabels = %v, want %v", e.name, got, labels)
		}
	}
}

// formatCases are malformed files; each error message must contain want.
var formatCases = []struct {
	name      string
	file      []byte
	images    bool // read with ReadImages, else ReadLabels
	want      string
	truncated bool // the error wraps io.ErrUnexpectedEOF
}{
	{"one byte", []byte{0}, true, "truncated header", true},
	{"short magic", []byte{0, 0, 8}, false, "truncated header", true},
	{"labels as images", idxBytes(0x801, []uint32{2}, []byte{1, 2}), true, "magic number 0x00000801, want 0x00000803 for images (3 dimensions, not 1)", false},
	{"images as labels", idxBytes(0x803, []uint32{1, 1, 1}, []byte{1}), false, "magic number 0x00000803, want 0x00000801 for labels (1 dimensions, not 3)", false},
	{"bad leading bytes", idxBytes(0x01000803, []uint32{1, 1, 1}, []byte{1}), true, "not an IDX file", false},
	{"text", []byte("hello, world\n"), true, "not an IDX file", false},
	{"float32 data", idxBytes(0x0D01, []uint32{1}, []byte{0, 0, 0, 0}), false, "data type 0x0D (float32) is not supported", false},
	{"unknown data type", idxBytes(0x0701, []uint32{1}, []byte{0}), false, "unknown data type 0x07", false},
	{"zero dimensions", idxBytes(0x0800, nil, []byte{0}), false, "zero dimensions", false},
	{"truncated dimensions", idxBytes(0x803, []uint32{2, 2}, nil), true, "truncated header", true},
	{"truncated data", idxBytes(0x803, []uint32{3, 2, 2}, seq(5, 0)), true, "declare 12 bytes, got 5", true},
	{"no data", idxBytes(0x801, []uint32{4}, nil), false, "declare 4 bytes, got 0", true},
	{"trailing data", idxBytes(0x801, []uint32{2}, []byte{1, 2, 3}), false, "data longer than the 2 bytes", false},
	{"huge dimension", idxBytes(0x803, []uint32{0xFFFFFFFF, 28, 28}, seq(100, 0)), true, "dimension 0 is 4294967295", false},
	{"huge product", idxBytes(0x803, []uint32{60000, 60000, 60000}, seq(100, 0)), true, "60000x60000 declare more than", false},
	{"empty images", idxBytes(0x803, []uint32{5, 0, 28}, nil), true, "images of size 0x28", false},
}

func TestFormatErrors(t *testing.T) {
	dir := t.TempDir()
	check := func(name, path string, err error, want string, truncated bool) {
		t.Helper()
		var fe *mnist.FormatError
		switch {
		case err == nil:
			t.Errorf("%s: no error", name)
		case !errors.As(err, &fe):
			t.Errorf("%s: error %v (%T) is not a *FormatError", name, err, err)
		case fe.File != path:
			t.Errorf("%s: FormatError.File = %q, want %q", name, fe.File, path)
		case !strings.HasPrefix(err.Error(), "mnist: "+path+": ") || !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q, want it to name %s and say %q", name, err, path, want)
		case truncated != errors.Is(err, io.ErrUnexpectedEOF):
			t.Errorf("%s: errors.Is(%q, io.ErrUnexpectedEOF) = %t, want %t", name, err, !truncated, truncated)
		}
	}
	read := func(images bool, path string) error {
		if images {
			_, err := mnist.ReadImages(path)
			return err
		}
		_, err := mnist.ReadLabels(path)
		return err
	}

	p := writeFile(t, dir, "empty", nil)
	check("empty", p, read(true, p), "empty file", false)
	for _, test := range formatCases {
		for _, e := range encodings {
			name := e.name + " " + test.name
			p := writeFile(t, dir, strings.ReplaceAll(name, " ", "-"), e.enc(test.file))
			check(name, p, read(test.images, p), test.want, test.truncated)
		}
	}

	// Damage that only a gzip file can have.
	good := gzipBytes(idxBytes(0x801, []uint32{300}, seq(300, 0)))
	badCRC := slices.Clone(good)
	badCRC[len(badCRC)-8] ^= 0xFF // the CRC-32 is the trailer's first 4 bytes (RFC 1952, section 2.3.1)
	p = writeFile(t, dir, "bad-crc.gz", badCRC)
	err := read(false, p)
	check("gzip bad checksum", p, err, "corrupt gzip stream", false)
	if !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("gzip bad checksum: %v is not gzip.ErrChecksum", err)
	}
	for _, cut := range []int{2, 5, len(good) / 2, len(good) - 1} {
		p := writeFile(t, dir, "cut.gz", good[:cut])
		check("gzip cut", p, read(false, p), "truncated", true)
	}
	p = writeFile(t, dir, "garbage-after.gz", append(slices.Clone(good), make([]byte, 20)...))
	check("gzip trailing garbage", p, read(false, p), "corrupt gzip stream", false)
}

func TestDecodeErrorsNameNoFile(t *testing.T) {
	_, err := mnist.DecodeImages(bytes.NewReader(nil))
	if err == nil || err.Error() != "mnist: empty file" {
		t.Errorf("DecodeImages(empty) error = %v, want \"mnist: empty file\"", err)
	}
	_, err = mnist.DecodeLabels(bytes.NewReader(idxBytes(0x801, []uint32{3}, []byte{1})))
	if want := "mnist: truncated data: dimensions 3 declare 3 bytes, got 1: unexpected EOF"; err == nil || err.Error() != want {
		t.Errorf("DecodeLabels(truncated) error = %v, want %q", err, want)
	}
	_, err = mnist.ReadImages("no/such/file")
	if err == nil || !strings.Contains(err.Error(), "no/such/file") {
		t.Errorf("ReadImages(missing) error = %v, want it to name the file", err)
	}
}

// TestHugeHeaderAllocation checks that a header declaring nearly
// MaxDataLen bytes over a few bytes of data fails without allocating
// anything like what it declares.
func TestHugeHeaderAllocation(t *testing.T) {
	// 4×16384×16384 = 2^30 = MaxDataLen: the largest declaration accepted.
	file := idxBytes(0x803, []uint32{4, 16384, 16384}, seq(1000, 0))
	for _, e := range encodings {
		b := e.enc(file)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := mnist.DecodeIDX(bytes.NewReader(b))
		runtime.ReadMemStats(&after)
		if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: error %v, want truncated data", e.name, err)
		}
		// The reader allocates a 64 KiB first data buffer, a bufio.Reader
		// and for gzip a decompressor (tens of KiB); 1 MiB is ample
		// headroom yet three orders of magnitude below the declaration.
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", e.name, got, len(b))
		}
	}
}
