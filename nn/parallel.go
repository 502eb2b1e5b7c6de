package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFor calls fn(lo, hi) on disjoint subranges that together cover
// [0, n), on up to runtime.GOMAXPROCS(0) goroutines (the caller's included).
// No subrange is shorter than grain items except the last: below that the
// goroutine start-up (about a microsecond) costs more than it saves. The
// subranges are handed out on demand, several per goroutine, so that when
// another process takes one of the cores for a while the other goroutines
// pick up its share instead of waiting for it (these machines are shared).
func parallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	w := min(runtime.GOMAXPROCS(0), n/grain)
	if w <= 1 {
		fn(0, n)
		return
	}
	// Four subranges per goroutine: enough to rebalance, few enough that
	// the shared counter is not contended.
	chunk := max(grain, (n+4*w-1)/(4*w))
	var next atomic.Int64
	work := func() {
		for {
			lo := int(next.Add(int64(chunk))) - chunk
			if lo >= n {
				return
			}
			fn(lo, min(lo+chunk, n))
		}
	}
	var wg sync.WaitGroup
	wg.Add(w - 1)
	for i := 1; i < w; i++ {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}

// scratchPool hands out float32 work buffers and takes them back, so that the
// im2col columns and similar temporaries are allocated once and reused by
// every layer and every step. It is safe for concurrent use.
type scratchPool struct {
	mu     sync.Mutex
	free   [][]float32
	maxCap int // the largest buffer handed out so far
}

// get returns a buffer of length n (contents unspecified). It takes the
// smallest free buffer that is large enough; when none is, it drops the
// largest free one (so the pool does not hoard buffers that are too small)
// and allocates one as large as the largest seen so far, so that after the
// first training step every buffer fits every request and nothing is
// allocated any more.
func (p *scratchPool) get(n int) []float32 {
	p.mu.Lock()
	best := -1
	for i, b := range p.free {
		if cap(b) >= n && (best < 0 || cap(b) < cap(p.free[best])) {
			best = i
		}
	}
	if best >= 0 {
		b := p.free[best]
		p.free[best] = p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		p.mu.Unlock()
		return b[:n]
	}
	if len(p.free) > 0 {
		big := 0
		for i, b := range p.free {
			if cap(b) > cap(p.free[big]) {
				big = i
			}
		}
		p.free[big] = p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
	}
	if n > p.maxCap {
		p.maxCap = n
	}
	c := p.maxCap
	p.mu.Unlock()
	return make([]float32, n, c)
}

// put returns b to the pool.
func (p *scratchPool) put(b []float32) {
	p.mu.Lock()
	p.free = append(p.free, b[:cap(b)])
	p.mu.Unlock()
}

// layerScratch holds the temporaries of layers' Backward passes (the
// gradients that flow inside a ResBlock), shared by all layers so that a
// model holds them once, not once per block.
var layerScratch scratchPool
