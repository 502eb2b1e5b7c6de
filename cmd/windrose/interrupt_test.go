package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainInterruptedSaveFails: when the final checkpoint cannot be
// written, an interrupted run is a failure (exit 1) that reports the write
// error, and it prints no command to resume from a file that does not
// exist (issue 11: it exited 0 with such a hint).
func TestTrainInterruptedSaveFails(t *testing.T) {
	quietProgress(t)
	dir := t.TempDir()
	writeIDX(t, dir, 8)
	// A directory that does not exist: the write fails even for root,
	// whom a read-only directory would not stop.
	ck := filepath.Join(dir, "gone", "fm.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	if code := run(ctx, []string{"train", "-data", dir, "-out", ck, "-base", "8", "-batch", "4"}, &o, &e); code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailure, o.String(), e.String())
	}
	contains(t, "stderr", e.String(), "interrupted by SIGINT, and the final checkpoint could not be written", ck)
	if strings.Contains(e.String(), "context canceled") {
		t.Errorf("stderr reports the cancellation as the failure:\n%s", e.String())
	}
	if strings.Contains(o.String(), "-resume") {
		t.Errorf("a resume hint for a checkpoint that was not written:\n%s", o.String())
	}
}

func TestBeyondCancel(t *testing.T) {
	disk := errors.New("no space left on device")
	for _, tc := range []struct {
		name string
		err  error
		want error // nil: nothing beyond the cancellation
	}{
		{"nil", nil, nil},
		{"canceled", context.Canceled, nil},
		{"deadline", context.DeadlineExceeded, nil},
		{"joined alone", errors.Join(context.Canceled, nil), nil},
		{"joined with a save error", errors.Join(context.Canceled, disk), disk},
		{"save error", disk, disk},
		{"wrapped cancellation", fmt.Errorf("saving: %w", context.Canceled), context.Canceled},
	} {
		got := beyondCancel(tc.err)
		switch {
		case tc.want == nil && got != nil:
			t.Errorf("%s: %v, want nil", tc.name, got)
		case tc.want != nil && !errors.Is(got, tc.want):
			t.Errorf("%s: %v, want an error wrapping %v", tc.name, got, tc.want)
		case tc.want == disk && errors.Is(got, context.Canceled):
			t.Errorf("%s: %v still holds the cancellation", tc.name, got)
		}
	}
}

func TestResumeCommand(t *testing.T) {
	for _, tc := range []struct {
		f     trainFlags
		given map[string]bool
		want  string
	}{
		{trainFlags{out: "fm.safetensors"}, nil, "windrose train -resume -out fm.safetensors"},
		{trainFlags{out: "/tmp/a b/fm.safetensors", data: "it's", limit: 100},
			map[string]bool{"data": true, "limit": true},
			`windrose train -resume -out '/tmp/a b/fm.safetensors' -data 'it'\''s' -limit 100`},
		// Flags not given are not repeated: the defaults apply again.
		{trainFlags{out: "x", data: "d", limit: 5}, map[string]bool{}, "windrose train -resume -out x"},
	} {
		if got := resumeCommand(&tc.f, tc.given); got != tc.want {
			t.Errorf("resumeCommand(%+v) = %s, want %s", tc.f, got, tc.want)
		}
	}
}

// TestResumeHintResumes: the printed command, run as it is, continues the
// run (it needs -limit: a resumed run must see the same images).
func TestResumeHintResumes(t *testing.T) {
	quietProgress(t)
	dir := t.TempDir()
	writeIDX(t, dir, 8)
	ck := filepath.Join(dir, "fm.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	if code := run(ctx, []string{"train", "-data", dir, "-out", ck, "-base", "8", "-batch", "4", "-limit", "6"}, &o, &e); code != 130 {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, o.String(), e.String())
	}
	_, hint, ok := strings.Cut(o.String(), "interrupted: continue with windrose ")
	if !ok {
		t.Fatalf("no resume hint:\n%s", o.String())
	}
	hint, _, _ = strings.Cut(hint, "\n")
	args := append(strings.Fields(hint), "-steps", "1")
	wantRun(t, exitOK, args...)
	if _, err := os.Stat(ck); err != nil {
		t.Error(err)
	}
}
