package nn

import (
	"runtime"

	"gonum.org/v1/gonum/blas"
)

// Convolutions on the CPU are lowered to GEMM by im2col: the patches of a
// chunk of samples are unrolled into the columns of one matrix and one
// product does the work of the whole chunk. The chunk is bounded by a budget
// of floats, so the unrolled matrix stays a fixed, modest size however large
// the batch (that bounds the memory of a training step), and the chunks run
// either sample-parallel, one worker per core each running whole chunks,
// or one after another with the parallelism inside each step (see chunked).

// colsBudget is the largest number of float32s in one chunk's unrolled
// matrix when a chunk runs on the calling goroutine with a multi-threaded
// GEMM: 1 Mi floats = 4 MiB, two images' 3×3 patches of a 64-channel 28×28
// layer (576×784 each), so products have N ≈ 1,600 columns or more.
// workerColsBudget is the same bound for the chunks of sample-parallel
// workers: 256 Ki floats = 1 MiB, the L2 of one core here, which makes
// every chunk of the VelocityNet's large layers a single image.
//
// Both were measured (BenchmarkTrainStep at batch 64 and BenchmarkForward,
// WINDROSE_COLS_BUDGET from 256 Ki to 4 Mi floats, two rounds each): with
// one multi-threaded product per chunk, 4 MiB used 15–25% less CPU per
// image than 16 MiB (the unrolled matrix is still in cache when the GEMM
// packs it) and 2 MiB slightly more; with sample-parallel workers, chunks
// of 1–2 MiB used 10–20% less CPU than 4–8 MiB.
var (
	colsBudget       = 1 << 20
	workerColsBudget = 1 << 18
)

// geom is the geometry of a convolution seen from its image side: an input
// plane of C channels of H×W, a KH×KW kernel with stride and zero padding
// Pad, giving OH×OW output positions. Conv2d's input and ConvTranspose2d's
// output are the image side.
type geom struct {
	C, H, W, KH, KW, Stride, Pad, OH, OW int
}

// owRange returns the output columns [lo, hi) whose input column
// ow·Stride − Pad + kw lies inside [0, W); outside it the patch reads padding.
func (g *geom) owRange(kw int) (lo, hi int) {
	if d := g.Pad - kw; d > 0 {
		lo = (d + g.Stride - 1) / g.Stride
	}
	if e := g.W - 1 + g.Pad - kw; e >= 0 {
		hi = e/g.Stride + 1
	}
	hi = min(hi, g.OW)
	lo = min(lo, hi)
	return lo, hi
}

// im2col unrolls one input plane x (H×W) into the KH·KW rows
// dst[r·ld : r·ld+OH·OW], r = kh·KW + kw, row r holding the input value under
// kernel tap (kh, kw) for every output position (zero where it reads padding).
// ph is scratch of H·W for phased geometries (nil will do for the others).
func im2col(dst []float32, ld int, x, ph []float32, g *geom) {
	if g.sameShift() {
		im2colSame(dst, ld, x, g)
		return
	}
	if g.phased() {
		im2colPhased(dst, ld, x, ph, g)
		return
	}
	im2colStrided(dst, ld, x, g)
}

// im2colStrided is im2col for any geometry, one output row at a time.
func im2colStrided(dst []float32, ld int, x []float32, g *geom) {
	P := g.OH * g.OW
	for kh := 0; kh < g.KH; kh++ {
		for kw := 0; kw < g.KW; kw++ {
			row := dst[(kh*g.KW+kw)*ld:][:P]
			lo, hi := g.owRange(kw)
			off := kw - g.Pad
			for oh := 0; oh < g.OH; oh++ {
				seg := row[oh*g.OW : (oh+1)*g.OW]
				ih := oh*g.Stride - g.Pad + kh
				if ih < 0 || ih >= g.H {
					clear(seg)
					continue
				}
				src := x[ih*g.W : (ih+1)*g.W]
				clear(seg[:lo])
				clear(seg[hi:])
				if g.Stride == 1 {
					copy(seg[lo:hi], src[lo+off:hi+off])
				} else {
					for ow := lo; ow < hi; ow++ {
						seg[ow] = src[ow*g.Stride+off]
					}
				}
			}
		}
	}
}

