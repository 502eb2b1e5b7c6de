package eval

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrTooFewSamples is returned when a feature set has fewer than two
// vectors, too few for a covariance.
var ErrTooFewSamples = errors.New("eval: too few samples for a covariance (want at least 2)")

// Gaussian is the mean and covariance of a set of feature vectors, the
// statistics FID compares.
type Gaussian struct {
	Mean []float64
	Cov  *mat.SymDense
	// N is the number of vectors the statistics came from.
	N int
}

// FitGaussian returns the mean and the unbiased sample covariance
// (divided by n − 1, as numpy.cov and the reference FID code compute it) of
// the n = len(features)/dim vectors of length dim in features, in float64.
// It returns ErrTooFewSamples for n < 2 and an error for a non-finite value.
func FitGaussian(features []float32, dim int) (*Gaussian, error) {
	if dim < 1 || len(features)%dim != 0 {
		panic(fmt.Sprintf("eval: %d feature values are not whole vectors of %d", len(features), dim))
	}
	n := len(features) / dim
	if n < 2 {
		return nil, ErrTooFewSamples
	}
	mean := make([]float64, dim)
	for i := range n {
		for j, v := range features[i*dim : (i+1)*dim] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("eval: feature %d of vector %d is %v", j, i, v)
			}
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	// Centre in float64 first, then one symmetric rank-n product: centring
	// before multiplying avoids the cancellation of E[xxᵀ] − μμᵀ.
	c := mat.NewDense(n, dim, nil)
	for i := range n {
		row := c.RawRowView(i)
		for j, v := range features[i*dim : (i+1)*dim] {
			row[j] = float64(v) - mean[j]
		}
	}
	cov := mat.NewSymDense(dim, nil)
	cov.SymRankK(cov, 1/float64(n-1), c.T())
	return &Gaussian{Mean: mean, Cov: cov, N: n}, nil
}

// FrechetDistance returns the squared Fréchet (2-Wasserstein) distance
// between the Gaussians N(μ1, S1) and N(μ2, S2) (Dowson & Landau, "The
// Fréchet distance between multivariate normal distributions", J.
// Multivariate Anal. 12, 1982):
//
//	|μ1 − μ2|² + Tr(S1 + S2 − 2 (S1 S2)^½)
//
// which is FID when the Gaussians are fitted to classifier features.
// (S1 S2)^½ is not symmetric, but it is similar to (√S1 S2 √S1)^½, which is
// (S1 S2 = √S1 (√S1 S2 √S1) √S1⁻¹ when S1 is invertible, and by continuity
// otherwise), so its trace is the sum of the square roots of the eigenvalues
// of the symmetric positive semi-definite √S1 S2 √S1, computed here with two
// symmetric eigendecompositions. Rounding leaves eigenvalues that should be
// 0 slightly negative (about −1e-15 relative to the largest); they are
// clamped to 0 before the square root, where they would otherwise give NaN,
// and the clamp changes the result by at most the square root of that
// rounding. The result is clamped at 0 for the same reason.
func FrechetDistance(a, b *Gaussian) (float64, error) {
	d := len(a.Mean)
	if len(b.Mean) != d || a.Cov.SymmetricDim() != d || b.Cov.SymmetricDim() != d {
		panic(fmt.Sprintf("eval: Gaussians of dimensions %d and %d", d, len(b.Mean)))
	}
	var dm float64
	for i := range d {
		t := a.Mean[i] - b.Mean[i]
		dm += t * t
	}
	s1, err := sqrtSym(a.Cov)
	if err != nil {
		return 0, err
	}
	var m, p mat.Dense
	m.Mul(s1, b.Cov)
	p.Mul(&m, s1)
	// p is symmetric up to rounding; symmetrise it for EigenSym.
	ps := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			ps.SetSym(i, j, 0.5*(p.At(i, j)+p.At(j, i)))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(ps, false) {
		return 0, errors.New("eval: eigendecomposition of √S1·S2·√S1 did not converge")
	}
	var trSqrt float64
	for _, v := range eig.Values(nil) {
		trSqrt += math.Sqrt(math.Max(v, 0))
	}
	fd := dm + mat.Trace(a.Cov) + mat.Trace(b.Cov) - 2*trSqrt
	return math.Max(fd, 0), nil
}

// sqrtSym returns the symmetric square root V·diag(√λ)·Vᵀ of the positive
// semi-definite s, with negative rounding-error eigenvalues clamped to 0
// (see FrechetDistance).
func sqrtSym(s *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, errors.New("eval: eigendecomposition of a covariance did not converge")
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	n := len(vals)
	vs := mat.NewDense(n, n, nil)
	for j, l := range vals {
		r := math.Sqrt(math.Max(l, 0))
		for i := range n {
			vs.Set(i, j, v.At(i, j)*r)
		}
	}
	var out mat.Dense
	out.Mul(vs, v.T())
	return &out, nil
}
