// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"math/bits"
	"unsafe"
)

// Packing buffers are recycled through free lists (freelist.go), so that a steady stream of
// Sgemm calls (a training loop, a sampling run) allocates them once rather
// than per call. There is a list per power-of-two size class: one list for
// every size handed out buffers too small for the next request as often as
// not, and each was replaced, garbage, by a larger one (about 1.5 MB per
// forward pass of the default U-Net at batch 256, measured with
// BenchmarkInferUNet's memory profile).

// A buffer of more than 1<<maxKeptClass values (64 MiB) is not kept: a
// product that needs one computes for far longer than an allocation takes,
// and a list would hold that memory for the life of the program.
const maxKeptClass = 24

// buffer is a recycled packing buffer.
type buffer struct {
	data  []float32 // aligned view of mem
	mem   []float32
	class int // capacity of data is 1<<class values
}

// bufferLists holds the free buffers of 1<<class values in
// bufferLists[class].
var bufferLists [maxKeptClass + 1]freeList[buffer]

// lineFloats is the number of float32 in a 64-byte cache line. Aligning the
// packed panels to a line makes each 16-value B row one line instead of
// two.
const lineFloats = 16

// getBuffer returns a buffer of at least n values aligned to a cache line,
// a recycled one where there is one. Its contents are arbitrary.
func getBuffer(n int) *buffer {
	class := bits.Len(uint(max(n, 1) - 1))
	var buf *buffer
	if class <= maxKeptClass {
		buf = bufferLists[class].get()
	}
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

// putBuffer hands buf back for reuse.
func putBuffer(buf *buffer) {
	if buf.class <= maxKeptClass {
		bufferLists[buf.class].put(buf)
	}
}