// sameShift reports whether the convolution has stride 1 and keeps the
// width (OW = W, "same" padding): then output position q = oh·W + ow reads
// input position q + (kh−Pad)·W + (kw−Pad), so a tap's whole row of the
// unrolled matrix is one shifted copy of the plane, except for the
// columns where ow + kw − Pad leaves [0, W), which wrap around to the
// neighbouring image row and must read zero instead. One long copy per tap
// instead of one short copy per tap and output row is what makes im2col
// cheap for the 3×3 convolutions that dominate the network.
func (g *geom) sameShift() bool { return g.Stride == 1 && g.OW == g.W }

// shiftSpan returns, for output rows of width W (OH of them) that read the
// H×W plane shifted by dh rows and dw columns, the offset from output to
// input index and the range [q0, q1) of output positions whose input row
// is inside the plane.
func shiftSpan(H, W, OH, dh, dw int) (off, q0, q1 int) {
	oh0, oh1 := max(0, -dh), min(OH, H-dh)
	if oh1 < oh0 {
		oh1 = oh0
	}
	return dh*W + dw, oh0 * W, oh1 * W
}

// shiftedCopy writes row [OH·W] with the H×W plane x shifted by (dh, dw):
// row[q] = x[q + dh·W + dw] where that stays inside x's row, zero elsewhere.
func shiftedCopy(row, x []float32, H, W, OH, dh, dw int) {
	off, q0, q1 := shiftSpan(H, W, OH, dh, dw)
	clear(row[:q0])
	clear(row[q1:])
	if q1 == q0 {
		return
	}
	// The first and last |dw| positions of the span may fall outside the
	// plane; they are wrapped columns anyway.
	n := H * W
	lo, hi := max(q0, -off), min(q1, n-off)
	clear(row[q0:lo])
	clear(row[hi:q1])
	copy(row[lo:hi], x[lo+off:hi+off])
	zeroWrapped(row[q0:q1], W, dw)
}

// shiftedAdd is the adjoint of shiftedCopy: it adds row [OH·W] back into the
// H×W plane dx it was read from. It overwrites row's wrapped columns with
// zeros, so that they add nothing to the neighbouring row they wrap onto.
func shiftedAdd(dx, row []float32, H, W, OH, dh, dw int) {
	off, q0, q1 := shiftSpan(H, W, OH, dh, dw)
	if q1 == q0 {
		return
	}
	zeroWrapped(row[q0:q1], W, dw)
	lo, hi := max(q0, -off), min(q1, H*W-off)
	addTo(dx[lo+off:hi+off], row[lo:hi])
}

// phased reports whether the convolution has stride 2 and halves an even
// height and width (OH = H/2, OW = W/2; a 4×4 kernel with padding 1 among
// others). Then input row 2·oh − Pad + kh is row oh + d of the plane of
// the rows of parity ρ, with ρ = (kh − Pad) mod 2 and d = (kh − Pad − ρ)/2,
// and likewise for columns: split into its four phase planes (H/2 × W/2,
// one per parity of row and column), the input gives each tap's row of the
// unrolled matrix as one shifted copy of a phase plane, as sameShift
// geometries do, instead of a strided gather per output row.
func (g *geom) phased() bool {
	return g.Stride == 2 && g.H%2 == 0 && g.W%2 == 0 && g.OH == g.H/2 && g.OW == g.W/2
}

// phaseTap returns the phase plane (ρh·2 + ρw) and the shift (dh, dw) of
// tap (kh, kw) of a phased geometry.
func (g *geom) phaseTap(kh, kw int) (plane, dh, dw int) {
	u, v := kh-g.Pad, kw-g.Pad
	rh, rw := u&1, v&1
	return 2*rh + rw, (u - rh) >> 1, (v - rw) >> 1
}

