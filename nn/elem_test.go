package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestElemKernels compares the dispatching kernels (assembly bulk + Go tail
// where available) with the portable Go versions and, for the transcendental
// ones, with float64 math, for every length 0…40 (all tail lengths, several
// vector blocks).
func TestElemKernels(t *testing.T) {
	for _, asm := range []bool{true, false} {
		old := setAsm(asm)
		t.Run(fmt.Sprintf("asm=%v", setAsm(asm)), testElemKernels)
		setAsm(old)
	}
}

func testElemKernels(t *testing.T) {
	rng := newRand(20)
	vec := func(n int, scale float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * scale)
		}
		return v
	}
	// Relative tolerance of the float32 kernels against float64 math: a
	// few ulps (6e-8 each) for the element-wise maps; sums of ≤ 40 terms
	// are compared relative to the sum of magnitudes.
	const tol = 1e-6
	near := func(what string, n, i int, got float32, want, scale float64) {
		t.Helper()
		if math.Abs(float64(got)-want) > tol*math.Max(scale, 1e-30) {
			t.Fatalf("%s n=%d [%d]: got %g, want %g", what, n, i, got, want)
		}
	}
	for n := 0; n <= 40; n++ {
		x, y, g := vec(n, 4), vec(n, 1), vec(n, 1)
		if n > 2 {
			x[0], x[1], x[2] = 100, -100, 0 // saturation and the origin
		}
		a, b := float32(0.7), float32(-0.3)

		d := append([]float32(nil), y...)
		addTo(d, x)
		for i := range d {
			near("addTo", n, i, d[i], float64(y[i])+float64(x[i]), math.Abs(float64(y[i]))+math.Abs(float64(x[i])))
		}
		affine(d, x, a, b)
		for i := range d {
			w := float64(x[i])*float64(a) + float64(b)
			near("affine", n, i, d[i], w, math.Abs(w)+math.Abs(float64(b)))
		}
		siluAffine(d, x, a, b)
		for i := range d {
			z := float64(x[i])*float64(a) + float64(b)
			near("siluAffine", n, i, d[i], z/(1+math.Exp(-z)), math.Abs(z)+1)
		}
		mean, rstd, gm, bt := float32(0.2), float32(1.3), float32(0.9), float32(0.1)
		sdz, sdzx := gnSiluBwd(d, x, g, mean, rstd, gm, bt)
		var wdz, wdzx, mag float64
		for i := range d {
			xh := (float64(x[i]) - float64(mean)) * float64(rstd)
			z := xh*float64(gm) + float64(bt)
			s := 1 / (1 + math.Exp(-z))
			w := float64(g[i]) * s * (1 + z*(1-s))
			near("gnSiluBwd dz", n, i, d[i], w, math.Abs(w)+math.Abs(float64(g[i])))
			wdz += w
			wdzx += w * xh
			mag += math.Abs(w) * (1 + math.Abs(xh))
		}
		near("gnSiluBwd Σdz", n, -1, sdz, wdz, mag)
		near("gnSiluBwd Σdz·x̂", n, -1, sdzx, wdzx, mag)

		d = append(d[:0], y...)
		axpbyz(d, x, a, 1.5, b)
		for i := range d {
			w := float64(a)*float64(y[i]) + 1.5*float64(x[i]) + float64(b)
			near("axpbyz", n, i, d[i], w, math.Abs(float64(y[i]))+1.5*math.Abs(float64(x[i]))+1)
		}
		var s, ss, sg, sgh, m1, m2 float64
		for i := range x {
			s += float64(x[i])
			ss += (float64(x[i]) - 0.5) * (float64(x[i]) - 0.5)
			sg += float64(g[i])
			sgh += float64(g[i]) * float64(x[i])
			m1 += math.Abs(float64(x[i]))
			m2 += math.Abs(float64(g[i])) * (1 + math.Abs(float64(x[i])))
		}
		near("sum32", n, -1, sum32(x), s, m1)
		near("sumSqDev", n, -1, sumSqDev(x, 0.5), ss, ss)
		gs, ghs := dotSum(g, x)
		near("dotSum Σg", n, -1, gs, sg, m2)
		near("dotSum Σg·h", n, -1, ghs, sgh, m2)
	}
}

