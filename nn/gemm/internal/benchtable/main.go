// Copyright ©2026 The windrose Authors. All rights reserved.

// Command benchtable turns the output of
//
//	go test -run '^$' -bench Sgemm -count N ./nn/gemm
//
// (read from standard input) into the Markdown table of docs/gemm.md: one
// row per product shape, one column per implementation, each cell the
// median GFLOP/s over the N runs. Lines that are not BenchmarkSgemm
// results are ignored. When the input holds runs at several GOMAXPROCS
// values (go test -cpu 1,2), each gets its own columns, "impl ×1", "impl ×2".
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A result line looks like
//
//	BenchmarkSgemm/conv_64-64_3x3_28/fwd/windrose-2   1234   456 ns/op   78.9 GFLOP/s
var line = regexp.MustCompile(`^BenchmarkSgemm/(\S+)/([^/\s]+?)(?:-(\d+))?\s+\d+\s+.*?([0-9.]+) GFLOP/s`)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(r io.Reader, w io.Writer) error {
	type result struct {
		shape, impl, procs string
		v                  float64
	}
	var results []result
	procs := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			return err
		}
		// go test leaves the -GOMAXPROCS suffix off when it is 1.
		p := m[3]
		if p == "" {
			p = "1"
		}
		results = append(results, result{m[1], m[2], p, v})
		procs[p] = true
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var shapes, impls []string
	runs := map[[2]string][]float64{}
	for _, res := range results {
		shape, impl, v := res.shape, res.impl, res.v
		if len(procs) > 1 {
			impl += " ×" + res.procs
		}
		if !slices.Contains(shapes, shape) {
			shapes = append(shapes, shape)
		}
		if !slices.Contains(impls, impl) {
			impls = append(impls, impl)
		}
		runs[[2]string{shape, impl}] = append(runs[[2]string{shape, impl}], v)
	}
	if len(shapes) == 0 {
		return fmt.Errorf("no BenchmarkSgemm results in the input")
	}
	fmt.Fprintf(w, "| layer/pass_TT_m×n×k | %s |\n", strings.Join(impls, " | "))
	fmt.Fprintf(w, "|---|%s\n", strings.Repeat("---:|", len(impls)))
	for _, s := range shapes {
		cells := make([]string, len(impls))
		for i, impl := range impls {
			v := runs[[2]string{s, impl}]
			if len(v) == 0 {
				cells[i] = "–"
				continue
			}
			cells[i] = fmt.Sprintf("%.1f", median(v))
		}
		fmt.Fprintf(w, "| %s | %s |\n", s, strings.Join(cells, " | "))
	}
	return nil
}

// median returns the median of v (the mean of the middle two for an even
// count). It sorts v.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