// splitPhases writes the four phase planes of the H×W plane x to ph (4
// planes of H/2 × W/2, plane 2·ρh + ρw holding x[2i+ρh][2j+ρw]);
// joinPhases is its inverse.
func splitPhases(ph, x []float32, H, W int) {
	h, w := H/2, W/2
	n := h * w
	p0, p1, p2, p3 := ph[:n], ph[n:2*n], ph[2*n:3*n], ph[3*n:4*n]
	for i := 0; i < h; i++ {
		even, odd := x[2*i*W:][:W], x[(2*i+1)*W:][:W]
		q0, q1, q2, q3 := p0[i*w:][:w], p1[i*w:][:w], p2[i*w:][:w], p3[i*w:][:w]
		for j := range q0 {
			q0[j], q1[j] = even[2*j], even[2*j+1]
			q2[j], q3[j] = odd[2*j], odd[2*j+1]
		}
	}
}

func joinPhases(x, ph []float32, H, W int) {
	h, w := H/2, W/2
	n := h * w
	p0, p1, p2, p3 := ph[:n], ph[n:2*n], ph[2*n:3*n], ph[3*n:4*n]
	for i := 0; i < h; i++ {
		even, odd := x[2*i*W:][:W], x[(2*i+1)*W:][:W]
		q0, q1, q2, q3 := p0[i*w:][:w], p1[i*w:][:w], p2[i*w:][:w], p3[i*w:][:w]
		for j := range q0 {
			even[2*j], even[2*j+1] = q0[j], q1[j]
			odd[2*j], odd[2*j+1] = q2[j], q3[j]
		}
	}
}

// im2colPhased is im2col for a phased geometry, with ph scratch of H·W.
func im2colPhased(dst []float32, ld int, x, ph []float32, g *geom) {
	splitPhases(ph, x, g.H, g.W)
	h, w := g.H/2, g.W/2
	for kh := 0; kh < g.KH; kh++ {
		for kw := 0; kw < g.KW; kw++ {
			p, dh, dw := g.phaseTap(kh, kw)
			shiftedCopy(dst[(kh*g.KW+kw)*ld:][:h*w], ph[p*h*w:][:h*w], h, w, h, dh, dw)
		}
	}
}

// col2imPhased is col2im for a phased geometry, with ph scratch of H·W. The
// phases start from dx's values and receive the taps in the order col2im
// adds them, so every sum is the same, bit for bit.
func col2imPhased(dx, src []float32, ld int, ph []float32, g *geom) {
	splitPhases(ph, dx, g.H, g.W)
	h, w := g.H/2, g.W/2
	for kh := 0; kh < g.KH; kh++ {
		for kw := 0; kw < g.KW; kw++ {
			p, dh, dw := g.phaseTap(kh, kw)
			shiftedAdd(ph[p*h*w:][:h*w], src[(kh*g.KW+kw)*ld:][:h*w], h, w, h, dh, dw)
		}
	}
	joinPhases(dx, ph, g.H, g.W)
}

func im2colSame(dst []float32, ld int, x []float32, g *geom) {
	P := g.OH * g.OW
	for kh := 0; kh < g.KH; kh++ {
		for kw := 0; kw < g.KW; kw++ {
			shiftedCopy(dst[(kh*g.KW+kw)*ld:][:P], x, g.H, g.W, g.OH, kh-g.Pad, kw-g.Pad)
		}
	}
}

// phaseScratch returns the scratch im2col and col2im need for g: H·W
// values from the pool (to be put back) for a phased geometry, else nil.
func (c *cpuBackend) phaseScratch(g *geom) []float32 {
	if !g.phased() {
		return nil
	}
	return c.pool.get(g.H * g.W)
}

