// Copyright ©2026 The windrose Authors. All rights reserved.

package main

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	in := `goos: linux
BenchmarkSgemm/a/fwd/windrose-2   10  100 ns/op   3.0 GFLOP/s
BenchmarkSgemm/a/fwd/gonum-2      10  100 ns/op   1.0 GFLOP/s
BenchmarkSgemm/a/fwd/windrose-2   10  100 ns/op   1.0 GFLOP/s
BenchmarkSgemm/a/fwd/windrose-2   10  100 ns/op   2.0 GFLOP/s
BenchmarkSgemm/b/windrose-2       10  100 ns/op   5.5 GFLOP/s
BenchmarkSgemm/b/windrose-2       10  100 ns/op   6.5 GFLOP/s
PASS
`
	want := `| layer/pass_TT_m×n×k | windrose | gonum |
|---|---:|---:|
| a/fwd | 2.0 | 1.0 |
| b | 6.0 | – |
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if err := run(strings.NewReader("PASS\n"), &out); err == nil {
		t.Error("no error for input without results")
	}

	// go test -cpu 1,2: one column per GOMAXPROCS.
	in = `BenchmarkSgemm/a/fwd/windrose     10  100 ns/op   3.0 GFLOP/s
BenchmarkSgemm/a/fwd/windrose-2   10  100 ns/op   5.0 GFLOP/s
`
	want = `| layer/pass_TT_m×n×k | windrose ×1 | windrose ×2 |
|---|---:|---:|
| a/fwd | 3.0 | 5.0 |
`
	out.Reset()
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
