package mnist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Split selects one of the two parts of MNIST.
type Split int

const (
	// Train is the training set: 60,000 images.
	Train Split = iota
	// Test is the test set: 10,000 images.
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	switch s {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return fmt.Sprintf("Split(%d)", int(s))
}

// fileNames returns the standard names of the split's files (as on the
// MNIST page and in the GoMNIST module), without the ".gz" suffix.
func (s Split) fileNames() (images, labels string) {
	switch s {
	case Train:
		return "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
	case Test:
		return "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
	}
	panic(fmt.Sprintf("mnist: invalid split %d", int(s)))
}

// Dataset is one split of MNIST: images and their labels.
type Dataset struct {
	Images *Images

	// Labels[i] is the digit, 0 to 9, drawn in image i;
	// len(Labels) == Images.N.
	Labels []uint8
}

// Load reads one split of MNIST from dir, which holds the standard files
// (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) or the same names
// without ".gz"; whether a file is compressed is read from its content.
// It checks that there are as many labels as images and that every label
// is a digit. DefaultDir finds the copy in the Go module cache. Load
// panics if split is neither Train nor Test.
func Load(dir string, split Split) (*Dataset, error) {
	imagesName, labelsName := split.fileNames()
	imagesPath, err := findFile(dir, imagesName)
	if err != nil {
		return nil, err
	}
	labelsPath, err := findFile(dir, labelsName)
	if err != nil {
		return nil, err
	}
	images, err := ReadImages(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := ReadLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != images.N {
		return nil, fmt.Errorf("mnist: %s holds %d images but %s holds %d labels",
			imagesPath, images.N, labelsPath, len(labels))
	}
	for i, l := range labels {
		if l > 9 {
			return nil, formatError(labelsPath, "label %d at index %d is not a digit", l, i)
		}
	}
	return &Dataset{Images: images, Labels: labels}, nil
}

// findFile returns the path of name.gz or, failing that, name in dir.
func findFile(dir, name string) (string, error) {
	for _, n := range []string{name + ".gz", name} {
		p := filepath.Join(dir, n)
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("mnist: %w", err)
		}
	}
	return "", fmt.Errorf("mnist: %s holds neither %s.gz nor %s (%w)", dir, name, name, fs.ErrNotExist)
}
