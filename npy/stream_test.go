package npy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/windrose/windrose/npy"
)

// TestUint8Writer: an array written in pieces is byte for byte WriteUint8's,
// and a short, long or aborted stream leaves no file.
func TestUint8Writer(t *testing.T) {
	dir := t.TempDir()
	data := make([]uint8, 3*4*5)
	for i := range data {
		data[i] = uint8(7 * i)
	}
	whole := filepath.Join(dir, "whole.npy")
	if err := npy.WriteUint8(whole, data, 3, 4, 5); err != nil {
		t.Fatal(err)
	}
	streamed := filepath.Join(dir, "streamed.npy")
	w, err := npy.NewUint8Writer(streamed, 3, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, piece := range [][]uint8{data[:7], data[7:7], data[7:40], data[40:]} {
		if _, err := w.Write(piece); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(streamed); err == nil {
			t.Fatal("the file appeared before Close")
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(whole)
	b, _ := os.ReadFile(streamed)
	if !bytes.Equal(a, b) {
		t.Errorf("streamed file (%d bytes) differs from WriteUint8's (%d bytes)", len(b), len(a))
	}
	if err := w.Close(); err == nil {
		t.Error("a second Close succeeded")
	}

	bad := filepath.Join(dir, "bad.npy")
	short, _ := npy.NewUint8Writer(bad, 2, 3)
	short.Write([]byte{1, 2, 3})
	if err := short.Close(); err == nil {
		t.Error("Close after 3 of 6 values succeeded")
	}
	long, _ := npy.NewUint8Writer(bad, 2)
	if _, err := long.Write([]byte{1, 2, 3}); err == nil {
		t.Error("writing 3 values into shape [2] succeeded")
	}
	if err := long.Close(); err == nil {
		t.Error("Close after an overlong Write succeeded")
	}
	aborted, _ := npy.NewUint8Writer(bad, 1)
	aborted.Write([]byte{9})
	aborted.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("%d entries in the directory, want the 2 complete files", len(ents))
	}
	if _, err := npy.NewUint8Writer(filepath.Join(dir, "missing", "x.npy"), 1); err == nil {
		t.Error("NewUint8Writer into a missing directory succeeded")
	}
}
