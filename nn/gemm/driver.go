// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"sync/atomic"
)

// product is one C = alpha*op(A)*op(B) + beta*C with checked arguments,
// alpha != 0 and m, n, k > 0.
type product struct {
	aTrans, bTrans bool
	bPacked        bool // b is already in packed panels (SgemmPackedB; k ≤ kc)
	aPacked        bool // so is a (SgemmPackedAB; with bPacked)
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
	pureGo         bool // no assembly at all (tests and benchmarks)
}

// chunksPerThread is how many pieces of C each goroutine gets on average
// when C is large enough. More than one lets a goroutine whose core is busy
// with other work fall behind without the others waiting for it at the
// end.
//
// But every chunk reads the whole shared operand again (from another
// core's cache, for half of them), and column chunks of a C whose rows are
// not whole cache lines share a line per row at each boundary, which the
// two cores then pass back and forth. So a chunk is at least minChunk
// columns or rows wide: a chunk that reads the shared operand, of size
// k×(other dimension), does at least minChunk·k×(other dimension)
// multiply-adds, so the re-read costs a few per cent. Below that, C is cut
// into exactly one chunk per goroutine.
const (
	chunksPerThread = 4
	minChunk        = 96
)

// job is one product being computed, shared by the goroutines working on
// it.
//
// The parallel scheme keeps the goroutines independent: the smaller of
// op(A) (m×k) and op(B) (k×n) is packed once, whole, into a buffer all
// goroutines read; then C is cut along the other dimension into chunks
// that the goroutines take in turn from a counter, each packing its own
// slice of the larger operand block by block into a private buffer. Both
// operands are thus packed exactly once, no two goroutines write the same
// part of C, and the only waits are one after the shared packing and one
// at the end.
type job struct {
	product

	// shareA is set when op(A) is the shared operand and C is cut into
	// column chunks; otherwise op(B) is shared and C is cut into rows.
	shareA bool
	// rowvec is set for a single-row product (rowvec.go): the shared
	// operand is op(A) as one contiguous row, when it needs gathering,
	// and chunks are columns of C.
	rowvec bool
	// pad is the shared operand's rows (shareA) or columns rounded up to
	// whole micro-panels; a kc-deep block of it starts at p0*pad.
	pad int
	// pieces is the number of packing tasks for the shared operand: kc
	// blocks times blocks of split values of the shared dimension.
	pieces, split int
	// chunks is the number of pieces of C, each width values wide (a
	// multiple of nr or mr).
	chunks, width int
	shared        *buffer
	// callers is the buffer header of a shared operand the caller packed
	// (SgemmPackedAB), kept in the job so that it is not allocated.
	callers buffer

	nextPiece, nextChunk atomic.Int64
	packed, finished     latch

	// refs counts the goroutines that may still touch the job: the
	// caller and every goroutine handed it. The last to let go recycles
	// it, so a helper that starts late never finds its job reused.
	refs atomic.Int32
}

// freeJobs recycles jobs. A convolution network issues thousands of small
// products per forward pass (one per image and layer), and a new job for
// each was nearly all the garbage a sampling run made: 4.6 MB per U-Net
// pass at batch 256 in BenchmarkInferUNet's memory profile. The
// collector's headroom over that garbage showed up as resident memory.
var freeJobs freeList[job]

// newJob returns a job for p with every counter at zero, held by the
// caller.
func newJob(p *product, shareA bool) *job {
	j := freeJobs.get()
	if j == nil {
		j = new(job)
	}
	j.product = *p
	j.shareA = shareA
	j.rowvec = false
	j.pad, j.pieces, j.split, j.chunks, j.width = 0, 0, 0, 0, 0
	j.shared = nil
	j.nextPiece.Store(0)
	j.nextChunk.Store(0)
	j.refs.Store(1)
	return j
}

// release lets go of j; the last holder hands it back for reuse, without
// the caller's slices so that the free list keeps no operand alive.
func (j *job) release() {
	if j.refs.Add(-1) == 0 {
		j.product = product{}
		j.shared = nil
		j.callers = buffer{}
		freeJobs.put(j)
	}
}

