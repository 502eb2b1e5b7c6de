//go:build cuda

package nn

import (
	"fmt"
	"math"
	"unsafe"

	"gorgonia.org/cu"
)

// The operations of the cuda backend. Each one holds the residency's lock
// and its thread for its whole length (enter), asks the residency for the
// device addresses of its inputs (in) and then of its outputs (inout, out),
// so that an output may alias an input, and queues its kernels on the
// default stream. The algorithms are the CPU backend's (nn/cpu*.go), in
// one chunk of samples where the CPU uses several: convolutions are im2col
// or col2im around one GEMM over the whole batch.

// cudaColsBudget bounds, in float32s, the unrolled matrix of one chunk of
// samples in a convolution (1 GiB): the batch is cut into chunks when
// it would hold more. A variable so that tests can make chunks small.
var cudaColsBudget = 1 << 28

// convChunk returns the number of samples per chunk of a convolution whose
// temporaries and images hold perSample floats per sample: the largest of
// them holds at most cudaColsBudget floats in a chunk, and always fewer
// than 2^31, as the kernels' 32-bit indices need.
func convChunk(op string, batch int, perSample ...int) int {
	per := 1
	for _, n := range perSample {
		per = max(per, n)
	}
	if per > math.MaxInt32 {
		panic(fmt.Sprintf("nn: cuda: %s: one sample needs %d floats, more than 32-bit indices reach", op, per))
	}
	return max(1, min(batch, min(cudaColsBudget, math.MaxInt32)/per))
}

// GEMM geometry (cuda_kernels.cu: TM = TN = 64, TK = 16, 256 threads).
const (
	gemmTile    = 64
	gemmTK      = 16
	gemmThreads = 256
	// A product with fewer than splitKTarget/2 output tiles is split along
	// k into up to splitKMax slices of at least splitKMin, to give about
	// splitKTarget blocks (two per SM of an H100/H200): the weight
	// gradients of the convolutions are 64×576 outputs summed over 200,704
	// positions at batch 256.
	splitKTarget = 256
	splitKMin    = 256
	splitKMax    = 64
)

// gemmSplit returns the number of k slices of a product with blocks output
// tiles and depth k, and the length of each (a multiple of gemmTK but for a
// single slice); every slice is non-empty. It depends on the shape only,
// so results do not depend on the device.
func gemmSplit(blocks, k int) (splits, kchunk int) {
	if blocks >= splitKTarget/2 || k < 2*splitKMin {
		return 1, k
	}
	splits = min((splitKTarget+blocks-1)/blocks, k/splitKMin, splitKMax)
	if splits <= 1 {
		return 1, k
	}
	kchunk = (k + splits - 1) / splits
	kchunk = (kchunk + gemmTK - 1) / gemmTK * gemmTK
	splits = (k + kchunk - 1) / kchunk
	return splits, kchunk
}

// gemm computes the row-major C[m,n] = alpha·op(A)·op(B) + beta·C, with
// op(A) [m,k] and op(B) [k,n] transposed when tA, tB (the arguments of
// blas.Sgemm). beta = 0 does not read C.
func (c *cudaBackend) gemm(tA, tB bool, m, n, k int, alpha float32, a uintptr, lda int, b uintptr, ldb int, beta float32, cp uintptr, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	gx, gy := (n+gemmTile-1)/gemmTile, (m+gemmTile-1)/gemmTile
	splits, kchunk := gemmSplit(gx*gy, k)
	var ws uintptr
	if splits > 1 {
		ws = c.getScratch(scrSplitK, splits*m*n)
	}
	kern := kSgemmNN
	switch {
	case tA && tB:
		kern = kSgemmTT
	case tA:
		kern = kSgemmTN
	case tB:
		kern = kSgemmNT
	}
	c.launch(kern, gx, gy, splits, gemmThreads,
		argI(m), argI(n), argI(k), argI(kchunk), argF(alpha),
		argP(a), argI(lda), argP(b), argI(ldb), argF(beta), argP(cp), argI(ldc), argP(ws))
	if splits > 1 {
		c.launchElems(kSplitKReduce, m*n, argP(cp), argP(ws), argI(m), argI(n), argI(ldc), argI(splits), argF(alpha), argF(beta))
	}
}

