package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windrose/windrose/npy"
)

// readImagesNPY reads images as `windrose sample -npy` writes them: uint8
// of shape [N, 28, 28]. It returns the N·784 pixels and N.
func readImagesNPY(path string) ([]uint8, int, error) {
	a, err := npy.Read(path)
	if err != nil {
		return nil, 0, err
	}
	s := a.Shape
	if a.U8 == nil || len(s) != 3 || s[1] != 28 || s[2] != 28 {
		return nil, 0, fmt.Errorf("%s: images of shape %v (uint8: %v), want uint8 [N, 28, 28]", path, s, a.U8 != nil)
	}
	return a.U8, s[0], nil
}

func TestReadNoise(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	vals := make([]float32, 2*784)
	for i := range vals {
		vals[i] = float32(i%7) - 3
	}
	if err := npy.WriteFloat32(path("ok.npy"), vals, 2, 1, 28, 28); err != nil {
		t.Fatal(err)
	}
	got, n, err := readNoise(path("ok.npy"))
	if err != nil || n != 2 || len(got) != len(vals) || got[9] != vals[9] {
		t.Fatalf("readNoise: %d samples, %d values, %v", n, len(got), err)
	}

	nan := append([]float32(nil), vals[:784]...)
	nan[800-784] = float32(math.NaN())
	for _, tc := range []struct {
		name  string
		write func(p string) error
		want  string
	}{
		{"uint8", func(p string) error { return npy.WriteUint8(p, make([]uint8, 784), 1, 1, 28, 28) }, "float32"},
		{"flat", func(p string) error { return npy.WriteFloat32(p, vals, 2, 784) }, "[2 784]"},
		{"images", func(p string) error { return npy.WriteFloat32(p, vals, 2, 28, 28) }, "[2 28 28]"},
		{"none", func(p string) error { return npy.WriteFloat32(p, nil, 0, 1, 28, 28) }, "N ≥ 1"},
		{"nan", func(p string) error { return npy.WriteFloat32(p, nan, 1, 1, 28, 28) }, "value 16 (sample 0)"},
	} {
		p := path(tc.name + ".npy")
		if err := tc.write(p); err != nil {
			t.Fatal(err)
		}
		_, _, err := readNoise(p)
		if !errors.Is(err, npy.ErrFormat) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want an npy.ErrFormat naming the file and %q", tc.name, err, tc.want)
		}
	}
}
