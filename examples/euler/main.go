package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "euler:", err)
		os.Exit(1)
	}
}

// run parses the flags in args, prints the table to w and writes the plot.
func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("euler", flag.ContinueOnError)
	out := fs.String("out", "euler.png", "`file` for the log-log plot of error against field evaluations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rows, err := study()
	if err != nil {
		return err
	}
	printTable(w, rows)
	if err := plotRows(*out, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nplot written to %s\n", *out)
	return nil
}