// im2col unrolls samples [0, n) of the image x [n,C,H,W] into cols
// [C·KH·KW, n·OH·OW].
func (c *cudaBackend) im2col(cols, x uintptr, n, C, H, W, KH, KW, stride, pad, OH, OW int) {
	c.launchElems(kIm2col, C*KH*KW*n*OH*OW, argP(cols), argP(x),
		argI(n), argI(C), argI(H), argI(W), argI(KH), argI(KW), argI(stride), argI(pad), argI(OH), argI(OW))
}

// col2im overwrites the image dst [n,C,H,W] with bias (or 0 when bias is 0)
// plus the adjoint of im2col applied to cols.
func (c *cudaBackend) col2im(dst, cols, bias uintptr, n, C, H, W, KH, KW, stride, pad, OH, OW int) {
	c.launchElems(kCol2im, n*C*H*W, argP(dst), argP(cols), argP(bias),
		argI(n), argI(C), argI(H), argI(W), argI(KH), argI(KW), argI(stride), argI(pad), argI(OH), argI(OW))
}

// toCN copies x [n,C,P] to dst [C, n·P].
func (c *cudaBackend) toCN(dst, x uintptr, n, C, P int) {
	c.launchElems(kNCHWToCN, n*C*P, argP(dst), argP(x), argI(n), argI(C), argI(P))
}

// fromCN copies src [C, n·P] to dst [n,C,P], adding bias[c] unless bias is 0.
func (c *cudaBackend) fromCN(dst, src, bias uintptr, n, C, P int) {
	c.launchElems(kCNToNCHW, n*C*P, argP(dst), argP(src), argP(bias), argI(n), argI(C), argI(P))
}

// channelSums adds to db [C] the sums over b and p of x [B,C,P].
func (c *cudaBackend) channelSums(db, x uintptr, B, C, P int) {
	if C <= 0 || B*P == 0 {
		return
	}
	c.launch(kChannelSums, C, 1, 1, reduceBlock, argP(db), argP(x), argI(B), argI(C), argI(P))
}

func (c *cudaBackend) Linear(y, x, w, b *Tensor) {
	defer c.enter("Linear")()
	xp, wp, bp := c.r.in(x), c.r.in(w), c.r.in(b)
	yp := c.r.out(y)
	B, in, out := x.Shape[0], x.Shape[1], w.Shape[0]
	var beta float32
	if b != nil {
		c.launchElems(kFillRows, B*out, argP(yp), argP(bp), argI(B), argI(out))
		beta = 1
	}
	c.gemm(false, true, B, out, in, 1, xp, in, wp, in, beta, yp, out)
}

func (c *cudaBackend) LinearBackward(dx, dw, db, dy, x, w *Tensor) {
	defer c.enter("LinearBackward")()
	B, in, out := x.Shape[0], x.Shape[1], w.Shape[0]
	dyp := c.r.in(dy)
	var xp, wp uintptr
	if dw != nil {
		xp = c.r.in(x)
	}
	if dx != nil {
		wp = c.r.in(w)
	}
	dwp, dbp := c.r.inout(dw), c.r.inout(db)
	dxp := c.r.out(dx)
	if dw != nil {
		c.gemm(true, false, out, in, B, 1, dyp, out, xp, in, 1, dwp, in)
	}
	if db != nil {
		c.channelSums(dbp, dyp, B, out, 1)
	}
	if dx != nil {
		c.gemm(false, false, B, in, out, 1, dyp, out, wp, in, 0, dxp, in)
	}
}

// Conv2d: per chunk of n samples, cols = im2col(x) [K, N], the product
// w [Cout,K]·cols [Cout, N], then permuted to NCHW with the bias.
func (c *cudaBackend) Conv2d(y, x, w, b *Tensor, stride, pad int) {
	defer c.enter("Conv2d")()
	xp, wp, bp := c.r.in(x), c.r.in(w), c.r.in(b)
	yp := c.r.out(y)
	B, Cin, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	Cout, KH, KW := w.Shape[0], w.Shape[2], w.Shape[3]
	OH, OW := y.Shape[2], y.Shape[3]
	K, P := Cin*KH*KW, OH*OW
	S := convChunk("Conv2d", B, K*P, Cout*P, Cin*H*W)
	cols := c.getScratch(scrCols, K*S*P)
	prod := c.getScratch(scrA, Cout*S*P)
	for s0 := 0; s0 < B; s0 += S {
		n := min(S, B-s0)
		N := n * P
		c.im2col(cols, offs(xp, s0*Cin*H*W), n, Cin, H, W, KH, KW, stride, pad, OH, OW)
		c.gemm(false, false, Cout, N, K, 1, wp, K, cols, N, 0, prod, N)
		c.fromCN(offs(yp, s0*Cout*P), prod, bp, n, Cout, P)
	}
}

