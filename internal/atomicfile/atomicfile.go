// Package atomicfile writes files so that a crash never leaves a torn one:
// checkpoints, image mosaics, .npy arrays, CSV trajectories and loss curves all
// go through Write, or through Create for content written piece by piece.
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
func Write(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

// File is a file being written atomically, piece by piece, for content too
// large to produce in one call of Write's function: Create it, Write to it,
// then Commit (the file appears at its path, as with Write) or Abort (the
// temporary file is removed and the old file stays as it was). A File is
// buffered and not safe for concurrent use.
type File struct {
	path, tmp string // tmp is empty when writing a device or pipe in place
	f         *os.File
	w         *bufio.Writer
	done      bool
}

// Create starts writing path atomically, with Write's rules: a temporary
// file beside path, or path itself in place when it exists and is not a
// regular file; a directory is an error. Errors name the path.
func Create(path string) (*File, error) {
	if fi, serr := os.Stat(path); serr == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return nil, fmt.Errorf("writing %s: is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
		return &File{path: path, f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &File{path: path, tmp: f.Name(), f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// Write writes p to the file's buffer; errors name the path.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, fmt.Errorf("writing %s: file already committed or aborted", f.path)
	}
	n, err := f.w.Write(p)
	if err != nil {
		err = fmt.Errorf("writing %s: %w", f.path, err)
	}
	return n, err
}

// Commit flushes, syncs and closes the file and renames it over its path,
// then syncs the directory. On failure the temporary file is removed. A
// second Commit, or a Commit after Abort, is an error.
func (f *File) Commit() (err error) {
	if f.done {
		return fmt.Errorf("writing %s: file already committed or aborted", f.path)
	}
	f.done = true
	defer func() {
		if err != nil {
			f.f.Close()
			if f.tmp != "" {
				os.Remove(f.tmp)
			}
			err = fmt.Errorf("writing %s: %w", f.path, err)
		}
	}()
	if err = f.w.Flush(); err != nil {
		return err
	}
	if f.tmp == "" {
		return f.f.Close()
	}
	if err = f.f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.f.Sync(); err != nil {
		return err
	}
	if err = f.f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.tmp, f.path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(f.path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort closes the file and removes the temporary file, leaving the path
// as it was. It does nothing after Commit or a first Abort.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	if f.tmp != "" {
		os.Remove(f.tmp)
	}
}
