package eval

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// NeighbourK is the k of the k-nearest-neighbour balls whose union
// estimates the support of a feature set: Kynkäänniemi et al. (2019, §3)
// found k = 3 the best compromise between balls so small that real samples
// fall outside them and so large that they cover the space between modes.
const NeighbourK = 3

// distBlock is the number of query rows whose distances to every point are
// computed at once: a block×n float64 matrix (20 MB against 10,000 points)
// keeps the GEMM efficient without holding all n×n distances.
const distBlock = 256

// Manifold estimates the support of a set of feature vectors as the union
// of balls, one around each vector, reaching its k-th nearest neighbour in
// the set: the manifold of the improved precision and recall of
// Kynkäänniemi, Karras, Laine, Lehtinen and Aila, "Improved Precision and
// Recall Metric for Assessing Generative Models", NeurIPS 2019.
//
// Built on real images' features, it judges a model's samples (Compare):
// how many fall inside it (precision), how densely they sit among the real
// vectors (density) and how much of it they reach (coverage); Realism
// scores them one by one. Unlike FID, which mixes the two into one number,
// these say whether a model draws digits that look like no real one (low
// density) or leaves kinds of digit out (low coverage). Precision alone is
// fragile: a real outlier's ball is large, and with the shipped classifier
// on MNIST it holds most uniform-noise images (docs/eval.md); density and
// coverage (Naeem et al. 2020) count that ball once. All of them depend on
// the number of vectors: compare them at equal N.
type Manifold struct {
	dim, k   int
	features *mat.Dense // n × dim, float64
	norms    []float64  // squared norm of each row
	radii2   []float64  // squared distance of each row to its k-th neighbour
}