// maxShared bounds the shared packed operand, in values (256 MiB). A deeper
// product is computed as a sum of products over slices of k, so that
// memory stays bounded whatever the sizes; no convolution of the
// flow-matching network comes near it. (A variable so that a test can
// lower it.)
var maxShared = 1 << 26

// run computes the product on at most threads goroutines.
func (p *product) run(threads int) {
	mPanels := (p.m + mr - 1) / mr
	nPanels := (p.n + nr - 1) / nr
	if threads < 1 || p.m*p.n*p.k < parallelMin {
		threads = 1
	}
	// Share the smaller operand, unless the other dimension is too short
	// to give every goroutine a chunk.
	shareA := p.m <= p.n || p.bPacked
	if threads > 1 && !p.bPacked {
		if shareA && nPanels < 2*threads && mPanels > nPanels {
			shareA = false
		} else if !shareA && mPanels < 2*threads && nPanels > mPanels {
			shareA = true
		}
	}
	if p.m > 1 && !p.aPacked {
		pad := nPanels * nr
		if shareA {
			pad = mPanels * mr
		}
		if depth := max(kc, maxShared/pad/kc*kc); p.k > depth {
			p.runSlices(threads, depth)
			return
		}
	}
	j := newJob(p, shareA)
	kBlocks := (p.k + kc - 1) / kc
	var per int
	switch {
	case p.m == 1 && !p.bPacked:
		j.rowvec = true
		if p.aTrans && p.lda != 1 {
			j.pad = 1
			j.pieces = 1
		}
		unit := rowvecChunkCols
		if p.bTrans {
			unit = rowvecChunkRows
		}
		units := (p.n + unit - 1) / unit
		per = chunkPanels(units, threads, units, p.n)
		j.width = per * unit
		j.chunks = (units + per - 1) / per
	case shareA:
		j.pad = mPanels * mr
		j.split = mcMax
		j.pieces = kBlocks * ((p.m + mcMax - 1) / mcMax)
		if p.aPacked {
			j.pieces = 0 // the shared operand is the caller's
		}
		per = chunkPanels(nPanels, threads, ncMax/nr, p.n)
		j.width = per * nr
		j.chunks = (nPanels + per - 1) / per
	default:
		j.pad = nPanels * nr
		j.split = ncMax
		j.pieces = kBlocks * ((p.n + ncMax - 1) / ncMax)
		per = chunkPanels(mPanels, threads, mcMax/mr, p.m)
		j.width = per * mr
		j.chunks = (mPanels + per - 1) / per
	}
	if p.aPacked {
		j.callers.data = p.a
		j.shared = &j.callers
	} else {
		j.shared = getBuffer(j.pad * p.k)
	}
	j.packed.init(j.pieces)
	j.finished.init(j.chunks)

	goHelpers(min(threads, j.chunks)-1, j)
	j.work()
	j.finished.wait()
	if !p.aPacked {
		putBuffer(j.shared)
	}
	j.release()
}

// runSlices computes the product as a sum over slices of depth values of
// k: C = alpha·op(A)[:, s]·op(B)[s, :] + beta·C for the first slice s, then
// with beta = 1.
func (p *product) runSlices(threads, depth int) {
	for p0 := 0; p0 < p.k; p0 += depth {
		q := *p
		q.k = min(depth, p.k-p0)
		if p.aTrans {
			q.a = p.a[p0*p.lda:]
		} else {
			q.a = p.a[p0:]
		}
		if p.bTrans {
			q.b = p.b[p0:]
		} else {
			q.b = p.b[p0*p.ldb:]
		}
		if p0 > 0 {
			q.beta = 1
		}
		q.run(threads)
	}
}

// chunkPanels returns how many micro-panels go into one chunk when the
// panels of a dimension of size dim are shared among threads goroutines,
// at most limit (the size of a goroutine's private buffer).
func chunkPanels(panels, threads, limit, dim int) int {
	want := 1
	if threads > 1 {
		want = threads * max(1, min(chunksPerThread, dim/(threads*minChunk)))
	}
	per := (panels + want - 1) / want
	return max(1, min(per, limit))
}

