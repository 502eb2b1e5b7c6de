package npy_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/windrose/windrose/npy"
)

// The files under testdata/npy are written by NumPy 1.24
// (testdata/gen.py); their values are formulas recomputed here.

func TestReadNPYNumPyFiles(t *testing.T) {
	noise, err := npy.Read("testdata/noise_f4.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(noise.Shape, []int{2, 1, 28, 28}) || noise.U8 != nil || len(noise.F32) != 2*784 {
		t.Fatalf("noise: shape %v, %d float32, %d uint8", noise.Shape, len(noise.F32), len(noise.U8))
	}
	for i, v := range noise.F32 {
		if want := float32(float64(i%97)/8 - 6); v != want {
			t.Fatalf("noise[%d] = %v, want %v", i, v, want)
		}
	}
	img, err := npy.Read("testdata/images_u1.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(img.Shape, []int{3, 28, 28}) || img.F32 != nil || len(img.U8) != 3*784 {
		t.Fatalf("images: shape %v, %d float32, %d uint8", img.Shape, len(img.F32), len(img.U8))
	}
	for i, v := range img.U8 {
		if want := uint8(7 * i % 256); v != want {
			t.Fatalf("pixel %d = %d, want %d", i, v, want)
		}
	}
	for _, name := range []string{"big_f4.npy", "v2_f4.npy"} {
		a, err := npy.Read(filepath.Join("testdata", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(a.Shape) != 2 || a.Shape[0] != 2 || a.Shape[1] != 3 || a.U8 != nil {
			t.Errorf("%s: shape %v", name, a.Shape)
		}
		for i, v := range a.F32 {
			if want := float32(i) / 4; v != want {
				t.Errorf("%s: [%d] = %v, want %v", name, i, v, want)
			}
		}
	}
}

// TestWriteNPYMatchesNumPy writes the NumPy test images again and compares
// the bytes: header, padding and data are NumPy's.
func TestWriteNPYMatchesNumPy(t *testing.T) {
	want, err := os.ReadFile("testdata/images_u1.npy")
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]uint8, 3*784)
	for i := range pix {
		pix[i] = uint8(7 * i % 256)
	}
	p := filepath.Join(t.TempDir(), "out.npy")
	if err := npy.WriteUint8(p, pix, 3, 28, 28); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("WriteNPYUint8 output differs from NumPy's:\n%q\n%q", got[:128], want[:128])
	}
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	f := []float32{1.5, -2, 0, 3.25e-3, 7, 8}
	for _, shape := range [][]int{{6}, {2, 3}, {1, 2, 3}, {6, 1}} {
		p := filepath.Join(dir, "f.npy")
		if err := npy.WriteFloat32(p, f, shape...); err != nil {
			t.Fatal(err)
		}
		a, err := npy.Read(p)
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		if len(a.Shape) != len(shape) {
			t.Fatalf("shape %v read back as %v", shape, a.Shape)
		}
		for i := range shape {
			if a.Shape[i] != shape[i] {
				t.Fatalf("shape %v read back as %v", shape, a.Shape)
			}
		}
		for i := range f {
			if a.F32[i] != f[i] {
				t.Fatalf("shape %v: [%d] = %v, want %v", shape, i, a.F32[i], f[i])
			}
		}
	}
	p := filepath.Join(dir, "empty.npy")
	if err := npy.WriteUint8(p, []uint8{}, 0, 28, 28); err != nil {
		t.Fatal(err)
	}
	if a, err := npy.Read(p); err != nil || !slices.Equal(a.Shape, []int{0, 28, 28}) || a.U8 == nil || len(a.U8) != 0 || a.F32 != nil {
		t.Errorf("empty images: %+v, %v", a, err)
	}
	mustPanic(t, "npy: shape [3] holds 3 values, have 2", func() { npy.WriteUint8(p, []uint8{1, 2}, 3) })
	mustPanic(t, "npy: shape [2 -1] has a negative dimension", func() { npy.WriteFloat32(p, nil, 2, -1) })
}

func TestReadNPYErrors(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("testdata/noise_f4.npy")
	if err != nil {
		t.Fatal(err)
	}
	hdr := func(h string) []byte {
		b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
		return append(b, h...)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "magic"},
		{"not npy", []byte("PK\x03\x04 this is a zip file"), "magic"},
		{"version", append([]byte("\x93NUMPY\x04\x00"), 0, 0), "version 4.0"},
		{"header cut", good[:50], "truncated"},
		{"data cut", good[:len(good)-3], "truncated"},
		{"extra data", append(append([]byte{}, good...), 1, 2, 3, 4), "4 bytes after"},
		{"fortran", mustRead(t, "testdata/fortran_f4.npy"), "fortran_order"},
		{"int64", mustRead(t, "testdata/int64.npy"), "dtype \"<i8\""},
		{"not a dict", hdr("[1, 2]\n"), "dict"},
		{"missing shape", hdr("{'descr': '<f4', 'fortran_order': False, }\n"), "shape"},
		{"bad shape", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }\n"), "shape"},
		{"unknown key", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}\n"), "unknown key"},
		{"huge shape", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }\n"), "cannot fit"},
	} {
		_, err := npy.Read(write(tc.name+".npy", tc.data))
		if !errors.Is(err, npy.ErrFormat) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name+".npy") {
			t.Errorf("%s: error %v, want npy.ErrFormat mentioning %q and the file", tc.name, err, tc.want)
		}
	}
	if _, err := npy.Read(filepath.Join(dir, "absent.npy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// mustPanic checks that f panics with the message want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	f()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
