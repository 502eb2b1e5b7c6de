package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
)

// printTable writes the rows as an aligned table; a method's first row has
// no observed order and shows "-".
func printTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "x' = (x + t² − 2)/(t + 1), x(0) = 2 on [0, 5]; error = max |x − exact| over the grid")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tsteps\trtol\tmax error\tevals\torder\t")
	for _, r := range rows {
		steps, rtol, order := "-", "-", "-"
		if r.steps > 0 {
			steps = fmt.Sprint(r.steps)
		}
		if r.rtol > 0 {
			rtol = fmt.Sprintf("%.0e", r.rtol)
		}
		if !math.IsNaN(r.order) {
			order = fmt.Sprintf("%.2f", r.order)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3e\t%d\t%s\t\n", r.method, steps, rtol, r.maxErr, r.evals, order)
	}
	tw.Flush()
}
