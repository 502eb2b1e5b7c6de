// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"math/bits"
	"sync"
	"unsafe"
)

// Packing buffers are recycled through pools, so that a steady stream of
// Sgemm calls (a training loop, a sampling run) allocates them once rather
// than per call. There is a pool per power-of-two size class: one pool for
// every size handed out buffers too small for the next request as often as
// not, and each was replaced, garbage, by a larger one (about 1.5 MB per
// forward pass of the default U-Net at batch 256, measured with
// BenchmarkInferUNet's memory profile).

// buffer is a pooled packing buffer.
type buffer struct {
	data  []float32 // aligned view of mem
	mem   []float32
	class int // capacity of data is 1<<class values
}

// bufferPools holds the buffers of 1<<class values in bufferPools[class].
var bufferPools [64]sync.Pool

// lineFloats is the number of float32 in a 64-byte cache line. Aligning the
// packed panels to a line makes each 16-value B row one line instead of
// two.
const lineFloats = 16

// getBuffer returns a pooled buffer of at least n values aligned to a cache
// line. Its contents are arbitrary.
func getBuffer(n int) *buffer {
	class := bits.Len(uint(max(n, 1) - 1))
	buf, _ := bufferPools[class].Get().(*buffer)
	if buf == nil {
		size := 1 << class
		buf = &buffer{mem: make([]float32, size+lineFloats), class: class}
		off := 0
		if mis := uintptr(unsafe.Pointer(unsafe.SliceData(buf.mem))) % 64; mis != 0 {
			off = int(64-mis) / 4
		}
		buf.data = buf.mem[off : off+size : off+size]
	}
	buf.data = buf.data[:n]
	return buf
}

// putBuffer returns buf to its pool.
func putBuffer(buf *buffer) { bufferPools[buf.class].Put(buf) }
