package mnist

import (
	"fmt"
	"os"
)

// openRegular opens path for reading if it is a regular file. A FIFO would
// block the reader (open(2) itself waits for a writer, and the data may
// never end) and a device may be endless, so anything else is refused with
// an error naming the file. The mode is checked before opening, since
// opening is what blocks on a FIFO, and again on the open file, in case the
// path was replaced in between.
func openRegular(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(path, info)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("mnist: %w", err)
		}
		return nil, notRegular(path, info)
	}
	return f, nil
}

func notRegular(path string, info os.FileInfo) error {
	return fmt.Errorf("mnist: %s: not a regular file (mode %v); IDX data are read from files only", path, info.Mode())
}
