//go:build openblas

package gemm_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/windrose/windrose/nn/gemm"
	"github.com/windrose/windrose/nn/gemm/gemmtest"
	"github.com/windrose/windrose/nn/gemm/openblas"
)

// TestTune alternates implementations and reports best and median GFLOP/s.
func TestTune(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	threads := 0
	fmt.Sscan(os.Getenv("TUNE_THREADS"), &threads)
	if threads > 0 {
		openblas.SetThreads(threads)
	}
	impls := []struct {
		name string
		impl gemmtest.Sgemmer
	}{{"windrose", gemm.Implementation{Threads: threads}}, {"openblas", openblas.Implementation{}}}
	for _, s := range convShapes() {
		if s.n*s.m*s.k > 200e6 && os.Getenv("TUNE_BIG") == "" {
			continue
		}
		ar, ac := s.m, s.k
		if s.tA != nT {
			ar, ac = ac, ar
		}
		br, bc := s.k, s.n
		if s.tB != nT {
			br, bc = bc, br
		}
		rnd := rand.New(rand.NewPCG(1, 2))
		fill := func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = 2*rnd.Float32() - 1
			}
			return x
		}
		a, bb, c := fill(ar*ac), fill(br*bc), fill(s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		reps := max(1, int(20e6/flops))
		res := make([][]float64, len(impls))
		for round := 0; round < 15; round++ {
			for i, im := range impls {
				t0 := time.Now()
				for range reps {
					im.impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, ac, bb, bc, 0, c, s.n)
				}
				res[i] = append(res[i], flops*float64(reps)/time.Since(t0).Seconds()/1e9)
			}
		}
		line := fmt.Sprintf("%-34s", s.name)
		for i, im := range impls {
			sort.Float64s(res[i])
			line += fmt.Sprintf("  %s best %6.1f med %6.1f", im.name, res[i][len(res[i])-1], res[i][len(res[i])/2])
		}
		t.Log(line)
	}
}