// zeroWrapped zeroes, in each row of width ow of span, the columns that a
// shift by dw columns wraps into the neighbouring image row: the first −dw
// columns when dw < 0, the last dw when dw > 0.
func zeroWrapped(span []float32, ow, dw int) {
	switch {
	case dw < 0:
		k := min(-dw, ow)
		for q := 0; q < len(span); q += ow {
			for j := range k {
				span[q+j] = 0
			}
		}
	case dw > 0:
		k := max(ow-dw, 0)
		for q := 0; q < len(span); q += ow {
			for j := k; j < ow; j++ {
				span[q+j] = 0
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds the KH·KW rows of src back into
// the input plane dx (H×W) they were read from. It may overwrite src. ph is
// scratch of H·W for phased geometries (nil will do for the others).
func col2im(dx []float32, src []float32, ld int, ph []float32, g *geom) {
	P := g.OH * g.OW
	if g.sameShift() {
		// One contiguous add per tap (src is a scratch matrix the caller
		// discards: shiftedAdd may zero its wrapped columns).
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				shiftedAdd(dx, src[(kh*g.KW+kw)*ld:][:P], g.H, g.W, g.OH, kh-g.Pad, kw-g.Pad)
			}
		}
		return
	}
	if g.phased() {
		col2imPhased(dx, src, ld, ph, g)
		return
	}
	col2imStrided(dx, src, ld, g)
}

// col2imStrided is col2im for any geometry, one output row at a time.
func col2imStrided(dx []float32, src []float32, ld int, g *geom) {
	P := g.OH * g.OW
	for kh := 0; kh < g.KH; kh++ {
		for kw := 0; kw < g.KW; kw++ {
			row := src[(kh*g.KW+kw)*ld:][:P]
			lo, hi := g.owRange(kw)
			off := kw - g.Pad
			for oh := 0; oh < g.OH; oh++ {
				ih := oh*g.Stride - g.Pad + kh
				if ih < 0 || ih >= g.H {
					continue
				}
				seg := row[oh*g.OW : (oh+1)*g.OW]
				d := dx[ih*g.W : (ih+1)*g.W]
				if g.Stride == 1 {
					addTo(d[lo+off:hi+off], seg[lo:hi])
				} else {
					for ow := lo; ow < hi; ow++ {
						d[ow*g.Stride+off] += seg[ow]
					}
				}
			}
		}
	}
}

// chunkSamples returns how many samples one chunk holds when each sample
// needs perSample floats of the largest temporary and a chunk may hold
// budget floats.
func chunkSamples(batch, perSample, budget int) int {
	return max(1, min(batch, budget/max(perSample, 1)))
}

// runner runs the work of one chunk of samples in one of two ways: inside
// one goroutine, as a worker of a sample-parallel operation (serial loops, a
// single-threaded GEMM), or on the calling goroutine with the parallelism
// inside each step (parallel loops, a multi-threaded GEMM).
type runner struct {
	gemm sgemmer
	par  bool
}

func (r runner) loop(n, grain int, fn func(lo, hi int)) {
	if r.par {
		parallelFor(n, grain, fn)
		return
	}
	fn(0, n)
}

// chunked calls body(r, s0, n, a, b, acc) for consecutive chunks of samples
// [s0, s0+n) covering the batch B, with scratch buffers a and b of aPer·n
// and bPer·n floats. minS is the fewest samples a chunk should hold (when
// the batch allows), for products whose width per sample is small.
//
// When the backend has a single-threaded GEMM and the batch has at least two
// samples, the chunks are shared out among runtime.GOMAXPROCS(0) goroutines,
// each running whole chunks on its own (im2col, product, scatter): one
// fork and join per operation instead of three per chunk, and each core
// keeps its chunk in its own cache. On these 2-vCPU virtual machines waking
// a goroutine on the idle CPU takes 60–140 µs (measured by nn/gemm, see
// its team.go), which at three wake-ups per chunk was a tenth of a
// training step. Otherwise (one sample) the chunks run one after another
// on the caller, each step parallel inside.
//
// acc, when not nil, is an accumulator the chunks add to (a weight
// gradient). Results must not depend on goroutine scheduling (a resumed
// training run has to repeat an uninterrupted one bit for bit), so the
// chunks are cut into at most accGroups fixed groups, each group's chunks
// add, in order, into the group's own zeroed partial sum, and the partial
// sums are added to acc in group order. The chunks and groups depend only
// on the batch and the layer, not on the number of goroutines, so the sums
// are the same for any GOMAXPROCS.
func (c *cpuBackend) chunked(B, aPer, bPer, minS int, acc []float32, body func(r runner, s0, n int, a, b, acc []float32)) {
	per := max(aPer, bPer)
	if c.serial == nil || B < 2 {
		S := max(chunkSamples(B, per, colsBudget), min(minS, B))
		a, b := c.pool.get(aPer*S), c.pool.get(bPer*S)
		r := runner{gemm: c.gemm, par: true}
		for s0 := 0; s0 < B; s0 += S {
			body(r, s0, min(S, B-s0), a, b, acc)
		}
		c.pool.put(a)
		c.pool.put(b)
		return
	}
	S := max(chunkSamples(B, per, workerColsBudget), min(minS, B))
	nch := (B + S - 1) / S
	if w := runtime.GOMAXPROCS(0); c.columnStable && acc == nil && nch%w != 0 && B >= w {
		// Without an accumulator, and with a GEMM whose elements do not
		// depend on the product's width, the chunking cannot change a
		// result, so the chunks are cut for the goroutines: a whole
		// number of chunks each, of sizes that differ by at most one
		// sample.
		// (Sixty-four 7×7 samples side by side in pairs made chunks of
		// 6, 6, 6, 6, 6 and 2 pairs, and one core waited a sixth of
		// the time.)
		nch = min(B, (nch+w-1)/w*w)
		S = (B + nch - 1) / nch
	}
	r := runner{gemm: c.serial}
	run := func(chLo, chHi int, acc []float32) {
		a, b := c.pool.get(aPer*S), c.pool.get(bPer*S)
		for ch := chLo; ch < chHi; ch++ {
			s0, s1 := ch*B/nch, (ch+1)*B/nch
			body(r, s0, s1-s0, a, b, acc)
		}
		c.pool.put(a)
		c.pool.put(b)
	}
	if acc == nil {
		parallelFor(nch, 1, func(lo, hi int) { run(lo, hi, nil) })
		return
	}
	groups := min(nch, accGroups)
	L := len(acc)
	partial := c.pool.get(groups * L)
	clear(partial)
	parallelFor(groups, 1, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			run(g*nch/groups, (g+1)*nch/groups, partial[g*L:(g+1)*L])
		}
	})
	parallelFor(L, elemGrain, func(lo, hi int) {
		for g := 0; g < groups; g++ {
			addTo(acc[lo:hi], partial[g*L+lo:g*L+hi])
		}
	})
	c.pool.put(partial)
}

