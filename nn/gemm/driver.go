// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"sync"
	"sync/atomic"
)

// product is one C = alpha*op(A)*op(B) + beta*C with checked arguments,
// alpha != 0 and m, n, k > 0.
type product struct {
	aTrans, bTrans bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
	kern           kernel
	asmPack        bool // pack full micro-panels with assembly
}

// chunksPerThread is how many pieces of C each goroutine gets on average.
// More than one lets a goroutine whose core is busy with other work fall
// behind without the others waiting for it at the end.
const chunksPerThread = 4

// run computes the product on at most threads goroutines.
//
// The parallel scheme keeps the goroutines independent: the smaller of
// op(A) (m×k) and op(B) (k×n) is packed once, whole, into a buffer all
// goroutines read; then C is cut along the other dimension into chunks
// that the goroutines take in turn from a counter, each packing its own
// slice of the larger operand block by block into a private buffer. Both
// operands are thus packed exactly once, no two goroutines write the same
// part of C, and the only waits are one after the shared packing and one
// at the end.
func (p *product) run(threads int) {
	mPanels := (p.m + mr - 1) / mr
	nPanels := (p.n + nr - 1) / nr
	if threads < 1 || p.m*p.n*p.k < parallelMin {
		threads = 1
	}
	// Share the smaller operand, unless the other dimension is too short
	// to give every goroutine a chunk.
	shareA := p.m <= p.n
	if threads > 1 {
		if shareA && nPanels < 2*threads && mPanels > nPanels {
			shareA = false
		} else if !shareA && mPanels < 2*threads && nPanels > mPanels {
			shareA = true
		}
	}
	if shareA {
		p.runSharedA(threads, mPanels, nPanels)
	} else {
		p.runSharedB(threads, mPanels, nPanels)
	}
}

// runSharedA packs all of op(A) and cuts C into column chunks.
func (p *product) runSharedA(threads, mPanels, nPanels int) {
	mPad := mPanels * mr
	kBlocks := (p.k + kc - 1) / kc
	mBlocks := (p.m + mcMax - 1) / mcMax
	per := chunkPanels(nPanels, threads, ncMax/nr)
	cw := per * nr
	shared := getBuffer(mPad * p.k)
	defer putBuffer(shared)
	a := shared.data

	packPiece := func(piece int) {
		p0 := piece / mBlocks * kc
		i0 := piece % mBlocks * mcMax
		depth := min(kc, p.k-p0)
		rows := min(mcMax, p.m-i0)
		packA(a[p0*mPad+i0*depth:], p.a, p.lda, p.aTrans, i0, rows, p0, depth, p.asmPack)
	}
	doChunk := func(bbuf []float32, chunk int) {
		j0 := chunk * cw
		cols := min(cw, p.n-j0)
		for p0 := 0; p0 < p.k; p0 += kc {
			depth := min(kc, p.k-p0)
			packB(bbuf, p.b, p.ldb, p.bTrans, p0, depth, j0, cols, p.asmPack)
			beta := p.beta
			if p0 > 0 {
				beta = 1
			}
			ablock := a[p0*mPad:]
			for i0 := 0; i0 < p.m; i0 += mcMax {
				rows := min(mcMax, p.m-i0)
				macroKernel(p.kern, depth, ablock[i0*depth:], rows, bbuf, cols, p.c[i0*p.ldc+j0:], p.ldc, p.alpha, beta)
			}
		}
	}
	chunks := (nPanels + per - 1) / per
	parallel(threads, kBlocks*mBlocks, packPiece, chunks, kc*cw, doChunk)
}

// runSharedB packs all of op(B) and cuts C into row chunks.
func (p *product) runSharedB(threads, mPanels, nPanels int) {
	nPad := nPanels * nr
	kBlocks := (p.k + kc - 1) / kc
	nBlocks := (p.n + ncMax - 1) / ncMax
	per := chunkPanels(mPanels, threads, mcMax/mr)
	ch := per * mr
	shared := getBuffer(nPad * p.k)
	defer putBuffer(shared)
	b := shared.data

	packPiece := func(piece int) {
		p0 := piece / nBlocks * kc
		j0 := piece % nBlocks * ncMax
		depth := min(kc, p.k-p0)
		cols := min(ncMax, p.n-j0)
		packB(b[p0*nPad+j0*depth:], p.b, p.ldb, p.bTrans, p0, depth, j0, cols, p.asmPack)
	}
	doChunk := func(abuf []float32, chunk int) {
		i0 := chunk * ch
		rows := min(ch, p.m-i0)
		for p0 := 0; p0 < p.k; p0 += kc {
			depth := min(kc, p.k-p0)
			packA(abuf, p.a, p.lda, p.aTrans, i0, rows, p0, depth, p.asmPack)
			beta := p.beta
			if p0 > 0 {
				beta = 1
			}
			macroKernel(p.kern, depth, abuf, rows, b[p0*nPad:], p.n, p.c[i0*p.ldc:], p.ldc, p.alpha, beta)
		}
	}
	chunks := (mPanels + per - 1) / per
	parallel(threads, kBlocks*nBlocks, packPiece, chunks, kc*ch, doChunk)
}

// chunkPanels returns how many micro-panels go into one chunk when panels
// are shared among threads goroutines, at most limit.
func chunkPanels(panels, threads, limit int) int {
	want := threads * chunksPerThread
	if threads == 1 {
		want = 1
	}
	per := (panels + want - 1) / want
	return max(1, min(per, limit))
}

// parallel runs pack(0..pieces-1), then, once every piece is packed,
// chunk(buf, 0..chunks-1), on threads goroutines (the caller's included)
// that take pieces and chunks from shared counters. Each goroutine gets its
// own pooled buffer of privSize values for the chunks.
func parallel(threads, pieces int, pack func(piece int), chunks, privSize int, chunk func(buf []float32, chunk int)) {
	threads = min(threads, chunks)
	var nextPiece, donePieces, nextChunk atomic.Int64
	packed := make(chan struct{})
	work := func() {
		for {
			i := int(nextPiece.Add(1) - 1)
			if i >= pieces {
				break
			}
			pack(i)
			if int(donePieces.Add(1)) == pieces {
				close(packed)
			}
		}
		<-packed
		buf := getBuffer(privSize)
		defer putBuffer(buf)
		for {
			i := int(nextChunk.Add(1) - 1)
			if i >= chunks {
				break
			}
			chunk(buf.data, i)
		}
	}
	var wg sync.WaitGroup
	for range threads - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
