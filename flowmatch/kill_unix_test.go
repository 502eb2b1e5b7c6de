//go:build unix

package flowmatch

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// killChildEnv, when set, makes the test binary a training child: it runs
// the kill test's run (a new one, or a resumed one when its checkpoint
// exists) to its end and exits.
const killChildEnv = "WINDROSE_KILL_TEST_CHILD"

// killRunConfig is the run the kill test interrupts: a checkpoint after
// every step, so that most kills land inside a checkpoint write.
func killRunConfig(path string) Config {
	cfg := tinyConfig()
	cfg.MaxSteps = 300
	cfg.ScheduleSteps = 300
	cfg.Checkpoint = path
	cfg.CheckpointSteps = 1
	return cfg
}

func TestMain(m *testing.M) {
	if path := os.Getenv(killChildEnv); path != "" {
		os.Exit(killChild(path))
	}
	os.Exit(m.Run())
}

func killChild(path string) int {
	data := blobImages(48, 28, 28, 9)
	var tr *Trainer
	var err error
	if _, serr := os.Stat(path); serr == nil {
		tr, err = Resume(path, data, Config{})
	} else {
		tr, err = NewTrainer(killRunConfig(path), data)
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 2
	}
	if _, err := tr.Train(context.Background()); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 3
	}
	return 0
}

// TestKillResume runs a training run as a child process, SIGKILLs it at
// random moments (most of them inside a checkpoint write, which happens
// after every step) and resumes it, 12 times, then lets it finish; the
// final weights, EMA, optimiser state and losses must equal an
// uninterrupted run's bit for bit. The temporary files the kills orphaned
// are removed by the next write once they are over a minute old (younger
// ones may belong to a writer still at work): aged by hand here, they must
// be gone after one more checkpoint.
func TestKillResume(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.safetensors")
	rng := rand.New(rand.NewPCG(11, 12))
	const wantKills = 12
	kills, starts := 0, 0
	for done := false; !done; {
		if starts > 100 {
			t.Fatalf("no child finished in %d starts (%d killed)", starts, kills)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+path)
		out := &limitedBuffer{}
		cmd.Stderr = out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		starts++
		wait := make(chan error, 1)
		go func() { wait <- cmd.Wait() }()
		// Kill after 30 to 330 ms, until wantKills kills (the run takes
		// seconds, so most land before its end); a child that finishes
		// first is done.
		limit := time.Duration(30+rng.IntN(300)) * time.Millisecond
		if kills >= wantKills {
			limit = time.Hour
		}
		select {
		case err := <-wait:
			if err != nil {
				t.Fatalf("child exited with %v: %s", err, out.b)
			}
			done = true
		case <-time.After(limit):
			cmd.Process.Signal(syscall.SIGKILL)
			err := <-wait
			var ee *exec.ExitError
			if err == nil {
				done = true // it finished just before the signal
			} else if errors.As(err, &ee) && !ee.Exited() {
				kills++
			} else {
				t.Fatalf("child failed on its own: %v: %s", err, out.b)
			}
		}
	}
	if kills < 3 {
		t.Fatalf("only %d kills in %d starts: the test did not interrupt the run", kills, starts)
	}
	t.Logf("%d starts, %d killed", starts, kills)

	straight := killRunConfig("")
	want, _, err := Train(context.Background(), straight, blobImages(48, 28, 28, 9))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Resume(path, blobImages(48, 28, 28, 9), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Step() != straight.MaxSteps {
		t.Fatalf("the killed run's checkpoint is at step %d, want %d", got.Step(), straight.MaxSteps)
	}
	sameBits(t, "killed and resumed", snapshot(got), snapshot(want))

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Minute)
	for _, e := range entries {
		if e.Name() != "run.safetensors" {
			if err := os.Chtimes(filepath.Join(dir, e.Name()), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := got.Save(path); err != nil {
		t.Fatal(err)
	}
	if entries, err = os.ReadDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "run.safetensors" {
			t.Errorf("left beside the checkpoint after a later write: %s", e.Name())
		}
	}
}

// limitedBuffer keeps the first 4 KiB written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if n := 4096 - len(l.b); n > 0 {
		l.b = append(l.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}