// accGroups is the number of partial sums of a weight gradient: enough
// groups of chunks for two to four workers to balance their load when one
// of the cores is shared with another process, few enough that the partial
// sums (8 × 147,456 floats for the largest layer) stay small.
const accGroups = 8

// gather copies the planes of samples [s0, s0+n) of x [B,C,P] into
// dst [C, n·P] (channel-major, samples side by side), the layout in which a
// chunk enters a GEMM.
func gather(r runner, dst, x []float32, s0, n, C, P int) {
	N := n * P
	r.loop(n*C, grainFor(P), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s, ch := i/C, i%C
			copy(dst[ch*N+s*P:][:P], x[((s0+s)*C+ch)*P:][:P])
		}
	})
}

// scatterBias is the inverse of gather, adding bias[c] (if not nil) on the way.
func scatterBias(r runner, y, src []float32, bias []float32, s0, n, C, P int) {
	N := n * P
	r.loop(n*C, grainFor(P), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s, ch := i/C, i%C
			d := y[((s0+s)*C+ch)*P:][:P]
			row := src[ch*N+s*P:][:P]
			if bias == nil {
				copy(d, row)
				continue
			}
			affine(d, row, 1, bias[ch])
		}
	})
}

// sampleView returns the planes of sample s0 of x [B,C,P] when a chunk holds
// one sample (n = 1): they already are the [C, P] matrix a GEMM wants, so
// nothing is copied. For larger chunks it gathers them into buf.
func sampleView(r runner, buf, x []float32, s0, n, C, P int) []float32 {
	if n == 1 {
		return x[s0*C*P:][:C*P]
	}
	gather(r, buf, x, s0, n, C, P)
	return buf
}

// fillBias sets every plane c of the [C, P] matrix y to bias[c], so that a
// GEMM with beta = 1 adds the product to the bias in its own store.
func fillBias(y, bias []float32, C, P int) {
	for c := 0; c < C; c++ {
		v := bias[c]
		row := y[c*P : (c+1)*P]
		for i := range row {
			row[i] = v
		}
	}
}

