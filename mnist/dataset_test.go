package mnist_test

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/windrose/windrose/mnist"
)

// writeSplit writes a tiny split into dir under the standard names
// (prefix "train" or "t10k"), compressed or not.
func writeSplit(t *testing.T, dir, prefix string, compress bool, n, rows, cols int, labels []uint8) []byte {
	t.Helper()
	pixels := seq(n*rows*cols, byte(n))
	images := idxBytes(0x803, []uint32{uint32(n), uint32(rows), uint32(cols)}, pixels)
	lab := idxBytes(0x801, []uint32{uint32(len(labels))}, labels)
	suffix := ""
	if compress {
		images, lab, suffix = gzipBytes(images), gzipBytes(lab), ".gz"
	}
	writeFile(t, dir, prefix+"-images-idx3-ubyte"+suffix, images)
	writeFile(t, dir, prefix+"-labels-idx1-ubyte"+suffix, lab)
	return pixels
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	trainLabels := []uint8{3, 1, 4, 1, 5}
	testLabels := []uint8{9, 2}
	trainPixels := writeSplit(t, dir, "train", true, 5, 3, 2, trainLabels)
	testPixels := writeSplit(t, dir, "t10k", false, 2, 4, 4, testLabels)
	for _, test := range []struct {
		split      mnist.Split
		n, r, c    int
		pixels     []uint8
		labels     []uint8
		stringForm string
	}{
		{mnist.Train, 5, 3, 2, trainPixels, trainLabels, "train"},
		{mnist.Test, 2, 4, 4, testPixels, testLabels, "test"},
	} {
		d, err := mnist.Load(dir, test.split)
		if err != nil {
			t.Fatalf("Load(%v): %v", test.split, err)
		}
		im := d.Images
		if im.N != test.n || im.Rows != test.r || im.Cols != test.c ||
			!bytes.Equal(im.Pixels, test.pixels) || !bytes.Equal(d.Labels, test.labels) {
			t.Errorf("Load(%v) = %+v, labels %v", test.split, im, d.Labels)
		}
		if s := test.split.String(); s != test.stringForm {
			t.Errorf("String() = %q, want %q", s, test.stringForm)
		}
	}
	mustPanic(t, "Load(Split(2))", func() { mnist.Load(dir, mnist.Split(2)) })
}

func TestLoadErrors(t *testing.T) {
	for _, test := range []struct {
		name   string
		n      int
		labels []uint8
		want   string
	}{
		{"more images", 3, []uint8{1, 2}, "holds 3 images but"},
		{"more labels", 1, []uint8{1, 2}, "holds 1 images but"},
		{"label 10", 3, []uint8{1, 10, 2}, "label 10 at index 1 is not a digit"},
		{"label 255", 2, []uint8{1, 255}, "label 255 at index 1 is not a digit"},
	} {
		dir := t.TempDir()
		writeSplit(t, dir, "train", true, test.n, 2, 2, test.labels)
		_, err := mnist.Load(dir, mnist.Train)
		if err == nil || !strings.Contains(err.Error(), test.want) || !strings.Contains(err.Error(), dir) {
			t.Errorf("%s: error %v, want it to name %s and say %q", test.name, err, dir, test.want)
		}
	}

	// A missing file: the error names both accepted names.
	dir := t.TempDir()
	writeSplit(t, dir, "train", false, 2, 2, 2, []uint8{0, 1})
	_, err := mnist.Load(dir, mnist.Test)
	if err == nil || !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "t10k-images-idx3-ubyte.gz nor t10k-images-idx3-ubyte") {
		t.Errorf("Load(missing test split): error %v", err)
	}
	// A malformed file inside a split is reported as such.
	writeFile(t, dir, "t10k-images-idx3-ubyte.gz", nil)
	writeFile(t, dir, "t10k-labels-idx1-ubyte.gz", idxBytes(0x801, []uint32{0}, nil))
	var fe *mnist.FormatError
	if _, err := mnist.Load(dir, mnist.Test); !errors.As(err, &fe) || fe.Reason != "empty file" {
		t.Errorf("Load(empty images file): error %v, want an empty-file FormatError", err)
	}
}
