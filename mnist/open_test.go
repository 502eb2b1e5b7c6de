package mnist_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/windrose/windrose/mnist"
)

// TestReadNotRegular: ReadImages, ReadLabels and Load refuse a FIFO or a
// directory at once, naming it, instead of blocking: opening a FIFO waits
// for a writer that never comes (issue 11).
func TestReadNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "train-images-idx3-ubyte")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	sub := filepath.Join(dir, "train-labels-idx1-ubyte")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		read       func() error
	}{
		{"ReadImages FIFO", fifo, func() error { _, err := mnist.ReadImages(fifo); return err }},
		{"ReadLabels FIFO", fifo, func() error { _, err := mnist.ReadLabels(fifo); return err }},
		{"ReadLabels directory", sub, func() error { _, err := mnist.ReadLabels(sub); return err }},
		{"Load", fifo, func() error { _, err := mnist.Load(dir, mnist.Train); return err }},
	} {
		done := make(chan error, 1)
		go func() { done <- tc.read() }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: error %v, want one naming %s as not a regular file", tc.name, err, tc.path)
			}
		case <-time.After(10 * time.Second):
			// Release the reader blocked in open(2).
			if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				w.Close()
			}
			t.Fatalf("%s: blocked on %s", tc.name, tc.path)
		}
	}
}
