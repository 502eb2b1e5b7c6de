// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Helper goroutines.
//
// Waking a parked goroutine costs little in Go, but the operating system
// thread under it may sleep on an idle CPU, and waking that CPU is slow:
// on the 2-vCPU KVM machines this package is tuned on, a goroutine started
// while the other CPU idles began running 60–140 µs later (measured with a
// spawn-then-busy-loop test), which is a large fraction of a 0.3–1 ms
// per-image convolution product. So helpers are persistent goroutines that,
// after a job, poll for the next one for spinFor before they park, the
// way OpenBLAS's threads spin between calls; a stream of products (a
// training step) then finds them awake. The caller spins the same way
// while it waits for the helpers to finish.

// spinFor is how long an idle helper polls for a job, and how long a caller
// polls for its helpers, before blocking: long enough for products issued
// back to back (a layer's weight-gradient and input-gradient products), short
// enough that a core does not spin long after the last one. It is a
// judgement, not a tuned value: the shared machine was too noisy to
// resolve the difference. (A caller that polls yields its P meanwhile, so
// that a helper queued behind it can run.)
const spinFor = 200 * time.Microsecond

// helper is a persistent goroutine that runs jobs handed to it.
type helper struct {
	jobs chan *job   // capacity 1: a job is handed over without blocking
	busy atomic.Bool // a job has been handed over and not finished
}

var helpers struct {
	mu   sync.Mutex
	list []*helper
}

// goHelpers runs j.work on n goroutines besides the caller's: on the idle
// persistent helpers (at most GOMAXPROCS−1 of them exist), and on plain
// goroutines for any beyond GOMAXPROCS−1. A helper still busy with an
// earlier job (it started late, on a loaded machine) is not replaced: a
// new goroutine would compete for the same CPUs, and the caller takes its
// chunks anyway. It does not wait for them.
func goHelpers(n int, j *job) {
	if n <= 0 {
		return
	}
	pool := min(n, runtime.GOMAXPROCS(0)-1)
	helpers.mu.Lock()
	for len(helpers.list) < pool {
		h := &helper{jobs: make(chan *job, 1)}
		helpers.list = append(helpers.list, h)
		go h.loop()
	}
	list := helpers.list
	helpers.mu.Unlock()
	for _, h := range list[:pool] {
		if h.busy.CompareAndSwap(false, true) {
			j.refs.Add(1)
			h.jobs <- j
		}
	}
	for range n - pool {
		j.refs.Add(1)
		go j.workThenRelease()
	}
}

func (h *helper) loop() {
	for {
		h.next().workThenRelease()
		h.busy.Store(false)
	}
}

// workThenRelease is j.work for a goroutine handed j, which then lets go
// of it. (A method rather than a closure: a closure capturing j would move
// goHelpers' j to the heap on every call, garbage for every product.)
func (j *job) workThenRelease() {
	j.work()
	j.release()
}

// next returns the next job, polling for spinFor before it blocks.
//
// The poll does not yield to other goroutines (runtime.Gosched): a
// yielding helper lands on the global run queue, and a P that runs it from
// there may be the caller's, where it then waits for the caller; nothing
// wakes the idle P that ran the helper before. Polling in place keeps the
// helper on its own P. It does yield the CPU to other threads (osYield):
// on a loaded machine a poll that does not, measured on the shared 2-core
// machine at load 3, cut the median rate of a 64×784×576 product on two
// goroutines from 95 to 72 GFLOP/s.
func (h *helper) next() *job {
	start := time.Now()
	for {
		select {
		case j := <-h.jobs:
			return j
		default:
		}
		if time.Since(start) > spinFor {
			return <-h.jobs
		}
		osYield()
	}
}

// latch counts completed units of work and lets goroutines wait, polling
// then blocking, until all are done. Its zero value must be set up with
// init before use; init sets up a latch whose units are all done, and
// whose waiters have all returned, for another round.
type latch struct {
	done  atomic.Int64
	total int64
	wg    sync.WaitGroup
}

func (l *latch) init(total int) {
	l.done.Store(0)
	l.total = int64(total)
	l.wg.Add(total)
}

// add records n completed units.
func (l *latch) add(n int) {
	l.done.Add(int64(n))
	for range n {
		l.wg.Done()
	}
}

// wait returns once every unit is done.
func (l *latch) wait() {
	if l.done.Load() == l.total {
		return
	}
	start := time.Now()
	for time.Since(start) < spinFor {
		if l.done.Load() == l.total {
			return
		}
		runtime.Gosched()
		osYield()
	}
	l.wg.Wait()
}
