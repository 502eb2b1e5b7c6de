package nn

import (
	"math"

	"gonum.org/v1/gonum/blas"
)

// sgemmer is the one method of gonum's blas.Float32 that the CPU backend
// needs: row-major C = alpha·op(A)·op(B) + beta·C. nn/gemm, gonum's native
// implementation and OpenBLAS (through gonum.org/v1/netlib) all provide it.
type sgemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// cpuBackend computes on the host in float32: every product goes through one
// Sgemm, and the work around it (im2col, GroupNorm, element-wise maps) is
// spread over runtime.GOMAXPROCS(0) goroutines. The backends "cpu" and
// "openblas" are both a cpuBackend and differ only in their Sgemm.
type cpuBackend struct {
	name string
	gemm sgemmer
	// serial, when not nil, is a single-threaded GEMM that lets
	// convolutions run sample-parallel (see chunked); nil keeps every
	// operation parallel inside (for a GEMM that threads on its own terms,
	// such as OpenBLAS).
	serial sgemmer
	// columnStable reports that an element of a product comes out the
	// same whatever the product's other rows and columns: true of nn/gemm,
	// whose kernels compute each element as one dot product in a fixed
	// order; not of OpenBLAS, whose sgemm rounds some elements differently
	// with the product's shape on some CPUs. Only then may chunked cut the
	// batch to the number of goroutines.
	columnStable bool
	pool         scratchPool
}

func (c *cpuBackend) Name() string { return c.name }

// Grain sizes for parallelFor: the number of items below which a goroutine
// is not worth starting. One item of elemGrain is a float32 of an
// element-wise map (a few ns), so 16384 of them take tens of microseconds,
// against about a microsecond to start and join a goroutine.
const elemGrain = 1 << 14

// Linear: y = x·wᵀ + b, with y pre-filled with b so the GEMM adds into it
// (beta = 1) instead of a second pass over y.
func (c *cpuBackend) Linear(y, x, w, b *Tensor) {
	B, in, out := x.Shape[0], x.Shape[1], w.Shape[0]
	for i := 0; i < B; i++ {
		copy(y.Data[i*out:(i+1)*out], b.Data)
	}
	c.gemm.Sgemm(blas.NoTrans, blas.Trans, B, out, in, 1, x.Data, in, w.Data, in, 1, y.Data, out)
}

func (c *cpuBackend) LinearBackward(dx, dw, db, dy, x, w *Tensor) {
	B, in, out := x.Shape[0], x.Shape[1], w.Shape[0]
	if dw != nil {
		c.gemm.Sgemm(blas.Trans, blas.NoTrans, out, in, B, 1, dy.Data, out, x.Data, in, 1, dw.Data, in)
	}
	if db != nil {
		for j := 0; j < out; j++ {
			var s float64
			for i := 0; i < B; i++ {
				s += float64(dy.Data[i*out+j])
			}
			db.Data[j] += float32(s)
		}
	}
	if dx != nil {
		c.gemm.Sgemm(blas.NoTrans, blas.NoTrans, B, in, out, 1, dy.Data, out, w.Data, in, 0, dx.Data, in)
	}
}

func (c *cpuBackend) SiLU(y, x *Tensor) {
	xd, yd := x.Data, y.Data
	parallelFor(len(xd), elemGrain, func(lo, hi int) {
		siluAffine(yd[lo:hi], xd[lo:hi], 1, 0)
	})
}

// SiLUBackward is GroupNorm+SiLU's first backward pass with the identity
// normalisation (mean 0, 1/std 1, γ 1, β 0).
func (c *cpuBackend) SiLUBackward(dx, dy, x *Tensor) {
	xd, dyd, dxd := x.Data, dy.Data, dx.Data
	parallelFor(len(xd), elemGrain, func(lo, hi int) {
		gnSiluBwd(dxd[lo:hi], xd[lo:hi], dyd[lo:hi], 0, 1, 1, 0)
	})
}

func (c *cpuBackend) FiLM(y, h, ss *Tensor) {
	B, C := h.Shape[0], h.Shape[1]
	hw := h.Len() / (B * C)
	hd, yd, sd := h.Data, y.Data, ss.Data
	parallelFor(B*C, grainFor(hw), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b, ch := i/C, i%C
			affine(yd[i*hw:(i+1)*hw], hd[i*hw:(i+1)*hw], 1+sd[b*2*C+ch], sd[b*2*C+C+ch])
		}
	})
}

