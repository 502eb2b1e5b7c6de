package nn

import (
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mapMemory is a device made of host slices that counts transfers.
type mapMemory struct {
	bufs            map[uintptr][]float32
	next            uintptr
	uploads, downs  int
	allocs, freeing int
}

func (m *mapMemory) alloc(n int) uintptr {
	m.next++
	m.allocs++
	m.bufs[m.next] = make([]float32, n)
	return m.next
}
func (m *mapMemory) free(p uintptr, n int)               { m.freeing++; delete(m.bufs, p) }
func (m *mapMemory) upload(dst uintptr, src []float32)   { m.uploads++; copy(m.bufs[dst], src) }
func (m *mapMemory) download(dst []float32, src uintptr) { m.downs++; copy(dst, m.bufs[src]) }
func (m *mapMemory) zero(p uintptr, n int)               { clear(m.bufs[p][:n]) }

type transfers struct{ Uploads, Downloads, Allocs, Frees int }

func (m *mapMemory) count() transfers { return transfers{m.uploads, m.downs, m.allocs, m.freeing} }

// TestResidency walks one tensor through the states of resident.go: a
// first read uploads, later reads do not, an operation's output is newer on
// the device (Data poisoned as devsim does) until ToHost, a host write is
// uploaded after HostChanged and only then, Zero clears both copies without
// a transfer, a Resize that grows reallocates, and a Reshape shares the copy.
func TestResidency(t *testing.T) {
	m := &mapMemory{bufs: map[uintptr][]float32{}}
	r := &residency{mem: m, onDeviceNewer: func(t *Tensor) {
		for i := range t.Data {
			t.Data[i] = float32(math.NaN())
		}
	}}
	x := &Tensor{Shape: []int{3}, Data: []float32{1, 2, 3}}
	step := func(what string, f func(), want transfers) {
		t.Helper()
		f()
		if d := cmp.Diff(want, m.count()); d != "" {
			t.Errorf("%s: transfers (-want +got):\n%s", what, d)
		}
	}
	dev := func(t *Tensor) []float32 { return m.bufs[r.buf(t).ptr][:len(t.Data)] }

	step("first read", func() { r.in(x) }, transfers{1, 0, 1, 0})
	step("second read", func() { r.in(x) }, transfers{1, 0, 1, 0})
	step("ToHost of a current tensor", func() { x.ToHost() }, transfers{1, 0, 1, 0})
	step("written by an operation", func() {
		p := r.out(x)
		copy(m.bufs[p], []float32{4, 5, 6})
	}, transfers{1, 0, 1, 0})
	if !math.IsNaN(float64(x.Data[0])) {
		t.Errorf("Data after an operation wrote the device copy: %v, want poisoned", x.Data)
	}
	step("ToHost", func() { x.ToHost() }, transfers{1, 1, 1, 0})
	if d := cmp.Diff([]float32{4, 5, 6}, x.Data); d != "" {
		t.Errorf("ToHost (-want +got):\n%s", d)
	}
	step("ToHost again", func() { x.ToHost() }, transfers{1, 1, 1, 0})
	x.Data[1] = 7
	step("read after a host write without HostChanged", func() { r.in(x) }, transfers{1, 1, 1, 0})
	x.HostChanged()
	step("read after HostChanged", func() { r.in(x) }, transfers{2, 1, 1, 0})
	if d := cmp.Diff([]float32{4, 7, 6}, dev(x)); d != "" {
		t.Errorf("device copy after HostChanged (-want +got):\n%s", d)
	}
	step("Zero", func() { x.Zero() }, transfers{2, 1, 1, 0})
	if d := cmp.Diff([]float32{0, 0, 0}, dev(x)); d != "" {
		t.Errorf("device copy after Zero (-want +got):\n%s", d)
	}
	step("accumulate", func() {
		p := r.inout(x)
		m.bufs[p][2] += 1
	}, transfers{2, 1, 1, 0})
	flat := x.Reshape(1, 3)
	step("ToHost through a Reshape", func() { flat.ToHost() }, transfers{2, 2, 1, 0})
	if d := cmp.Diff([]float32{0, 0, 1}, x.Data); d != "" {
		t.Errorf("after ToHost of a reshaped view (-want +got):\n%s", d)
	}
	step("read through a Reshape", func() { r.in(flat) }, transfers{2, 2, 1, 0})
	step("Resize to more elements", func() {
		x.Resize(5)
		r.out(x)
	}, transfers{2, 2, 2, 1})
	mustPanicNN(t, func() { x.Reshape(2, 2) })
}

func mustPanicNN(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	f()
}

// TestResidencyFreesWithTensor: the device buffer of a tensor that is no
// longer reachable is freed (by a runtime cleanup), without a Free call.
func TestResidencyFreesWithTensor(t *testing.T) {
	m := &mapMemory{bufs: map[uintptr][]float32{}}
	r := &residency{mem: m}
	func() {
		x := NewTensor(4)
		r.in(x)
	}()
	for i := 0; i < 50; i++ {
		runtime.GC()
		r.mu.Lock()
		n := len(m.bufs)
		r.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("device buffers of a dropped tensor still allocated: %d", len(m.bufs))
}
