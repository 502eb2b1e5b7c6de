//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTrainSIGTERM sends SIGTERM to the test process while train runs:
// train catches it, writes its checkpoint and exits 143.
func TestTrainSIGTERM(t *testing.T) {
	quietProgress(t)
	dir := t.TempDir()
	writeIDX(t, dir, 8)
	ck := filepath.Join(dir, "fm.safetensors")
	var o, e syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(context.Background(), []string{"train", "-data", dir, "-out", ck, "-base", "8", "-batch", "4", "-steps", "1000000000"}, &o, &e)
	}()
	// train listens for the signal before it prints its "training:" line;
	// a SIGTERM before that would kill the test process.
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(o.String(), "training:") {
		select {
		case c := <-code:
			t.Fatalf("train ended (exit %d) before training:\n%s\n%s", c, o.String(), e.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("train did not start:\n%s\n%s", o.String(), e.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 143 {
			t.Fatalf("exit %d, want 143\n%s\n%s", c, o.String(), e.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("train did not stop on SIGTERM")
	}
	contains(t, "output", o.String(), "stopped (canceled)", "interrupted: continue with windrose train -resume -out "+ck+" -data "+dir+"\n")
	contains(t, "stderr", e.String(), "windrose train: interrupted by SIGTERM")
	if _, err := os.Stat(ck); err != nil {
		t.Error(err)
	}
}