// addChannelSums adds Σ over samples and positions of x [B,C,P] to db [C],
// summing each plane in float32 and the planes in float64 (a batch of 256
// 28×28 images adds 200,704 terms).
func addChannelSums(db, x []float32, B, C, P int) {
	parallelFor(C, grainFor(B*P), func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var s float64
			for b := 0; b < B; b++ {
				s += float64(sum32(x[(b*C+ch)*P:][:P]))
			}
			db[ch] += float32(s)
		}
	})
}

func (c *cpuBackend) Conv2d(y, x, w, b *Tensor, stride, pad int) {
	c.conv2d(y, x, w, b, nil, stride, pad)
}

// Conv2dAdd is Conv2d adding r (shaped like y) to the result: y = w ⋆ x + b
// + r, bit for bit Conv2d followed by Add(y, y, r). F(4×4, 3×3) adds r as
// it writes y, which saves the separate pass of a residual connection; the
// other algorithms add it afterwards.
func (c *cpuBackend) Conv2dAdd(y, x, w, b, r *Tensor, stride, pad int) {
	c.conv2d(y, x, w, b, r, stride, pad)
}

func (c *cpuBackend) conv2d(y, x, w, b, r *Tensor, stride, pad int) {
	g := convGeom(y, x, w, stride, pad)
	Cout := w.Shape[0]
	var bias []float32
	if b != nil {
		bias = b.Data
	}
	alg := convAlgorithm(&g, Cout, x.Shape[0])
	B, Cin, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	switch {
	case alg == convWinograd4 && r != nil:
		u := c.pool.get(36 * Cout * Cin)
		winograd4Weights(u, w.Data, Cout, Cin, false)
		c.winograd4(y.Data, x.Data, u, bias, r.Data, B, Cin, Cout, H, W)
		c.pool.put(u)
		return
	case alg != convIm2col:
		c.winogradConv2d(alg, y.Data, x.Data, w.Data, bias, Cout, Cin, B, H, W, false)
	default:
		c.conv2dIm2col(y, x, w, bias, &g)
	}
	if r != nil {
		c.Add(y, y, r)
	}
}

// winogradConv2d is the same-size 3×3 convolution of the planes x into y
// by Winograd algorithm alg, with kernels w [A][Bc][3][3] oriented as
// winogradWeights describes: A → Bc channels with flip (the input gradient),
// Bc → A without.
func (c *cpuBackend) winogradConv2d(alg convAlg, y, x, w, bias []float32, A, Bc, B, H, W int, flip bool) {
	cin, cout := Bc, A
	if flip {
		cin, cout = A, Bc
	}
	if alg == convWinograd4 {
		u := c.pool.get(36 * A * Bc)
		winograd4Weights(u, w, A, Bc, flip)
		c.winograd4(y, x, u, bias, nil, B, cin, cout, H, W)
		c.pool.put(u)
		return
	}
	u := c.pool.get(16 * A * Bc)
	winogradWeights(u, w, A, Bc, flip)
	c.winograd(y, x, u, bias, B, cin, cout, H, W)
	c.pool.put(u)
}

// convGeom is the geometry of a Conv2d from the image x to y with kernels
// w (a ConvTranspose2d's is that of the Conv2d from its output to its
// input: convGeom(x, y, w, …)).
func convGeom(y, x, w *Tensor, stride, pad int) geom {
	return geom{C: x.Shape[1], H: x.Shape[2], W: x.Shape[3], KH: w.Shape[2], KW: w.Shape[3], Stride: stride, Pad: pad, OH: y.Shape[2], OW: y.Shape[3]}
}

