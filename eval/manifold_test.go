package eval

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestManifoldLine checks radii and realism on four points of a line,
// worked by hand. With k = 1 the balls around 0, 1, 3 and 7 reach their
// nearest neighbours: radii 1, 1, 2 and 4. A query at 5 is 2 from 3 and 7,
// so its realism is max(1/5, 1/4, 2/2, 4/2) = 2; one at 12 is
// max(1/12, 1/11, 2/9, 4/5) = 0.8, outside every ball; one at 3 is on a
// point, +Inf; one at 11 touches the ball of 7 (radius 4): 1, inside.
// Against the balls [−1, 1], [0, 2], [1, 5] and [3, 11] the queries lie in
// 2, 0, 2 and 1 balls: precision 3/4, density 5/4 (k = 1), and only the
// balls of 3 and 7 hold a query: coverage 1/2.
func TestManifoldLine(t *testing.T) {
	ctx := context.Background()
	m, err := NewManifold(ctx, []float32{0, 1, 3, 7}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{1, 1, 4, 16}, m.radii2); diff != "" {
		t.Errorf("squared radii (-want +got):\n%s", diff)
	}
	got := make([]float64, 4)
	if err := m.Realism(ctx, got, []float32{5, 12, 3, 11}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{2, 0.8, math.Inf(1), 1}, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("realism (-want +got):\n%s", diff)
	}
	c, err := m.Compare(ctx, []float32{5, 12, 3, 11})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Comparison{Precision: 0.75, Density: 1.25, Coverage: 0.5}, c); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
}

// bruteRadii2 is the squared distance of each vector to its k-th nearest
// other vector, by sorting every distance: the definition, computed
// directly.
func bruteRadii2(f []float32, dim, k int) []float64 {
	n := len(f) / dim
	r := make([]float64, n)
	for i := range n {
		var d []float64
		for j := range n {
			if j != i {
				d = append(d, dist2(f[i*dim:(i+1)*dim], f[j*dim:(j+1)*dim]))
			}
		}
		sort.Float64s(d)
		r[i] = d[k-1]
	}
	return r
}

func dist2(a, b []float32) float64 {
	var s float64
	for i := range a {
		e := float64(a[i]) - float64(b[i])
		s += e * e
	}
	return s
}

// TestManifoldBrute compares radii and realism with the direct definition
// on random vectors, over more vectors than one block of distances, with
// duplicates (radius 0 and a query on a point).
func TestManifoldBrute(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	const dim, k = 7, 3
	n := distBlock + 45
	f := make([]float32, n*dim)
	for i := range f {
		f[i] = float32(rng.NormFloat64())
	}
	for _, i := range []int{10, 11, 12} { // vectors 10, 11, 12 equal 9
		copy(f[i*dim:(i+1)*dim], f[9*dim:10*dim])
	}
	m, err := NewManifold(ctx, f, dim, k)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bruteRadii2(f, dim, k), m.radii2, cmpopts.EquateApprox(1e-9, 1e-12)); diff != "" {
		t.Errorf("squared radii (-want +got):\n%s", diff)
	}
	nq := 2*distBlock + 3
	q := make([]float32, nq*dim)
	for i := range q {
		q[i] = float32(1.3 * rng.NormFloat64())
	}
	copy(q[5*dim:6*dim], f[200*dim:201*dim])
	want := make([]float64, nq)
	for i := range nq {
		for j := range n {
			d := dist2(q[i*dim:(i+1)*dim], f[j*dim:(j+1)*dim])
			want[i] = max(want[i], math.Sqrt(m.radii2[j]/d))
		}
	}
	got := make([]float64, nq)
	if err := m.Realism(ctx, got, q); err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(got[5], 1) {
		t.Errorf("query on a point: realism %v, want +Inf", got[5])
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("realism (-want +got):\n%s", diff)
	}
	// The comparison, counted ball by ball from the brute-force distances.
	var in, count int
	reached := make([]bool, n)
	for i := range nq {
		c := 0
		for j := range n {
			if dist2(q[i*dim:(i+1)*dim], f[j*dim:(j+1)*dim]) <= m.radii2[j] {
				c++
				reached[j] = true
			}
		}
		count += c
		if c > 0 {
			in++
		}
	}
	var covered int
	for _, r := range reached {
		if r {
			covered++
		}
	}
	if in == 0 || in == nq || covered == 0 || covered == n {
		t.Fatalf("test data: %d of %d queries inside, %d of %d balls reached: want some of each", in, nq, covered, n)
	}
	wantC := Comparison{
		Precision: float64(in) / float64(nq),
		Density:   float64(count) / float64(k*nq),
		Coverage:  float64(covered) / float64(n),
	}
	c, err := m.Compare(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantC, c, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
}

// TestCompareMeaning checks the three numbers on data whose answer is
// known. The real set is two well-separated clusters and one outlier far
// from both, whose ball (reaching into a cluster) is huge. Samples drawn
// like the real ones score precision and density near 1 and coverage well
// above one half; a model that draws only one cluster keeps its precision
// and density but halves its coverage; samples far from everything score
// 0; samples packed around the outlier fall into its ball alone, so they
// fool the precision (1) but not the density (1 ball of k = 3: 1/3) nor
// the coverage (1 ball of 601).
func TestCompareMeaning(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	const dim, n = 4, 600
	cluster := func(m int, centre float64) []float32 {
		d := make([]float32, m*dim)
		for i := range d {
			d[i] = float32(centre + rng.NormFloat64())
		}
		return d
	}
	real := append(cluster(n/2, -20), cluster(n/2, 20)...)
	real = append(real, 200, 200, 200, 200) // the outlier
	like := append(cluster(n/2, -20), cluster(n/2, 20)...)
	rm, err := NewManifold(ctx, real, dim, NeighbourK)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		gen       []float32
		want      Comparison
		tolerance float64
	}{
		{"like the data", like, Comparison{Precision: 0.95, Density: 1, Coverage: 0.95}, 0.1},
		{"one cluster", cluster(n, 20), Comparison{Precision: 0.95, Density: 1, Coverage: 0.47}, 0.1},
		{"far", cluster(n, -300), Comparison{}, 0},
		{"at the outlier", cluster(n, 200), Comparison{Precision: 1, Density: 1.0 / 3, Coverage: 1.0 / (n + 1)}, 1e-12},
	} {
		got, err := rm.Compare(ctx, c.gen)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got, cmpopts.EquateApprox(0, c.tolerance)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestManifoldErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := NewManifold(ctx, []float32{0, 1, 2}, 1, 3); err == nil {
		t.Error("3 vectors with k = 3 accepted")
	}
	if _, err := NewManifold(ctx, []float32{0, 1, float32(math.Inf(1)), 2}, 1, 1); err == nil {
		t.Error("infinite feature accepted")
	}
	m, err := NewManifold(ctx, []float32{0, 1, 2, 3}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Realism(ctx, make([]float64, 1), []float32{float32(math.NaN())}); err == nil {
		t.Error("NaN query accepted")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Compare(cancelled, []float32{1}); err != context.Canceled {
		t.Errorf("cancelled context: %v", err)
	}
}
