package flowmatch

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSaveToFIFO: a checkpoint is never written into a named pipe (a
// reader could not tell a torn checkpoint from a whole one), and the pipe
// stays a pipe.
func TestSaveToFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(p); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	_, tr := trainedCheckpoint(t)
	if err := tr.Save(p); err == nil {
		t.Error("Save to a named pipe succeeded")
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("after Save: %v, %v; want a named pipe", fi.Mode(), err)
	}
}