// TestElemNaN: a NaN input gives a NaN output in the SiLU kernels (a
// diverging training run must not be masked by the exponential's clamp).
func TestElemNaN(t *testing.T) {
	for _, asm := range []bool{true, false} {
		old := setAsm(asm)
		t.Run(fmt.Sprintf("asm=%v", setAsm(asm)), testElemNaN)
		setAsm(old)
	}
}

func testElemNaN(t *testing.T) {
	for _, n := range []int{1, 8, 11} {
		x := make([]float32, n)
		x[n-1] = float32(math.NaN())
		d := make([]float32, n)
		siluAffine(d, x, 1, 0)
		if !math.IsNaN(float64(d[n-1])) {
			t.Errorf("siluAffine(NaN) = %g for n=%d", d[n-1], n)
		}
		g := make([]float32, n)
		for i := range g {
			g[i] = 1
		}
		gnSiluBwd(d, x, g, 0, 1, 1, 0)
		if !math.IsNaN(float64(d[n-1])) {
			t.Errorf("gnSiluBwd at NaN = %g for n=%d", d[n-1], n)
		}
	}
}

func TestExpf(t *testing.T) {
	// Cephes' expf is accurate to about 1 ulp over the float32 range;
	// 4 ulps (2.4e-7 relative) leaves room for the different rounding of
	// x·log2e + ½ with and without FMA.
	for x := -87.0; x <= 88; x += 0.01234 {
		got, want := float64(expf(float32(x))), math.Exp(float64(float32(x)))
		if math.Abs(got-want) > 2.4e-7*want {
			t.Fatalf("expf(%g) = %g, want %g (rel %g)", x, got, want, math.Abs(got-want)/want)
		}
	}
	for _, c := range []struct{ x, want float32 }{{-1000, float32(math.Exp(-87))}, {1000, float32(math.Exp(88))}} {
		if got := expf(c.x); math.Abs(float64(got-c.want)) > 1e-6*float64(c.want) {
			t.Errorf("expf(%g) = %g, want the clamp value %g", c.x, got, c.want)
		}
	}
}

func ExampleTensor() {
	x := NewTensor(2, 3)
	x.Data[4] = 1.5
	fmt.Println(x, x.Len(), x.Data)
	// Output: Tensor[2 3] 6 [0 0 0 0 1.5 0]
}

// TestWinogradRows: the assembly tile-row transforms give exactly the Go
// versions' results (same operations in the same order).
func TestWinogradRows(t *testing.T) {
	rng := newRand(21)
	for _, n := range []int{8, 16, 24} {
		const vstride, rs, we = 40, 70, 33
		src := make([]float32, 3*rs+we+n+1)
		for i := range src {
			src[i] = float32(rng.NormFloat64())
		}
		v1 := make([]float32, 15*vstride+n)
		v2 := make([]float32, len(v1))
		old := setAsm(true)
		wgInputRow(v1, vstride, src, rs, we, n)
		setAsm(false)
		wgInputRow(v2, vstride, src, rs, we, n)
		setAsm(old)
		for i := range v1 {
			if v1[i] != v2[i] {
				t.Fatalf("input n=%d: v[%d] = %g (asm), %g (Go)", n, i, v1[i], v2[i])
			}
		}
		m := make([]float32, 15*vstride+n)
		for i := range m {
			m[i] = float32(rng.NormFloat64())
		}
		const ow = 2*24 + 5
		o1, o2 := make([]float32, ow+2*n), make([]float32, ow+2*n)
		setAsm(true)
		wgOutputRow(o1, ow, m, vstride, 0.25, n)
		setAsm(false)
		wgOutputRow(o2, ow, m, vstride, 0.25, n)
		setAsm(old)
		for i := range o1 {
			if o1[i] != o2[i] {
				t.Fatalf("output n=%d: out[%d] = %g (asm), %g (Go)", n, i, o1[i], o2[i])
			}
		}
	}
}