func (c *cpuBackend) FiLMBackward(dh, dss, dy, h, ss *Tensor) {
	B, C := h.Shape[0], h.Shape[1]
	hw := h.Len() / (B * C)
	hd, dyd, sd := h.Data, dy.Data, ss.Data
	parallelFor(B*C, grainFor(hw), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b, ch := i/C, i%C
			g := dyd[i*hw : (i+1)*hw]
			if dss != nil {
				gs, gh := dotSum(g, hd[i*hw:(i+1)*hw])
				dss.Data[b*2*C+ch] = gh
				dss.Data[b*2*C+C+ch] = gs
			}
			if dh != nil {
				affine(dh.Data[i*hw:(i+1)*hw], g, 1+sd[b*2*C+ch], 0)
			}
		}
	})
}

// Add accumulates in place with the vector kernel when y is a or b (every
// residual and skip connection: y = y + x), which is the same sum to the
// bit as the element-wise loop it runs otherwise.
func (c *cpuBackend) Add(y, a, b *Tensor) {
	ad, bd, yd := a.Data, b.Data, y.Data
	if sameSlice(yd, bd) {
		ad, bd = bd, ad
	}
	if sameSlice(yd, ad) {
		parallelFor(len(yd), elemGrain, func(lo, hi int) {
			addTo(yd[lo:hi], bd[lo:hi])
		})
		return
	}
	parallelFor(len(yd), elemGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yd[i] = ad[i] + bd[i]
		}
	})
}

// sameSlice reports whether a and b are the same non-empty slice.
func sameSlice(a, b []float32) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}

// SinusoidalEmbedding computes the arguments and the sines in float64 and
// rounds once; PyTorch's reference computes them in float32, which differs
// by a few float32 ulps of the argument (≲ 1e-6 at t ≤ 1).
func (c *cpuBackend) SinusoidalEmbedding(y *Tensor, t []float64) {
	D := y.Shape[1]
	half := D / 2
	for b, tb := range t {
		row := y.Data[b*D : (b+1)*D]
		for i := 0; i < half; i++ {
			f := math.Exp(-math.Log(10000) * float64(i) / float64(half-1))
			s, co := math.Sincos(tb * f * 2 * math.Pi)
			row[i] = float32(s)
			row[half+i] = float32(co)
		}
	}
}

// AdamW follows torch.optim.AdamW's single-tensor loop operation by
// operation (torch/optim/adamw.py, PyTorch 1.13): p ← p·(1 − lr·wd);
// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
// p ← p − step·m / (sqrt(v)/sqrt(1 − β2^n) + eps).
func (c *cpuBackend) AdamW(p, g, m, v *Tensor, decay, beta1, beta2, step, bc2sqrt, eps float32) {
	pd, gd, md, vd := p.Data, g.Data, m.Data, v.Data
	omb1, omb2 := 1-beta1, 1-beta2
	parallelFor(len(pd), elemGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := gd[i]
			pi := pd[i] * decay
			mi := md[i]*beta1 + gi*omb1
			vi := vd[i]*beta2 + omb2*gi*gi
			md[i], vd[i] = mi, vi
			denom := float32(math.Sqrt(float64(vi)))/bc2sqrt + eps
			pd[i] = pi - step*mi/denom
		}
	})
}

// Lerp is the EMA update written as torch's shadow.mul_(d).add_(p, alpha=1-d).
func (c *cpuBackend) Lerp(dst, src *Tensor, decay float32) {
	dd, sd := dst.Data, src.Data
	om := 1 - decay
	parallelFor(len(dd), elemGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dd[i] = dd[i]*decay + sd[i]*om
		}
	})
}

// SumSquares sums in one fixed order, tensor by tensor and element by
// element, so that its result does not depend on the number of cores.
func (c *cpuBackend) SumSquares(xs []*Tensor) float64 {
	var ss float64
	for _, x := range xs {
		for _, v := range x.Data {
			ss += float64(v) * float64(v)
		}
	}
	return ss
}

func (c *cpuBackend) Scale(x *Tensor, s float32) {
	xd := x.Data
	parallelFor(len(xd), elemGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xd[i] *= s
		}
	})
}

// grainFor returns the parallelFor grain for items of n elements each.
func grainFor(n int) int {
	if n >= elemGrain {
		return 1
	}
	return elemGrain / max(n, 1)
}
