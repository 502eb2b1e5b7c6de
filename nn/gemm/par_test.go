package gemm

import (
	"math/rand/v2"
	"os"
	"sort"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestPar(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	m, n, k := 128, 196, 1024
	rnd := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 2*rnd.Float32() - 1
		}
		return x
	}
	a, b, c := fill(m*k), fill(k*n), fill(m*n)
	for _, th := range []int{1, 2, 1, 2} {
		impl := Implementation{Threads: th}
		var res []float64
		c0 := cpuTime()
		w0 := time.Now()
		for range 20 {
			t0 := time.Now()
			for range 10 {
				impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
			}
			res = append(res, 2*float64(m*n*k)*10/time.Since(t0).Seconds()/1e9)
		}
		cpu := cpuTime() - c0
		wall := time.Since(w0)
		sort.Float64s(res)
		t.Logf("threads %d: best %.1f med %.1f GFLOP/s, cpu/wall %.2f", th, res[len(res)-1], res[len(res)/2], cpu.Seconds()/wall.Seconds())
	}
}