// conv2dIm2col is Conv2d as one GEMM per chunk of samples over their
// im2col columns.
func (c *cpuBackend) conv2dIm2col(y, x, w *Tensor, bias []float32, g *geom) {
	B, Cin, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	Cout, KH, KW := w.Shape[0], w.Shape[2], w.Shape[3]
	K, P, kk := Cin*KH*KW, g.OH*g.OW, KH*KW
	c.chunked(B, K*P, Cout*P, 1, nil, func(r runner, s0, n int, cols, out, _ []float32) {
		N := n * P
		r.loop(n*Cin, grainFor(kk*P), func(lo, hi int) {
			ph := c.phaseScratch(g)
			if ph != nil {
				defer c.pool.put(ph)
			}
			for i := lo; i < hi; i++ {
				s, ci := i/Cin, i%Cin
				im2col(cols[ci*kk*N+s*P:], N, x.Data[((s0+s)*Cin+ci)*H*W:][:H*W], ph, g)
			}
		})
		if n == 1 {
			// The product is sample s0's output planes: write it there.
			dst := y.Data[s0*Cout*P:][:Cout*P]
			var beta float32
			if bias != nil {
				fillBias(dst, bias, Cout, P)
				beta = 1
			}
			r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cout, N, K, 1, w.Data, K, cols, N, beta, dst, N)
			return
		}
		r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cout, N, K, 1, w.Data, K, cols, N, 0, out, N)
		scatterBias(r, y.Data, out, bias, s0, n, Cout, P)
	})
}

func (c *cpuBackend) Conv2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int) {
	B, Cin, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	Cout, KH, KW := w.Shape[0], w.Shape[2], w.Shape[3]
	g := convGeom(dy, x, w, stride, pad)
	K, P, kk := Cin*KH*KW, g.OH*g.OW, KH*KW
	if db != nil {
		addChannelSums(db.Data, dy.Data, B, Cout, P)
	}
	if dw == nil && dx == nil {
		return
	}
	// Where the forward pass runs F(4×4, 3×3), so does the weight gradient
	// (cpu_winograd4_grad.go).
	if dw != nil && convAlgorithm(&g, Cout, B) == convWinograd4 {
		c.winograd4WeightGrad(dw.Data, x.Data, dy.Data, B, Cin, Cout, H, W)
		dw = nil
		if dx == nil {
			return
		}
	}
	// The input gradient of a same-size 3×3 convolution is the same-size
	// 3×3 convolution of dy with the kernels rotated by 180° and the
	// channel roles swapped: Cout channels in, Cin out.
	gt := g
	gt.C = Cout
	if alg := convAlgorithm(&gt, Cin, B); dx != nil && alg != convIm2col {
		c.winogradConv2d(alg, dx.Data, dy.Data, w.Data, nil, Cout, Cin, B, H, W, true)
		dx = nil
		if dw == nil {
			return
		}
	}
	var dwAcc []float32
	if dw != nil {
		dwAcc = dw.Data
	}
	c.chunked(B, K*P, Cout*P, 1, dwAcc, func(r runner, s0, n int, cols, dycBuf, acc []float32) {
		N := n * P
		dyc := sampleView(r, dycBuf, dy.Data, s0, n, Cout, P)
		if dw != nil {
			r.loop(n*Cin, grainFor(kk*P), func(lo, hi int) {
				ph := c.phaseScratch(&g)
				if ph != nil {
					defer c.pool.put(ph)
				}
				for i := lo; i < hi; i++ {
					s, ci := i/Cin, i%Cin
					im2col(cols[ci*kk*N+s*P:], N, x.Data[((s0+s)*Cin+ci)*H*W:][:H*W], ph, &g)
				}
			})
			r.gemm.Sgemm(blas.NoTrans, blas.Trans, Cout, K, N, 1, dyc, N, cols, N, 1, acc, K)
		}
		if dx != nil {
			r.gemm.Sgemm(blas.Trans, blas.NoTrans, K, N, Cout, 1, w.Data, K, dyc, N, 0, cols, N)
			r.loop(n*Cin, grainFor(kk*P), func(lo, hi int) {
				ph := c.phaseScratch(&g)
				if ph != nil {
					defer c.pool.put(ph)
				}
				for i := lo; i < hi; i++ {
					s, ci := i/Cin, i%Cin
					plane := dx.Data[((s0+s)*Cin+ci)*H*W:][:H*W]
					clear(plane)
					col2im(plane, cols[ci*kk*N+s*P:], N, ph, &g)
				}
			})
		}
	})
}

// ConvTranspose2d is the adjoint of a Conv2d from y's shape to x's shape: the
// GEMM spreads every input position over Cout·KH·KW columns, and col2im adds
// them into the output planes, which start at the bias.
func (c *cpuBackend) ConvTranspose2d(y, x, w, b *Tensor, stride, pad int) {
	c.convTranspose2d(y, x, w, b, nil, stride, pad)
}

