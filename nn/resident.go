package nn

import (
	"fmt"
	"runtime"
	"sync"
)

// A backend that computes in memory of its own (a GPU's) keeps a copy of each
// tensor it touches there, and tensors stay there between operations: the
// weights, activations, gradients and optimiser moments of a model on such a
// backend live on the device from one step to the next. Host code reads and
// writes Tensor.Data, so two rules keep the copies consistent:
//
//   - before reading Data of a tensor a backend may have written, call
//     ToHost, which copies it back when the device holds a newer copy;
//   - after writing Data on the host, call HostChanged, which makes the
//     backend upload it again before its next use.
//
// Both are no-ops on host backends (cpu, openblas) and for tensors no
// resident backend has seen. Layers, AdamW, EMA, safetensors and flowmatch
// follow the rules at every point where they touch Data; the test-only
// backend "devsim" (build tag devsim) checks that they do, by keeping its
// "device" copies in separate host memory and overwriting Data with poison
// (NaN and −1e30) whenever the device copy is the newer one.

// ToHost makes t.Data current: when a resident backend holds a newer copy
// of t on its device, it is copied to Data. It returns t.Data.
func (t *Tensor) ToHost() []float32 {
	if t.base != nil {
		t.base.ToHost()
	} else if t.dev != nil {
		t.dev.toHost(t)
	}
	return t.Data
}

// HostChanged records that t.Data was written on the host, so that a
// resident backend uploads it before it next reads t.
func (t *Tensor) HostChanged() {
	if t.base != nil {
		t.base.HostChanged()
	} else if t.dev != nil {
		t.dev.hostChanged()
	}
}

// deviceCopy is a resident backend's copy of one tensor.
type deviceCopy interface {
	toHost(t *Tensor)
	hostChanged()
	// zero sets the device copy to zero; the caller has cleared Data, so
	// both copies are current and clearing gradients costs no transfer.
	zero(t *Tensor)
}

// deviceMemory is what a resident backend provides: float32 buffers on its
// device, addressed by an opaque uintptr, and copies both ways. The methods
// are called with the residency's lock held.
type deviceMemory interface {
	alloc(n int) uintptr
	free(p uintptr, n int)
	upload(dst uintptr, src []float32)
	download(dst []float32, src uintptr)
	zero(p uintptr, n int)
}

// residency keeps the device copies of one resident backend: it allocates a
// buffer the first time a tensor is used, uploads when the host copy is
// newer, and marks what each operation writes as newer on the device.
type residency struct {
	mu  sync.Mutex
	mem deviceMemory
	// onDeviceNewer, when set, is called with a tensor whose device copy
	// has just become the newer one (devsim poisons Data there).
	onDeviceNewer func(t *Tensor)
}

// devBuf is the device copy of one tensor; state says which copy is newer.
type devBuf struct {
	r     *residency
	ptr   uintptr
	n     int // elements allocated
	state devState
}

type devState uint8

const (
	bothCurrent devState = iota // host and device hold the same data
	hostNewer                   // the device copy is stale
	deviceNewer                 // Data is stale
)

// release frees the device buffer; it runs after the tensor that held it
// became unreachable.
func (d *devBuf) release() {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	if d.n > 0 {
		d.r.mem.free(d.ptr, d.n)
		d.ptr, d.n = 0, 0
	}
}

func (d *devBuf) toHost(t *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	if d.state == deviceNewer {
		d.r.mem.download(t.Data, d.ptr)
		d.state = bothCurrent
	}
}

func (d *devBuf) hostChanged() {
	d.r.mu.Lock()
	d.state = hostNewer
	d.r.mu.Unlock()
}

func (d *devBuf) zero(t *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	d.ensure(t)
	d.r.mem.zero(d.ptr, len(t.Data))
	d.state = bothCurrent
}

// ensure (with the lock held) makes the device buffer fit t, reallocating
// after a Resize that grew t; the data of a new buffer is the host's.
func (d *devBuf) ensure(t *Tensor) {
	if d.n < len(t.Data) {
		if d.n > 0 {
			d.r.mem.free(d.ptr, d.n)
		}
		d.ptr, d.n = d.r.mem.alloc(len(t.Data)), len(t.Data)
		d.state = hostNewer
	}
}

func (d *devBuf) markDeviceNewer(t *Tensor) {
	d.state = deviceNewer
	if d.r.onDeviceNewer != nil {
		d.r.onDeviceNewer(t)
	}
}

// buf returns t's device copy, creating it on first use. A tensor holds
// copies on one resident backend only.
func (r *residency) buf(t *Tensor) *devBuf {
	if t.base != nil {
		return r.buf(t.base)
	}
	if t.dev == nil {
		d := &devBuf{r: r, state: hostNewer}
		t.dev = d
		// The device memory goes when the tensor does: layers and
		// trainers drop tensors as Go values, never through a Free.
		runtime.AddCleanup(t, (*devBuf).release, d)
		return d
	}
	d, ok := t.dev.(*devBuf)
	if !ok || d.r != r {
		panic(fmt.Sprintf("nn: %v is held by another resident backend", t))
	}
	return d
}

// in returns the device address of t for reading, uploading t.Data first
// when the host copy is newer. A nil t gives 0.
func (r *residency) in(t *Tensor) uintptr {
	if t == nil {
		return 0
	}
	d := r.buf(t)
	d.ensure(t)
	if d.state == hostNewer {
		r.mem.upload(d.ptr, t.Data)
		d.state = bothCurrent
	}
	return d.ptr
}

// out returns the device address of t for an operation that overwrites all
// of it, and marks the device copy newer. A nil t gives 0.
func (r *residency) out(t *Tensor) uintptr {
	if t == nil {
		return 0
	}
	d := r.buf(t)
	d.ensure(t)
	if d.state == hostNewer {
		d.state = bothCurrent // about to be overwritten: no upload needed
	}
	d.markDeviceNewer(t)
	return d.ptr
}

// inout returns the device address of t for an operation that reads and
// writes it (accumulated gradients, AdamW, EMA), uploading first when the
// host copy is newer, and marks the device copy newer. A nil t gives 0.
func (r *residency) inout(t *Tensor) uintptr {
	if t == nil {
		return 0
	}
	p := r.in(t)
	r.buf(t).markDeviceNewer(t)
	return p
}
