package ode

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCombLin checks the stage-combination kernels against a plain loop for
// every number of terms from 0 to 9 (single passes, four-term passes and
// their tails) and lengths around the unrolling, in both state types.
func TestCombLin(t *testing.T) {
	testCombLin[float64](t, 1e-15)
	// float32: one rounding per term of up to 9 terms of size ~1.
	testCombLin[float32](t, 1e-5)
}

func testCombLin[T Float](t *testing.T, tol float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 7, 100} {
		for terms := 0; terms <= 9; terms++ {
			x := make([]T, n)
			for i := range x {
				x[i] = T(rng.NormFloat64())
			}
			c := make([]T, terms)
			k := make([][]T, terms)
			for j := range k {
				c[j] = T(rng.NormFloat64())
				k[j] = make([]T, n)
				for i := range k[j] {
					k[j][i] = T(rng.NormFloat64())
				}
			}
			want := make([]float64, n)
			for i := range want {
				want[i] = float64(x[i])
				for j := range k {
					want[i] += float64(c[j]) * float64(k[j][i])
				}
			}
			got := make([]T, n)
			comb(got, x, c, k)
			for i := range got {
				if math.Abs(float64(got[i])-want[i]) > tol*(1+math.Abs(want[i]))*float64(terms+1) {
					t.Fatalf("comb n=%d terms=%d: [%d] = %v, want %v", n, terms, i, got[i], want[i])
				}
			}
			clear(got)
			if !lin(got, x, c, k) {
				t.Fatalf("lin n=%d terms=%d: finite input reported non-finite", n, terms)
			}
			for i := range got {
				if math.Abs(float64(got[i])-want[i]) > tol*(1+math.Abs(want[i]))*float64(terms+1) {
					t.Fatalf("lin n=%d terms=%d: [%d] = %v, want %v", n, terms, i, got[i], want[i])
				}
			}
			// A NaN or an infinity anywhere, in the state or in any term,
			// is reported.
			if n == 0 {
				continue
			}
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				for j := -1; j < terms; j++ {
					src := x
					if j >= 0 {
						src = k[j]
					}
					i := rng.IntN(n)
					old := src[i]
					src[i] = T(bad)
					if lin(got, x, c, k) && c != nil && (j < 0 || c[j] != 0) {
						t.Fatalf("lin n=%d terms=%d: %v in source %d at %d not reported", n, terms, bad, j, i)
					}
					src[i] = old
				}
			}
		}
	}
}

// TestErrNorm checks the blocked float64 error norm against a direct
// evaluation of SciPy's formula for lengths around the block size, with a
// scalar and a per-component atol, in both state types.
func TestErrNorm(t *testing.T) {
	testErrNorm[float64](t)
	testErrNorm[float32](t)
}

func testErrNorm[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 255, 256, 257, 1000} {
		const terms = 3
		c := []float64{0.3, -0.1, 1e-3}
		k := make([][]T, terms)
		for j := range k {
			k[j] = make([]T, n)
			for i := range k[j] {
				k[j][i] = T(rng.NormFloat64())
			}
		}
		xo, xn := make([]T, n), make([]T, n)
		av := make([]float64, n)
		for i := range xo {
			xo[i], xn[i] = T(rng.NormFloat64()), T(rng.NormFloat64())
			av[i] = 1e-6 * (1 + rng.Float64())
		}
		const rtol, atol = 1e-4, 1e-7
		for _, vec := range []bool{false, true} {
			sum := 0.0
			for i := range n {
				e := 0.0
				for j := range k {
					e += c[j] * float64(k[j][i])
				}
				a := atol
				if vec {
					a = av[i]
				}
				r := e / (a + rtol*max(math.Abs(float64(xo[i])), math.Abs(float64(xn[i]))))
				sum += r * r
			}
			want := 0.0
			if n > 0 {
				want = math.Sqrt(sum / float64(n))
			}
			var atolVec []float64
			if vec {
				atolVec = av
			}
			got := errNorm(c, k, xo, xn, rtol, atol, atolVec)
			// Only the summation order differs: a few ulp.
			if math.Abs(got-want) > 1e-13*want {
				t.Errorf("n=%d vec=%v: errNorm = %v, want %v", n, vec, got, want)
			}
		}
	}
}

func TestFirstNonFinite(t *testing.T) {
	x := []float32{1, 2, float32(math.Inf(-1)), float32(math.NaN())}
	if got := firstNonFinite(x); got != 2 {
		t.Errorf("firstNonFinite = %d, want 2", got)
	}
	if allFinite(x) || !allFinite(x[:2]) || firstNonFinite([]float64{}) != -1 {
		t.Error("allFinite/firstNonFinite disagree with the input")
	}
}