// NewManifold returns the manifold of the n = len(features)/dim vectors of
// length dim in features, with balls reaching each vector's k-th nearest
// neighbour (Euclidean, the vector itself excluded). It needs n > k, and
// returns an error for fewer vectors or a non-finite value. The cost is one
// n×n distance matrix, computed in blocks; ctx is checked between them.
func NewManifold(ctx context.Context, features []float32, dim, k int) (*Manifold, error) {
	if dim < 1 || len(features)%dim != 0 {
		panic(fmt.Sprintf("eval: %d feature values are not whole vectors of %d", len(features), dim))
	}
	if k < 1 {
		panic(fmt.Sprintf("eval: manifold with k = %d neighbours, want k ≥ 1", k))
	}
	n := len(features) / dim
	if n <= k {
		return nil, fmt.Errorf("eval: %d feature vectors: a manifold of %d-th neighbours needs at least %d", n, k, k+1)
	}
	m := &Manifold{dim: dim, k: k, radii2: make([]float64, n)}
	var err error
	if m.features, m.norms, err = m.queries(features); err != nil {
		return nil, err
	}
	// The k smallest squared distances of each row, kept sorted: k is
	// small, so insertion beats a heap.
	nearest := make([]float64, k)
	err = m.distances(ctx, m.features, m.norms, func(i int, d2 []float64) {
		for t := range nearest {
			nearest[t] = math.Inf(1)
		}
		for j, d := range d2 {
			if j == i || d >= nearest[k-1] {
				continue
			}
			t := k - 1
			for t > 0 && nearest[t-1] > d {
				nearest[t] = nearest[t-1]
				t--
			}
			nearest[t] = d
		}
		m.radii2[i] = nearest[k-1]
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Len returns the number of vectors (balls) in m.
func (m *Manifold) Len() int { return len(m.norms) }

// Realism writes into dst, for each of the len(dst) vectors in features
// (dim values each), max_j r_j/‖q − φ_j‖ over m's vectors φ_j with ball
// radius r_j: at least 1 exactly when the vector lies in m, larger the
// deeper inside a ball it lies (+Inf on one of m's vectors). It is the
// realism score of Kynkäänniemi et al. (2019, §5) taken over every ball;
// they leave out the half with the largest radii when ranking single
// images, which makes the score stricter but no longer a test of
// membership. It returns an error for a non-finite value.
func (m *Manifold) Realism(ctx context.Context, dst []float64, features []float32) error {
	n := len(dst)
	if len(features) != n*m.dim {
		panic(fmt.Sprintf("eval: %d feature values for %d vectors of %d", len(features), n, m.dim))
	}
	q, norms, err := m.queries(features)
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	return m.distances(ctx, q, norms, func(i int, d2 []float64) {
		best := 0.0
		for j, d := range d2 {
			r := m.radii2[j]
			if d == 0 {
				best = math.Inf(1)
				break
			}
			best = max(best, r/d)
		}
		dst[i] = math.Sqrt(best)
	})
}

// Comparison is what Compare measures of a set of query vectors (a
// model's samples' features) against a Manifold (real images').
type Comparison struct {
	// Precision is the fraction of the queries inside at least one ball
	// (Kynkäänniemi et al. 2019). One real outlier's large ball can hold
	// many queries that look like nothing real, so it can be high for
	// bad samples.
	Precision float64
	// Density is the mean over the queries of the number of balls that
	// hold each, divided by k (Naeem, Oh, Uh, Choi and Yoo, "Reliable
	// Fidelity and Diversity Metrics for Generative Models", ICML 2020):
	// an outlier's ball counts once, not as a whole region. About 1 for
	// queries distributed like the manifold's own vectors; it can exceed
	// 1 for queries packed where the vectors are dense.
	Density float64
	// Coverage is the fraction of the balls that hold at least one query
	// (Naeem et al. 2020): how much of the data the queries reach, at most
	// 1.
	Coverage float64
}

// Compare measures the n = len(features)/dim query vectors in features
// against m, in one pass over their distances (see Comparison). It returns
// an error for a non-finite value and panics for no queries.
func (m *Manifold) Compare(ctx context.Context, features []float32) (Comparison, error) {
	if len(features)%m.dim != 0 || len(features) == 0 {
		panic(fmt.Sprintf("eval: Compare: %d feature values are not a positive number of vectors of %d", len(features), m.dim))
	}
	q, norms, err := m.queries(features)
	if err != nil {
		return Comparison{}, err
	}
	n := len(norms)
	reached := make([]bool, len(m.norms))
	var inside, count int
	err = m.distances(ctx, q, norms, func(i int, d2 []float64) {
		c := 0
		for j, d := range d2 {
			if d <= m.radii2[j] {
				c++
				reached[j] = true
			}
		}
		count += c
		if c > 0 {
			inside++
		}
	})
	if err != nil {
		return Comparison{}, err
	}
	var covered int
	for _, r := range reached {
		if r {
			covered++
		}
	}
	return Comparison{
		Precision: float64(inside) / float64(n),
		Density:   float64(count) / float64(m.k*n),
		Coverage:  float64(covered) / float64(len(reached)),
	}, nil
}

// queries copies features into a matrix of float64 rows with their squared
// norms, refusing non-finite values.
func (m *Manifold) queries(features []float32) (*mat.Dense, []float64, error) {
	n := len(features) / m.dim
	q := mat.NewDense(max(n, 1), m.dim, nil)
	norms := make([]float64, n)
	for i := range n {
		row := q.RawRowView(i)
		var s float64
		for j, v := range features[i*m.dim : (i+1)*m.dim] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, nil, fmt.Errorf("eval: feature %d of vector %d is %v", j, i, v)
			}
			row[j] = float64(v)
			s += row[j] * row[j]
		}
		norms[i] = s
	}
	return q, norms, nil
}

// distances calls row(i, d2) for each row i of q, with d2[j] the squared
// distance from q's row i to m's vector j, from ‖a‖² + ‖b‖² − 2a·b with the
// dot products of a block of rows as one matrix product. Rounding can make
// that slightly negative for (near) equal vectors; it is clamped to 0.
func (m *Manifold) distances(ctx context.Context, q *mat.Dense, qnorms []float64, row func(i int, d2 []float64)) error {
	n := len(m.norms)
	nq := len(qnorms)
	g := mat.NewDense(min(distBlock, nq), n, nil)
	for lo := 0; lo < nq; lo += distBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(nq, lo+distBlock)
		gb := g.Slice(0, hi-lo, 0, n).(*mat.Dense)
		gb.Mul(q.Slice(lo, hi, 0, m.dim), m.features.T())
		for i := lo; i < hi; i++ {
			d2 := gb.RawRowView(i - lo)
			for j := range d2 {
				d2[j] = max(0, qnorms[i]+m.norms[j]-2*d2[j])
			}
			row(i, d2)
		}
	}
	return nil
}