// ConvTranspose2dAdd is ConvTranspose2d adding r (shaped like y) to the
// result, bit for bit ConvTranspose2d followed by Add(y, y, r): each output
// plane gets r's plane added right after it is assembled, while it is still
// in cache, which saves the separate pass of a skip connection.
func (c *cpuBackend) ConvTranspose2dAdd(y, x, w, b, res *Tensor, stride, pad int) {
	c.convTranspose2d(y, x, w, b, res, stride, pad)
}

func (c *cpuBackend) convTranspose2d(y, x, w, b, res *Tensor, stride, pad int) {
	B, Cin := x.Shape[0], x.Shape[1]
	Cout, KH, KW := w.Shape[1], w.Shape[2], w.Shape[3]
	H, W := y.Shape[2], y.Shape[3]
	g := convGeom(x, y, w, stride, pad) // seen from the image side, y
	Kc, P, kk := Cout*KH*KW, g.OH*g.OW, KH*KW
	c.chunked(B, Cin*P, Kc*P, 1, nil, func(r runner, s0, n int, xcBuf, cols, _ []float32) {
		N := n * P
		xc := sampleView(r, xcBuf, x.Data, s0, n, Cin, P)
		r.gemm.Sgemm(blas.Trans, blas.NoTrans, Kc, N, Cin, 1, w.Data, Kc, xc, N, 0, cols, N)
		r.loop(n*Cout, grainFor(kk*P), func(lo, hi int) {
			ph := c.phaseScratch(&g)
			if ph != nil {
				defer c.pool.put(ph)
			}
			for i := lo; i < hi; i++ {
				s, co := i/Cout, i%Cout
				plane := y.Data[((s0+s)*Cout+co)*H*W:][:H*W]
				if b != nil {
					bv := b.Data[co]
					for p := range plane {
						plane[p] = bv
					}
				} else {
					clear(plane)
				}
				col2im(plane, cols[co*kk*N+s*P:], N, ph, &g)
				if res != nil {
					addTo(plane, res.Data[((s0+s)*Cout+co)*H*W:][:H*W])
				}
			}
		})
	})
}

func (c *cpuBackend) ConvTranspose2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int) {
	B, Cin := x.Shape[0], x.Shape[1]
	Cout, KH, KW := w.Shape[1], w.Shape[2], w.Shape[3]
	H, W := dy.Shape[2], dy.Shape[3]
	g := convGeom(x, dy, w, stride, pad) // seen from the image side, dy
	Kc, P, kk := Cout*KH*KW, g.OH*g.OW, KH*KW
	if db != nil {
		addChannelSums(db.Data, dy.Data, B, Cout, H*W)
	}
	if dw == nil && dx == nil {
		return
	}
	var dwAcc []float32
	if dw != nil {
		dwAcc = dw.Data
	}
	c.chunked(B, Cin*P, Kc*P, 1, dwAcc, func(r runner, s0, n int, xc, cols, acc []float32) {
		N := n * P
		r.loop(n*Cout, grainFor(kk*P), func(lo, hi int) {
			ph := c.phaseScratch(&g)
			if ph != nil {
				defer c.pool.put(ph)
			}
			for i := lo; i < hi; i++ {
				s, co := i/Cout, i%Cout
				im2col(cols[co*kk*N+s*P:], N, dy.Data[((s0+s)*Cout+co)*H*W:][:H*W], ph, &g)
			}
		})
		if dw != nil {
			xv := sampleView(r, xc, x.Data, s0, n, Cin, P)
			r.gemm.Sgemm(blas.NoTrans, blas.Trans, Cin, Kc, N, 1, xv, N, cols, N, 1, acc, Kc)
		}
		if dx != nil {
			if n == 1 {
				r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cin, N, Kc, 1, w.Data, Kc, cols, N, 0, dx.Data[s0*Cin*P:][:Cin*P], N)
				return
			}
			r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cin, N, Kc, 1, w.Data, Kc, cols, N, 0, xc, N)
			scatterBias(r, dx.Data, xc, nil, s0, n, Cin, P)
		}
	})
}
