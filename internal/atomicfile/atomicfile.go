// Package atomicfile writes files so that a crash never leaves a torn one:
// checkpoints, image mosaics, .npy arrays, CSV trajectories and loss curves all
// go through Write.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes the content that write produces to path, atomically: into a
// temporary file in the same directory, flushed and synced, renamed over
// path, and the directory synced so that the rename itself survives a crash.
// A reader sees the old file or the new one, never a half-written one; a
// failure at any point, in write too, removes the temporary file and leaves
// the old file as it was. The new file gets mode 0644 (CreateTemp makes 0600).
//
// A path that exists and is not a regular file (/dev/stdout, /dev/null, a
// named pipe) is written in place instead: renaming over it would replace the
// device or pipe with a plain file. A directory is an error.
//
// Errors name the path.
func Write(path string, write func(w io.Writer) error) (err error) {
	if fi, serr := os.Stat(path); serr == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("writing %s: is a directory", path)
		}
		return writeInPlace(path, write)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err = write(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// writeInPlace writes to an existing non-regular file (a device or a pipe).
func writeInPlace(path string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