// Conv2dBackward: db sums dy; per chunk, dyc = dy as [Cout, N],
// dw [Cout,K] += dyc·im2col(x)ᵀ and dx = col2im(wᵀ·dyc).
func (c *cudaBackend) Conv2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int) {
	defer c.enter("Conv2dBackward")()
	B, Cin, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	Cout, KH, KW := w.Shape[0], w.Shape[2], w.Shape[3]
	OH, OW := dy.Shape[2], dy.Shape[3]
	K, P := Cin*KH*KW, OH*OW
	dyp := c.r.in(dy)
	var xp, wp uintptr
	if dw != nil {
		xp = c.r.in(x)
	}
	if dx != nil {
		wp = c.r.in(w)
	}
	dwp, dbp := c.r.inout(dw), c.r.inout(db)
	dxp := c.r.out(dx)
	if db != nil {
		c.channelSums(dbp, dyp, B, Cout, P)
	}
	if dw == nil && dx == nil {
		return
	}
	S := convChunk("Conv2dBackward", B, K*P, Cout*P, Cin*H*W)
	cols := c.getScratch(scrCols, K*S*P)
	dyc := c.getScratch(scrA, Cout*S*P)
	for s0 := 0; s0 < B; s0 += S {
		n := min(S, B-s0)
		N := n * P
		c.toCN(dyc, offs(dyp, s0*Cout*P), n, Cout, P)
		if dw != nil {
			c.im2col(cols, offs(xp, s0*Cin*H*W), n, Cin, H, W, KH, KW, stride, pad, OH, OW)
			c.gemm(false, true, Cout, K, N, 1, dyc, N, cols, N, 1, dwp, K)
		}
		if dx != nil {
			c.gemm(true, false, K, N, Cout, 1, wp, K, dyc, N, 0, cols, N)
			c.col2im(offs(dxp, s0*Cin*H*W), cols, 0, n, Cin, H, W, KH, KW, stride, pad, OH, OW)
		}
	}
}

// ConvTranspose2d is the adjoint of a Conv2d from y's shape (the image
// side, Cout channels of H×W) to x's (Cin channels of OH×OW): per chunk,
// cols = wᵀ·x with w seen as [Cin, Cout·KH·KW] and x as [Cin, N], then
// col2im into y, which starts at the bias.
func (c *cudaBackend) ConvTranspose2d(y, x, w, b *Tensor, stride, pad int) {
	defer c.enter("ConvTranspose2d")()
	xp, wp, bp := c.r.in(x), c.r.in(w), c.r.in(b)
	yp := c.r.out(y)
	B, Cin := x.Shape[0], x.Shape[1]
	Cout, KH, KW := w.Shape[1], w.Shape[2], w.Shape[3]
	H, W := y.Shape[2], y.Shape[3]
	OH, OW := x.Shape[2], x.Shape[3]
	Kc, P := Cout*KH*KW, OH*OW
	S := convChunk("ConvTranspose2d", B, Kc*P, Cin*P, Cout*H*W)
	cols := c.getScratch(scrCols, Kc*S*P)
	xc := c.getScratch(scrA, Cin*S*P)
	for s0 := 0; s0 < B; s0 += S {
		n := min(S, B-s0)
		N := n * P
		c.toCN(xc, offs(xp, s0*Cin*P), n, Cin, P)
		c.gemm(true, false, Kc, N, Cin, 1, wp, Kc, xc, N, 0, cols, N)
		c.col2im(offs(yp, s0*Cout*H*W), cols, bp, n, Cout, H, W, KH, KW, stride, pad, OH, OW)
	}
}

