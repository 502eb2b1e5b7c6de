package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// printList writes the tables of "windrose solve -list": the built-in methods
// and the built-in problems.
func printList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tORDER\tEMBEDDED\tSTAGES\tFSAL\tDENSE OUTPUT")
	for _, m := range ode.Methods() {
		embedded := "-"
		if m.BErr != nil {
			embedded = fmt.Sprint(m.ErrorOrder)
		}
		// Without an interpolant of its own the solver falls back to the
		// cubic Hermite interpolant (see ode.Tableau.Dense).
		dense := "cubic Hermite"
		if m.Dense != nil {
			dense = fmt.Sprintf("own, order %d", m.Dense.Order)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%s\n", m.Name, m.Order, embedded, len(m.C), yesNo(m.FSAL), dense)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "PROBLEM\tDIM\tSPAN\tEXACT")
	for _, p := range field.Problems() {
		exact := "no"
		if _, ok := p.Field.(field.Exacter); ok {
			exact = "yes"
		} else if p.Exact != nil {
			exact = "at t1 only"
		}
		fmt.Fprintf(tw, "%s\t%d\t[%s, %s]\t%s\n", p.Name, len(p.X0), ftoa(p.T0), ftoa(p.T1), exact)
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
