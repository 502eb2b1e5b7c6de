package mnist_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// idxBytes builds an IDX file by hand, following the format on the MNIST
// page: magic number and dimensions as big-endian uint32, then the data.
func idxBytes(magic uint32, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(data)
	return b.Bytes()
}

// gzipBytes compresses b into one gzip member.
func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// seq returns n bytes counting up from start, wrapping at 256.
func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// writeFile writes b to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// encodings are the two ways a file can be stored.
var encodings = []struct {
	name string
	enc  func([]byte) []byte
}{
	{"raw", func(b []byte) []byte { return b }},
	{"gzip", gzipBytes},
}

// mustPanic fails t unless f panics with a message starting "mnist: ".
func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, ok := r.(string); !ok || len(s) < 7 || s[:7] != "mnist: " {
			t.Errorf("%s: recovered %v, want a panic with a \"mnist: \" message", name, r)
		}
	}()
	f()
}