// ConvTranspose2dBackward: db sums dy; per chunk, cols = im2col(dy)
// [Cout·KH·KW, N], dw [Cin, Cout·KH·KW] += x·colsᵀ with x as [Cin, N],
// and dx = w·cols, permuted to NCHW.
func (c *cudaBackend) ConvTranspose2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int) {
	defer c.enter("ConvTranspose2dBackward")()
	B, Cin := x.Shape[0], x.Shape[1]
	Cout, KH, KW := w.Shape[1], w.Shape[2], w.Shape[3]
	H, W := dy.Shape[2], dy.Shape[3]
	OH, OW := x.Shape[2], x.Shape[3]
	Kc, P := Cout*KH*KW, OH*OW
	dyp := c.r.in(dy)
	var xp, wp uintptr
	if dw != nil {
		xp = c.r.in(x)
	}
	if dx != nil {
		wp = c.r.in(w)
	}
	dwp, dbp := c.r.inout(dw), c.r.inout(db)
	dxp := c.r.out(dx)
	if db != nil {
		c.channelSums(dbp, dyp, B, Cout, H*W)
	}
	if dw == nil && dx == nil {
		return
	}
	S := convChunk("ConvTranspose2dBackward", B, Kc*P, Cin*P, Cout*H*W)
	cols := c.getScratch(scrCols, Kc*S*P)
	var xc, prod uintptr
	if dw != nil {
		xc = c.getScratch(scrA, Cin*S*P)
	}
	if dx != nil {
		prod = c.getScratch(scrB, Cin*S*P)
	}
	for s0 := 0; s0 < B; s0 += S {
		n := min(S, B-s0)
		N := n * P
		c.im2col(cols, offs(dyp, s0*Cout*H*W), n, Cout, H, W, KH, KW, stride, pad, OH, OW)
		if dw != nil {
			c.toCN(xc, offs(xp, s0*Cin*P), n, Cin, P)
			c.gemm(false, true, Cin, Kc, N, 1, xc, N, cols, N, 1, dwp, Kc)
		}
		if dx != nil {
			c.gemm(false, false, Cin, N, Kc, 1, wp, Kc, cols, N, 0, prod, N)
			c.fromCN(offs(dxp, s0*Cin*P), prod, 0, n, Cin, P)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (c *cudaBackend) GroupNorm(y, x, gamma, beta, stats *Tensor, eps float32, silu bool) {
	defer c.enter("GroupNorm")()
	xp, gp, bp := c.r.in(x), c.r.in(gamma), c.r.in(beta)
	yp, sp := c.r.out(y), c.r.out(stats)
	B, C := x.Shape[0], x.Shape[1]
	G := stats.Shape[1]
	if B*G == 0 {
		return
	}
	HW := x.Len() / (B * C)
	c.launch(kGroupNormFwd, B*G, 1, 1, reduceBlock, argP(yp), argP(sp), argP(xp), argP(gp), argP(bp),
		argI(C), argI(G), argI(HW), argF(eps), argI(b2i(silu)))
}

// GroupNormBackward: one block per (sample, group) writes dx and the
// per-(sample, channel) sums of dγ and dβ, which a second kernel adds over
// the samples, in order, into dgamma and dbeta.
func (c *cudaBackend) GroupNormBackward(dx, dgamma, dbeta, dy, x, gamma, beta, stats *Tensor, silu bool) {
	defer c.enter("GroupNormBackward")()
	dyp, xp, gp, bp, sp := c.r.in(dy), c.r.in(x), c.r.in(gamma), c.r.in(beta), c.r.in(stats)
	dxp := c.r.out(dx)
	dgp, dbp := c.r.inout(dgamma), c.r.inout(dbeta)
	B, C := x.Shape[0], x.Shape[1]
	G := stats.Shape[1]
	if B*G == 0 {
		return
	}
	HW := x.Len() / (B * C)
	part := c.getScratch(scrPart, 2*B*C)
	c.launch(kGroupNormBwd, B*G, 1, 1, reduceBlock, argP(dxp), argP(part), argP(dyp), argP(xp), argP(gp), argP(bp), argP(sp),
		argI(C), argI(G), argI(HW), argI(b2i(silu)))
	if dgamma != nil || dbeta != nil {
		c.launchElems(kGroupNormParamGrads, C, argP(dgp), argP(dbp), argP(part), argI(B), argI(C))
	}
}

func (c *cudaBackend) SiLU(y, x *Tensor) {
	defer c.enter("SiLU")()
	xp := c.r.in(x)
	yp := c.r.out(y)
	n := len(x.Data)
	c.launchElems(kSiLUFwd, n, argP(yp), argP(xp), argI(n))
}

func (c *cudaBackend) SiLUBackward(dx, dy, x *Tensor) {
	defer c.enter("SiLUBackward")()
	dyp, xp := c.r.in(dy), c.r.in(x)
	dxp := c.r.out(dx)
	n := len(x.Data)
	c.launchElems(kSiLUBwd, n, argP(dxp), argP(dyp), argP(xp), argI(n))
}

func (c *cudaBackend) FiLM(y, h, ss *Tensor) {
	defer c.enter("FiLM")()
	hp, sp := c.r.in(h), c.r.in(ss)
	yp := c.r.out(y)
	B, C := h.Shape[0], h.Shape[1]
	if B*C == 0 {
		return
	}
	HW := h.Len() / (B * C)
	c.launch(kFiLMFwd, B*C, 1, 1, elemBlock, argP(yp), argP(hp), argP(sp), argI(C), argI(HW))
}

func (c *cudaBackend) FiLMBackward(dh, dss, dy, h, ss *Tensor) {
	defer c.enter("FiLMBackward")()
	dyp, hp, sp := c.r.in(dy), c.r.in(h), c.r.in(ss)
	dhp, dsp := c.r.out(dh), c.r.out(dss)
	B, C := h.Shape[0], h.Shape[1]
	if B*C == 0 || (dh == nil && dss == nil) {
		return
	}
	HW := h.Len() / (B * C)
	c.launch(kFiLMBwd, B*C, 1, 1, reduceBlock, argP(dhp), argP(dsp), argP(dyp), argP(hp), argP(sp), argI(C), argI(HW))
}

func (c *cudaBackend) Add(y, a, b *Tensor) {
	defer c.enter("Add")()
	ap, bp := c.r.in(a), c.r.in(b)
	yp := c.r.out(y)
	n := len(y.Data)
	c.launchElems(kAdd, n, argP(yp), argP(ap), argP(bp), argI(n))
}

// SinusoidalEmbedding uploads the times and the frequencies, computed as
// the CPU backend does, as float64; the kernel takes the sines and cosines
// in double and rounds once.
func (c *cudaBackend) SinusoidalEmbedding(y *Tensor, t []float64) {
	defer c.enter("SinusoidalEmbedding")()
	yp := c.r.out(y)
	B, D := len(t), y.Shape[1]
	half := D / 2
	if B == 0 || half == 0 {
		return
	}
	host := make([]float64, B+half)
	copy(host, t)
	for i := 0; i < half; i++ {
		host[B+i] = math.Exp(-math.Log(10000) * float64(i) / float64(half-1))
	}
	dev := c.getScratch(scrTimes, 2*len(host)) // in float32 units
	cudaCheck("SinusoidalEmbedding: copy to device", cu.MemcpyHtoD(cu.DevicePtr(dev), unsafe.Pointer(&host[0]), int64(len(host))*8))
	c.launchElems(kSinusoidal, B*half, argP(yp), argP(dev), argP(offs(dev, 2*B)), argI(B), argI(D))
}

func (c *cudaBackend) AdamW(p, g, m, v *Tensor, decay, beta1, beta2, step, bc2sqrt, eps float32) {
	defer c.enter("AdamW")()
	gp := c.r.in(g)
	pp, mp, vp := c.r.inout(p), c.r.inout(m), c.r.inout(v)
	n := len(p.Data)
	c.launchElems(kAdamW, n, argP(pp), argP(mp), argP(vp), argP(gp), argI(n),
		argF(decay), argF(beta1), argF(beta2), argF(step), argF(bc2sqrt), argF(eps))
}

// SumSquares runs one block per tensor, each writing its sum (in double)
// to a slot of a scratch array, and adds the slots on the host in order:
// one copy to the host for all the tensors.
func (c *cudaBackend) SumSquares(xs []*Tensor) float64 {
	if len(xs) == 0 {
		return 0
	}
	defer c.enter("SumSquares")()
	ptrs := make([]uintptr, len(xs))
	for i, x := range xs {
		ptrs[i] = c.r.in(x)
	}
	out := c.getScratch(scrSumSq, 2*len(xs)) // in float32 units
	c.r.mem.zero(out, 2*len(xs))
	for i, x := range xs {
		if n := len(x.Data); n > 0 {
			c.launch(kSumSq, 1, 1, 1, reduceBlock, argP(out), argP(ptrs[i]), argI(n), argI(i))
		}
	}
	sums := make([]float64, len(xs))
	c.r.mem.download(unsafe.Slice((*float32)(unsafe.Pointer(&sums[0])), 2*len(sums)), out)
	var ss float64
	for _, s := range sums {
		ss += s
	}
	return ss
}

func (c *cudaBackend) Scale(x *Tensor, s float32) {
	defer c.enter("Scale")()
	xp := c.r.inout(x)
	n := len(x.Data)
	c.launchElems(kScale, n, argP(xp), argI(n), argF(s))
}

func (c *cudaBackend) Lerp(dst, src *Tensor, decay float32) {
	defer c.enter("Lerp")()
	sp := c.r.in(src)
	dp := c.r.inout(dst)
	n := len(dst.Data)
	c.launchElems(kLerp, n, argP(dp), argP(sp), argI(n), argF(decay))
}

// Attention: per sample, p = scale·qᵀk by the GEMM, the row softmax in
// place (one block per row), then o = v·pᵀ.
func (c *cudaBackend) Attention(o, p, qkv *Tensor, scale float32) {
	defer c.enter("Attention")()
	xp := c.r.in(qkv)
	op, pp := c.r.out(o), c.r.out(p)
	B, C, N := attentionDims(qkv)
	if B*C*N == 0 {
		return
	}
	for b := 0; b < B; b++ {
		x, pb := offs(xp, b*3*C*N), offs(pp, b*N*N)
		c.gemm(true, false, N, N, C, scale, x, N, offs(x, C*N), N, 0, pb, N)
	}
	c.launch(kSoftmaxRows, B*N, 1, 1, reduceBlock, argP(pp), argP(pp), argI(N))
	for b := 0; b < B; b++ {
		x, pb := offs(xp, b*3*C*N), offs(pp, b*N*N)
		c.gemm(false, true, C, N, N, 1, offs(x, 2*C*N), N, pb, N, 0, offs(op, b*C*N), N)
	}
}

// AttentionBackward: per sample dv = do·p and dp = doᵀ·v (into scratch),
// the softmax's backward on every row in place, then dq = scale·k·dsᵀ and
// dk = scale·q·ds.
func (c *cudaBackend) AttentionBackward(dqkv, do, p, qkv *Tensor, scale float32) {
	defer c.enter("AttentionBackward")()
	dop, pp, xp := c.r.in(do), c.r.in(p), c.r.in(qkv)
	dp := c.r.out(dqkv)
	B, C, N := attentionDims(qkv)
	if B*C*N == 0 {
		return
	}
	ds := c.getScratch(scrA, B*N*N)
	for b := 0; b < B; b++ {
		x, d, pb, dob := offs(xp, b*3*C*N), offs(dp, b*3*C*N), offs(pp, b*N*N), offs(dop, b*C*N)
		c.gemm(false, false, C, N, N, 1, dob, N, pb, N, 0, offs(d, 2*C*N), N)
		c.gemm(true, false, N, N, C, 1, dob, N, offs(x, 2*C*N), N, 0, offs(ds, b*N*N), N)
	}
	c.launch(kSoftmaxRowsBwd, B*N, 1, 1, reduceBlock, argP(ds), argP(ds), argP(pp), argI(N))
	for b := 0; b < B; b++ {
		x, d, dsb := offs(xp, b*3*C*N), offs(dp, b*3*C*N), offs(ds, b*N*N)
		c.gemm(false, true, C, N, N, scale, offs(x, C*N), N, dsb, N, 0, d, N)
		c.gemm(false, false, C, N, N, scale, x, N, dsb, N, 0, offs(d, C*N), N)
	}
}
