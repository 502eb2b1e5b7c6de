package eval

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func gaussian(mean []float64, cov []float64) *Gaussian {
	return &Gaussian{Mean: mean, Cov: mat.NewSymDense(len(mean), cov), N: 2}
}

// TestFitGaussian checks the statistics of the four corners of the square
// [0,2]²: mean (1, 1), unbiased covariance Σ(x−μ)²/(n−1) = 4/3 on the
// diagonal and 0 off it.
func TestFitGaussian(t *testing.T) {
	g, err := FitGaussian([]float32{0, 0, 2, 0, 0, 2, 2, 2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{4.0 / 3, 0, 0, 4.0 / 3}
	for i, w := range want {
		if got := g.Cov.At(i/2, i%2); math.Abs(got-w) > 1e-15 {
			t.Errorf("cov[%d,%d] = %v, want %v", i/2, i%2, got, w)
		}
	}
	if g.Mean[0] != 1 || g.Mean[1] != 1 || g.N != 4 {
		t.Errorf("mean %v, N %d", g.Mean, g.N)
	}
	if _, err := FitGaussian([]float32{1, 2}, 2); !errors.Is(err, ErrTooFewSamples) {
		t.Errorf("one vector: %v", err)
	}
	if _, err := FitGaussian([]float32{1, 2, float32(math.NaN()), 0}, 2); err == nil {
		t.Error("NaN feature accepted")
	}
}

// TestFrechetIdentical checks that a feature set is at distance 0 from
// itself, also when its covariance is singular (more dimensions than
// vectors), where clamping the rounding-negative eigenvalues matters.
func TestFrechetIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{500, 20} { // 20 vectors in 32 dimensions: rank 19
		const d = 32
		f := make([]float32, n*d)
		for i := range f {
			f[i] = float32(rng.NormFloat64())
		}
		g, err := FitGaussian(f, d)
		if err != nil {
			t.Fatal(err)
		}
		fd, err := FrechetDistance(g, g)
		if err != nil {
			t.Fatal(err)
		}
		// Tr S ≈ 32; the rounding of the eigen-solves is about 1e-14 of
		// that, and a zero eigenvalue's rounding δ ≈ 1e-15 enters as √δ
		// ≈ 3e-8 per clamped eigenvalue (13 of them for n = 20).
		if math.IsNaN(fd) || fd > 1e-6 {
			t.Errorf("n=%d: FD of a set with itself = %v, want 0", n, fd)
		}
	}
}

// TestFrechetClosedForm checks cases with closed forms.
func TestFrechetClosedForm(t *testing.T) {
	// Diagonal (commuting) covariances: Σ(μ1−μ2)² + Σ(√a − √b)².
	a := gaussian([]float64{1, 2, 3}, []float64{4, 0, 0, 0, 9, 0, 0, 0, 1})
	b := gaussian([]float64{0, 2, 5}, []float64{1, 0, 0, 0, 16, 0, 0, 0, 1})
	want := 1.0 + 4 + (2-1)*(2-1) + (3-4)*(3-4) + 0
	check(t, "diagonal", a, b, want)

	// Non-commuting 2×2: for M = S1·S2 with positive eigenvalues,
	// Tr √M = √(Tr M + 2√det M) (the eigenvalues λ1, λ2 of M give
	// (√λ1 + √λ2)² = λ1 + λ2 + 2√(λ1λ2)).
	s1 := []float64{2, 1, 1, 2}
	s2 := []float64{3, -1, -1, 1}
	trM := s1[0]*s2[0] + s1[1]*s2[2] + s1[2]*s2[1] + s1[3]*s2[3]
	det := (s1[0]*s1[3] - s1[1]*s1[2]) * (s2[0]*s2[3] - s2[1]*s2[2])
	want = (4 + 4) - 2*math.Sqrt(trM+2*math.Sqrt(det)) // Tr S1 + Tr S2 − 2 Tr √M
	want += 4                                          // |μ1−μ2|² = (1−3)² + (0−0)²
	check(t, "2×2 non-commuting", gaussian([]float64{1, 0}, s1), gaussian([]float64{3, 0}, s2), want)

	// One covariance zero: Tr S2 + |Δμ|², S1 S2 = 0.
	check(t, "zero covariance", gaussian([]float64{0, 0}, []float64{0, 0, 0, 0}),
		gaussian([]float64{1, 1}, []float64{2, 0.5, 0.5, 1}), 2+3)
}

func check(t *testing.T, name string, a, b *Gaussian, want float64) {
	t.Helper()
	for _, order := range [][2]*Gaussian{{a, b}, {b, a}} { // symmetric
		got, err := FrechetDistance(order[0], order[1])
		if err != nil {
			t.Fatal(err)
		}
		// The inputs are O(10) and the eigen-solves backward stable
		// (rounding about 1e-15); a clamped zero eigenvalue (the
		// zero-covariance case) enters as √δ ≈ 1e-8, hence 1e-7.
		if math.Abs(got-want) > 1e-7 {
			t.Errorf("%s: FD = %.15g, want %.15g", name, got, want)
		}
	}
}
