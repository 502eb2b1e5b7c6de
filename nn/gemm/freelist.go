// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import "sync"

// freeList is a stack of recycled values shared by every goroutine, for
// the jobs and packing buffers of a stream of products.
//
// It replaced sync.Pool, whose caches are per processor: a value let go
// on one processor (by a helper that finished last) is invisible, in that
// processor's private slot, to a caller on the other, so the caller
// allocated a new one. On an idle machine that was rare; on a loaded one
// (3 busy processes beside the tests on 2 cores) it was 14 to 25
// allocations per hundred pairs of products. One list behind a mutex
// never misses while a value is free, and the lock is a few tens of
// nanoseconds against a product's microseconds.
//
// Unlike sync.Pool it keeps its values through collections, so it keeps
// at most limit of them; a product stream on GOMAXPROCS goroutines holds
// a job and GOMAXPROCS+1 buffers per product at most.
type freeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

// limit is the number of values a free list keeps; more are left to the
// collector.
const limit = 32

// get returns a free value, or nil when there is none.
func (l *freeList[T]) get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.items)
	if n == 0 {
		return nil
	}
	v := l.items[n-1]
	l.items[n-1] = nil
	l.items = l.items[:n-1]
	return v
}

// put keeps v for a later get, unless the list is full.
func (l *freeList[T]) put(v *T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.items) < limit {
		if l.items == nil {
			l.items = make([]*T, 0, limit)
		}
		l.items = append(l.items, v)
	}
}
