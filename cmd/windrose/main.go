package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
)

// command is one subcommand: windrose <name> [flags].
type command struct {
	// name is the word that selects the command on the command line.
	name string
	// summary is the one line shown by "windrose help".
	summary string
	// run parses args with the command's own flag.FlagSet and does the work.
	// Ordinary output goes to stdout. It returns flag.ErrHelp after printing
	// the usage for -h, a *usageError for a usage mistake, and any other
	// error for a failure at run time.
	run func(ctx context.Context, args []string, stdout io.Writer) error
}

// commands is the dispatch table, filled by register from each command's
// own file.
var commands []command

// register adds c to the dispatch table. It panics on a duplicate name, a
// programming mistake that every run would hit.
func register(c command) {
	if lookup(c.name) != nil {
		panic("windrose: command " + c.name + " registered twice")
	}
	commands = append(commands, c)
	slices.SortFunc(commands, func(a, b command) int { return strings.Compare(a.name, b.name) })
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // a run-time failure
	exitUsage   = 2 // a usage error, as the flag package uses
)

func main() {
	// Interrupt cancels the context, so a long solve (or, later, training)
	// stops cleanly at its next check instead of being killed mid-write.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args (without the program name) and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "windrose: no command given")
		usage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(ctx, rest, stdout, stderr)
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "windrose: unknown command %q (commands: %s)\n", name, commandNames())
		fmt.Fprintln(stderr, "Run 'windrose help' for usage.")
		return exitUsage
	}
	return exitCode(c.name, c.run(ctx, rest, stdout), stderr)
}

// help implements "windrose help [command]".
func help(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		usage(stdout)
		return exitOK
	case 1:
		c := lookup(args[0])
		if c == nil {
			fmt.Fprintf(stderr, "windrose help: unknown command %q (commands: %s)\n", args[0], commandNames())
			return exitUsage
		}
		return exitCode(c.name, c.run(ctx, []string{"-h"}, stdout), stderr)
	default:
		fmt.Fprintln(stderr, "windrose help: want at most one command name")
		return exitUsage
	}
}

// exitCode reports err on stderr and maps it to the exit code.
func exitCode(name string, err error, stderr io.Writer) int {
	var ue *usageError
	var ie *interruptedError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "windrose %s: %v\n", name, err)
		return ie.exitStatus()
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "windrose %s: %v\n", name, err)
		fmt.Fprintf(stderr, "Run 'windrose help %s' for usage.\n", name)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "windrose %s: %v\n", name, err)
		return exitFailure
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Usage:\n\n\twindrose <command> [flags]\n\twindrose help [command]\n\nCommands:\n\n")
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "\t%s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nRun 'windrose help <command>' for a command's flags.")
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a *usageError with a formatted message; %w is honoured.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// newFlagSet returns a FlagSet for the command name whose usage text (printed
// for -h) is the synopsis line, the description and the flags.
func newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: windrose %s %s\n\n%s\nFlags:\n", name, synopsis, description)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs. For -h it prints the usage to stdout and
// returns flag.ErrHelp; a bad flag or a stray argument is a *usageError. It
// returns the names of the flags given on the command line, so a command can
// tell "not given" from "given as the zero value".
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (given map[string]bool, err error) {
	// The flag package would print its error and the whole usage to the
	// output; the error alone (with a pointer to help) reads better, so
	// printing is left to exitCode.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, flag.ErrHelp
		}
		return nil, &usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q (flags come as -name value)", fs.Arg(0))
	}
	given = make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given, nil
}
