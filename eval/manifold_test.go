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
	c, err := m.Coverage(ctx, []float32{5, 12, 3, 11})
	if err != nil {
		t.Fatal(err)
	}
	if c != 0.75 {
		t.Errorf("coverage %v, want 3 of 4 inside", c)
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
	var in int
	for _, r := range want {
		if r >= 1 {
			in++
		}
	}
	if in == 0 || in == nq {
		t.Fatalf("test data: %d of %d queries inside, want some of each", in, nq)
	}
	c, err := m.Coverage(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if c != float64(in)/float64(nq) {
		t.Errorf("coverage %v, want %d/%d", c, in, nq)
	}
}

// TestPrecisionRecall checks the two numbers' meaning on data whose answer
// is known: the real set is two well-separated clusters; a model that
// draws only one of them has full precision and half the recall, and one
// whose samples are all far from the data has neither.
func TestPrecisionRecall(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	const dim, n = 4, 600
	cluster := func(dst []float32, centre float64) {
		for i := range dst {
			dst[i] = float32(centre + rng.NormFloat64())
		}
	}
	real := make([]float32, n*dim)
	cluster(real[:n*dim/2], -20)
	cluster(real[n*dim/2:], 20)
	oneMode := make([]float32, n*dim)
	cluster(oneMode, 20)
	far := make([]float32, n*dim)
	cluster(far, 100)
	rm, err := NewManifold(ctx, real, dim, NeighbourK)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name              string
		gen               []float32
		precision, recall float64
		tolerance         float64
	}{
		{"one mode", oneMode, 1, 0.5, 0.1},
		{"far", far, 0, 0, 0},
	} {
		p, err := rm.Coverage(ctx, c.gen)
		if err != nil {
			t.Fatal(err)
		}
		gm, err := NewManifold(ctx, c.gen, dim, NeighbourK)
		if err != nil {
			t.Fatal(err)
		}
		r, err := gm.Coverage(ctx, real)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p-c.precision) > c.tolerance || math.Abs(r-c.recall) > c.tolerance {
			t.Errorf("%s: precision %.3f, recall %.3f, want %v, %v ± %v", c.name, p, r, c.precision, c.recall, c.tolerance)
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
	if _, err := m.Coverage(cancelled, []float32{1}); err != context.Canceled {
		t.Errorf("cancelled context: %v", err)
	}
}
