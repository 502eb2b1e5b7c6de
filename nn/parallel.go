package nn

import (
	"runtime"
	"sync"
)

// parallelFor calls fn(lo, hi) on contiguous, disjoint subranges that cover
// [0, n), one per goroutine, using at most runtime.GOMAXPROCS(0) goroutines
// and never giving a goroutine fewer than grain items: below that the
// goroutine start-up (about a microsecond) costs more than it saves. The
// calling goroutine does the first subrange itself.
func parallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	w := runtime.GOMAXPROCS(0)
	if grain < 1 {
		grain = 1
	}
	if most := n / grain; most < w {
		w = most
	}
	if w <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(w - 1)
	for i := 1; i < w; i++ {
		lo, hi := n*i/w, n*(i+1)/w
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/w)
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
