package mnist_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/windrose/windrose/mnist"
)

// TestRealMNIST loads the copy of MNIST in the GoMNIST module. go.sum
// vouches for that module and `go test` can fetch it, so the test always
// runs. The expected values were computed from the same files by
// testdata/mnist_stats.py, which reads them with Python's gzip and struct
// modules only; its output is quoted in the comments.
func TestRealMNIST(t *testing.T) {
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	// DefaultDir must find the module in the cache at the escaped path.
	if want := filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+mnist.ModuleVersion, "data"); !strings.HasSuffix(dir, want) {
		t.Errorf("DefaultDir() = %q, want a path ending in %q", dir, want)
	}
	for _, test := range []struct {
		split mnist.Split
		n     int
		// "label histogram", "first labels", "pixel sum",
		// "pixel sum of image 0" and "of the last image".
		hist          [10]int
		labels        []uint8
		sum           int
		sum0, sumLast int
	}{
		{
			mnist.Train, 60000,
			[10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
			[]uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4},
			1567298545, 27525, 20920,
		},
		{
			mnist.Test, 10000,
			[10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
			[]uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9},
			264923200, 18454, 41833,
		},
	} {
		d, err := mnist.Load(dir, test.split)
		if err != nil {
			t.Fatal(err)
		}
		im := d.Images
		if im.N != test.n || im.Rows != 28 || im.Cols != 28 || len(d.Labels) != test.n {
			t.Fatalf("%v: %d images of %dx%d, %d labels", test.split, im.N, im.Rows, im.Cols, len(d.Labels))
		}
		var hist [10]int
		for _, l := range d.Labels {
			hist[l]++
		}
		if hist != test.hist {
			t.Errorf("%v: label histogram %v, want %v", test.split, hist, test.hist)
		}
		// Sanity independent of the golden values: every digit holds
		// between 8% and 12% of the split (MNIST is nearly balanced).
		for digit, c := range hist {
			if c < test.n*8/100 || c > test.n*12/100 {
				t.Errorf("%v: digit %d has %d of %d images", test.split, digit, c, test.n)
			}
		}
		if !slices.Equal(d.Labels[:10], test.labels) {
			t.Errorf("%v: first labels %v, want %v", test.split, d.Labels[:10], test.labels)
		}
		if got := sum(im.Pixels); got != test.sum {
			t.Errorf("%v: pixel sum %d, want %d", test.split, got, test.sum)
		}
		if got := sum(im.Image(0)); got != test.sum0 {
			t.Errorf("%v: pixel sum of image 0 = %d, want %d", test.split, got, test.sum0)
		}
		if got := sum(im.Image(im.N - 1)); got != test.sumLast {
			t.Errorf("%v: pixel sum of the last image = %d, want %d", test.split, got, test.sumLast)
		}
	}
}

func sum(b []uint8) int {
	s := 0
	for _, v := range b {
		s += int(v)
	}
	return s
}
