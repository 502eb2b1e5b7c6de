// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"sync"
	"unsafe"
)

// Packing buffers are recycled through a pool, so that a steady stream of
// Sgemm calls (a training loop) allocates them once rather than per call.

// buffer is a pooled packing buffer.
type buffer struct {
	data []float32 // aligned view of mem
	mem  []float32
}

var bufferPool = sync.Pool{New: func() any { return new(buffer) }}

// lineFloats is the number of float32 in a 64-byte cache line. Aligning the
// packed panels to a line makes each 16-value B row one line instead of
// two.
const lineFloats = 16

// getBuffer returns a pooled buffer of at least n values aligned to a cache
// line. Its contents are arbitrary.
func getBuffer(n int) *buffer {
	buf := bufferPool.Get().(*buffer)
	if cap(buf.data) < n {
		buf.mem = make([]float32, n+lineFloats)
		off := 0
		if mis := uintptr(unsafe.Pointer(unsafe.SliceData(buf.mem))) % 64; mis != 0 {
			off = int(64-mis) / 4
		}
		buf.data = buf.mem[off : off+n : len(buf.mem)]
	}
	buf.data = buf.data[:n]
	return buf
}

// putBuffer returns buf to the pool.
func putBuffer(buf *buffer) { bufferPool.Put(buf) }