// work takes packing pieces until there are none left, waits until the
// shared operand is packed, then takes chunks of C until there are none
// left. A goroutine that starts late finds nothing left to take and
// touches nothing but the counters.
func (j *job) work() {
	for {
		i := int(j.nextPiece.Add(1) - 1)
		if i >= j.pieces {
			break
		}
		j.pack(i)
		j.packed.add(1)
	}
	if int(j.nextChunk.Load()) >= j.chunks {
		return
	}
	j.packed.wait()
	var buf *buffer
	for {
		i := int(j.nextChunk.Add(1) - 1)
		if i >= j.chunks {
			break
		}
		if buf == nil {
			// A private kc-deep block of the chunk's operand, then
			// a scratch tile for the ragged edges (a row of sums for
			// a single-row product).
			buf = getBuffer(kc*j.width + mr*nr)
		}
		if j.rowvec {
			a := j.a
			if j.pieces > 0 {
				a = j.shared.data
			}
			x0 := i * j.width
			j.rowvecChunk(buf.data, a, x0, min(j.width, j.n-x0))
		} else {
			j.chunk(buf.data, i)
		}
		j.finished.add(1)
	}
	if buf != nil {
		putBuffer(buf)
	}
}

// pack packs one piece of the shared operand: one kc-deep block of up to
// split rows of op(A) or columns of op(B).
func (j *job) pack(piece int) {
	if j.rowvec {
		// Gather the single row of op(A) from a column of the stored Aᵀ.
		for p := range j.k {
			j.shared.data[p] = j.a[p*j.lda]
		}
		return
	}
	blocks := (j.m + j.split - 1) / j.split
	if !j.shareA {
		blocks = (j.n + j.split - 1) / j.split
	}
	p0 := piece / blocks * kc
	x0 := piece % blocks * j.split
	depth := min(kc, j.k-p0)
	dst := j.shared.data[p0*j.pad+x0*depth:]
	if j.shareA {
		packA(dst, j.a, j.lda, j.aTrans, x0, min(j.split, j.m-x0), p0, depth, j.asmPack)
	} else {
		packB(dst, j.b, j.ldb, j.bTrans, p0, depth, x0, min(j.split, j.n-x0), j.asmPack)
	}
}

// chunk computes one chunk of C, using buf for its private packed block
// and the scratch tile.
func (j *job) chunk(buf []float32, chunk int) {
	x0 := chunk * j.width
	scratch := buf[kc*j.width:][:mr*nr]
	own := buf[:kc*j.width]
	for p0 := 0; p0 < j.k; p0 += kc {
		depth := min(kc, j.k-p0)
		beta := j.beta
		if p0 > 0 {
			beta = 1
		}
		shared := j.shared.data[p0*j.pad:]
		if j.shareA {
			cols := min(j.width, j.n-x0)
			b := own
			if j.bPacked {
				b = j.b[x0*depth:] // whole panels: x0 is a multiple of nr
			} else {
				packB(own, j.b, j.ldb, j.bTrans, p0, depth, x0, cols, j.asmPack)
			}
			// Sweep the shared A block by block of mcMax rows, so each
			// stays in L2 while the chunk's B micro-panels pass
			// through L1.
			for i0 := 0; i0 < j.m; i0 += mcMax {
				rows := min(mcMax, j.m-i0)
				macroKernel(j.kern, depth, shared[i0*depth:], rows, b, cols, j.c[i0*j.ldc+x0:], j.ldc, j.alpha, beta, scratch)
			}
		} else {
			rows := min(j.width, j.m-x0)
			packA(own, j.a, j.lda, j.aTrans, x0, rows, p0, depth, j.asmPack)
			macroKernel(j.kern, depth, own, rows, shared, j.n, j.c[x0*j.ldc:], j.ldc, j.alpha, beta, scratch)
		}
	}
}
