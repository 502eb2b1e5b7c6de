//go:build devsim

package nn

import (
	"math"

	"github.com/windrose/windrose/nn/gemm"
)

// With -tags devsim the backend "devsim" stands in for a GPU on a machine
// without one. It is a resident backend (resident.go) whose "device" is
// separate host memory: every operation reads and writes only the device
// copies, through the CPU backend, and whenever a device copy becomes the
// newer one it overwrites the tensor's Data with poison (NaN and −1e30). A
// layer, optimiser, file writer or trainer that reads Data without ToHost
// therefore sees garbage,
// and one that writes Data without HostChanged computes with stale device
// data: running the test suite under this build (it registers above cpu, so
// it is the default) checks that everything above the Backend interface
// keeps the copies consistent, as the cuda backend needs.
func init() {
	Register(newDevsim(), 20)
}

type devsim struct {
	r   residency
	mem *simMemory
	cpu Backend
}

func newDevsim() *devsim {
	m := &simMemory{bufs: map[uintptr][]float32{}}
	d := &devsim{mem: m, cpu: &cpuBackend{name: "devsim", gemm: gemm.Implementation{}, serial: gemm.Implementation{Threads: 1}, columnStable: true}}
	d.r.mem = m
	// The poison alternates NaN, which every arithmetic use propagates,
	// with −1e30, which every comparison notices (a NaN compares false, so
	// a test written as "fail if error > tol" would pass on it).
	d.r.onDeviceNewer = func(t *Tensor) {
		nan := float32(math.NaN())
		for i := range t.Data {
			t.Data[i] = nan
			if i%2 == 1 {
				t.Data[i] = -1e30
			}
		}
	}
	return d
}

// simMemory is the simulated device: buffers in a map, addressed by
// sequence numbers.
type simMemory struct {
	bufs map[uintptr][]float32
	next uintptr
}

func (m *simMemory) alloc(n int) uintptr {
	m.next++
	m.bufs[m.next] = make([]float32, n)
	return m.next
}
func (m *simMemory) free(p uintptr, n int)               { delete(m.bufs, p) }
func (m *simMemory) upload(dst uintptr, src []float32)   { copy(m.bufs[dst], src) }
func (m *simMemory) download(dst []float32, src uintptr) { copy(dst, m.bufs[src]) }
func (m *simMemory) zero(p uintptr, n int)               { clear(m.bufs[p][:n]) }

// view returns a tensor over the device copy at p with t's shape.
func (d *devsim) view(t *Tensor, p uintptr) *Tensor {
	if t == nil {
		return nil
	}
	return &Tensor{Shape: t.Shape, Data: d.mem.bufs[p][:len(t.Data)]}
}

func (d *devsim) in(t *Tensor) *Tensor    { return d.view(t, d.r.in(t)) }
func (d *devsim) out(t *Tensor) *Tensor   { return d.view(t, d.r.out(t)) }
func (d *devsim) inout(t *Tensor) *Tensor { return d.view(t, d.r.inout(t)) }

func (d *devsim) Name() string { return "devsim" }

func (d *devsim) Linear(y, x, w, b *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	X, W, B := d.in(x), d.in(w), d.in(b)
	d.cpu.Linear(d.out(y), X, W, B)
}

func (d *devsim) LinearBackward(dx, dw, db, dy, x, w *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DY, X, W := d.in(dy), d.in(x), d.in(w)
	d.cpu.LinearBackward(d.out(dx), d.inout(dw), d.inout(db), DY, X, W)
}

func (d *devsim) Conv2d(y, x, w, b *Tensor, stride, pad int) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	X, W, B := d.in(x), d.in(w), d.in(b)
	d.cpu.Conv2d(d.out(y), X, W, B, stride, pad)
}

func (d *devsim) Conv2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DY, X, W := d.in(dy), d.in(x), d.in(w)
	d.cpu.Conv2dBackward(d.out(dx), d.inout(dw), d.inout(db), DY, X, W, stride, pad)
}

func (d *devsim) ConvTranspose2d(y, x, w, b *Tensor, stride, pad int) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	X, W, B := d.in(x), d.in(w), d.in(b)
	d.cpu.ConvTranspose2d(d.out(y), X, W, B, stride, pad)
}

func (d *devsim) ConvTranspose2dBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DY, X, W := d.in(dy), d.in(x), d.in(w)
	d.cpu.ConvTranspose2dBackward(d.out(dx), d.inout(dw), d.inout(db), DY, X, W, stride, pad)
}

func (d *devsim) GroupNorm(y, x, gamma, beta, stats *Tensor, eps float32, silu bool) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	X, G, B := d.in(x), d.in(gamma), d.in(beta)
	d.cpu.GroupNorm(d.out(y), X, G, B, d.out(stats), eps, silu)
}

func (d *devsim) GroupNormBackward(dx, dgamma, dbeta, dy, x, gamma, beta, stats *Tensor, silu bool) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DY, X, G, B, S := d.in(dy), d.in(x), d.in(gamma), d.in(beta), d.in(stats)
	d.cpu.GroupNormBackward(d.out(dx), d.inout(dgamma), d.inout(dbeta), DY, X, G, B, S, silu)
}

func (d *devsim) SiLU(y, x *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	X := d.in(x)
	d.cpu.SiLU(d.out(y), X)
}

func (d *devsim) SiLUBackward(dx, dy, x *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DY, X := d.in(dy), d.in(x)
	d.cpu.SiLUBackward(d.out(dx), DY, X)
}

func (d *devsim) FiLM(y, h, ss *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	H, SS := d.in(h), d.in(ss)
	d.cpu.FiLM(d.out(y), H, SS)
}

func (d *devsim) FiLMBackward(dh, dss, dy, h, ss *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DY, H, SS := d.in(dy), d.in(h), d.in(ss)
	d.cpu.FiLMBackward(d.out(dh), d.out(dss), DY, H, SS)
}

func (d *devsim) Add(y, a, b *Tensor) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	A, B := d.in(a), d.in(b)
	d.cpu.Add(d.out(y), A, B)
}

func (d *devsim) SinusoidalEmbedding(y *Tensor, t []float64) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	d.cpu.SinusoidalEmbedding(d.out(y), t)
}

func (d *devsim) AdamW(p, g, m, v *Tensor, decay, beta1, beta2, step, bc2sqrt, eps float32) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	G := d.in(g)
	d.cpu.AdamW(d.inout(p), G, d.inout(m), d.inout(v), decay, beta1, beta2, step, bc2sqrt, eps)
}

func (d *devsim) SumSquares(xs []*Tensor) float64 {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	views := make([]*Tensor, len(xs))
	for i, x := range xs {
		views[i] = d.in(x)
	}
	return d.cpu.SumSquares(views)
}

func (d *devsim) Scale(x *Tensor, c float32) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	d.cpu.Scale(d.inout(x), c)
}

func (d *devsim) Lerp(dst, src *Tensor, decay float32) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	S := d.in(src)
	d.cpu.Lerp(d.inout(dst), S, decay)
}

func (d *devsim) Attention(o, p, qkv *Tensor, scale float32) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	X := d.in(qkv)
	d.cpu.Attention(d.out(o), d.out(p), X, scale)
}

func (d *devsim) AttentionBackward(dqkv, do, p, qkv *Tensor, scale float32) {
	d.r.mu.Lock()
	defer d.r.mu.Unlock()
	DO, P, X := d.in(do), d.in(p), d.in(qkv)
	d.cpu.AttentionBackward(d.out(dqkv), DO, P, X, scale)
}
