package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

// interruptedError ends a command that SIGINT or SIGTERM stopped after it
// wound up cleanly (train writes its checkpoint first). windrose then exits
// with 128 + the signal number, 130 or 143, as a shell reports a process
// killed by that signal: a script can tell an interrupted run from a
// finished one, and a failed wind-up is a plain failure (exit 1) instead.
type interruptedError struct{ sig syscall.Signal }

func (e *interruptedError) Error() string { return "interrupted by " + signalName(e.sig) }

// exitStatus is the exit status for e.
func (e *interruptedError) exitStatus() int { return 128 + int(e.sig) }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// withInterrupt returns a context that SIGINT or SIGTERM cancels, the
// function that stops listening (call it when the command is done), and
// caught, which reports the signal that canceled the context. A parent
// canceled by other means counts as SIGINT: main cancels it on Ctrl-C.
func withInterrupt(parent context.Context) (ctx context.Context, stop func(), caught func() syscall.Signal) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			sig, ok := s.(syscall.Signal)
			if !ok {
				sig = syscall.SIGINT
			}
			cancel(&interruptedError{sig})
		case <-done:
		}
	}()
	stop = func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
	caught = func() syscall.Signal {
		var ie *interruptedError
		if errors.As(context.Cause(ctx), &ie) {
			return ie.sig
		}
		return syscall.SIGINT
	}
	return ctx, stop, caught
}

// beyondCancel returns what err holds besides a context's cancellation:
// nil when err is the cancellation alone, the other errors otherwise. An
// interrupted Train returns the context's error alone when its final
// checkpoint was written and the join of it and the write's error when it
// was not, so errors.Is(err, context.Canceled), true of both, cannot tell
// them apart. Any error that is not a join of the cancellation and others
// is kept whole.
func beyondCancel(err error) error {
	if err == nil || err == context.Canceled || err == context.DeadlineExceeded {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err
	}
	var rest []error
	for _, e := range j.Unwrap() {
		if e := beyondCancel(e); e != nil {
			rest = append(rest, e)
		}
	}
	return errors.Join(rest...)
}

// resumeCommand is the command line that continues the training run of f:
// -resume and -out, and the flags that choose the same images, which a
// resumed run must be given again (-data, -limit); the recipe and the
// limits are in the checkpoint.
func resumeCommand(f *trainFlags, given map[string]bool) string {
	args := []string{"windrose", "train", "-resume", "-out", shellQuote(f.out)}
	if given["data"] {
		args = append(args, "-data", shellQuote(f.data))
	}
	if given["limit"] {
		args = append(args, "-limit", strconv.Itoa(f.limit))
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that need no quoting.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:,=+@%", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isFile reports whether path names an existing regular file.
func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
