package nn

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func init() {
	// Tuning aid: WINDROSE_COLS_BUDGET overrides both chunk budgets in
	// benchmarks (see colsBudget).
	if v, err := strconv.Atoi(os.Getenv("WINDROSE_COLS_BUDGET")); err == nil && v > 0 {
		colsBudget, workerColsBudget = v, v
	}
}

// cpuTime returns the user+system CPU time of the process so far: on a
// shared machine, CPU time per image is steadier than wall time, and the
// ratio of the two shows how much of the two cores a run actually had.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// trainer is one flow-matching training step of the reference recipe
// (docs/reference.md) on the exact VelocityNet: draw t and x0, form x_t and the
// target, Forward, the reference loss, Backward, AdamW, EMA. The data x1 is
// random here (nn does not depend on the MNIST reader); the cost does not
// depend on the values.
type trainer struct {
	net       *VelocityNet
	opt       *AdamW
	ema       *EMA
	x1, xt, u *Tensor
	v, dv     *Tensor
	t         []float64
	rng       func() float64
	norm      func() float64
}

func newTrainer(cfg Config, batch int) *trainer {
	rng := newRand(42)
	net := NewVelocityNet(cfg, rng)
	tr := &trainer{
		net: net, opt: NewAdamW(net.Params(), 2e-4), ema: NewEMA(net.Params(), 0.999),
		x1: randTensor(rng, 0.5, batch, 1, 28, 28), xt: NewTensor(batch, 1, 28, 28), u: NewTensor(batch, 1, 28, 28),
		v: NewTensor(batch, 1, 28, 28), dv: NewTensor(batch, 1, 28, 28), t: make([]float64, batch),
		rng: rng.Float64, norm: rng.NormFloat64,
	}
	return tr
}

func (tr *trainer) step() float64 {
	const tEps, sigmaMin = 1e-5, 0.1 // docs/reference.md
	B := len(tr.t)
	P := tr.x1.Len() / B
	for b := range tr.t {
		tb := tEps + (1-2*tEps)*tr.rng()
		tr.t[b] = tb
		for p := 0; p < P; p++ {
			i := b*P + p
			x0 := tr.norm()
			x1 := float64(tr.x1.Data[i])
			tr.xt.Data[i] = float32((1-(1-sigmaMin)*tb)*x0 + tb*x1)
			tr.u.Data[i] = float32(x1 - (1-sigmaMin)*x0)
		}
	}
	tr.net.Forward(tr.v, tr.xt, tr.t)
	loss := referenceLoss(tr.dv.Data, tr.v.Data, tr.u.Data, tr.t)
	tr.net.ZeroGrad()
	tr.net.Backward(nil, tr.dv)
	tr.opt.Step()
	tr.ema.Update(tr.net.Params())
	return loss
}

// BenchmarkTrainStep reports images/s of full training steps; allocs/op
// shows what a step allocates once the buffers are sized (the first step,
// which sizes them, runs before the timer).
func BenchmarkTrainStep(b *testing.B) {
	for _, batch := range []int{64, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			tr := newTrainer(Config{}, batch)
			tr.step()
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				tr.step()
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "img/s")
			b.ReportMetric((cpuTime()-c0).Seconds()*1e3/float64(batch*b.N), "cpu-ms/img")
		})
	}
}

// BenchmarkTrainStepUNet reports images/s of training steps of the U-Nets
// of the default recipe (widths 16/32/64) and of the shipped model
// (32/64/128): forward, the MSE gradient, backward, AdamW and EMA on random
// images and times, at the default recipe's batch (64) and at 256.
func BenchmarkTrainStepUNet(b *testing.B) {
	for _, bb := range []struct{ base, batch int }{{16, 64}, {16, 256}, {32, 64}, {32, 256}} {
		base, batch := bb.base, bb.batch
		b.Run(fmt.Sprintf("base=%d/batch=%d", base, batch), func(b *testing.B) {
			rng := newRand(46)
			net := NewUNet(UNetConfig{Channels: 1, Base: base}, rng)
			opt, ema := NewAdamW(net.Params(), 2e-3), NewEMA(net.Params(), 0.999)
			x, u := randTensor(rng, 1, batch, 1, 28, 28), randTensor(rng, 1, batch, 1, 28, 28)
			v, dv := NewTensor(batch, 1, 28, 28), NewTensor(batch, 1, 28, 28)
			ts := make([]float64, batch)
			for i := range ts {
				ts[i] = rng.Float64()
			}
			step := func() {
				net.Forward(v, x, ts)
				for i := range dv.Data {
					dv.Data[i] = 2 * (v.Data[i] - u.Data[i]) / float32(len(dv.Data))
				}
				net.ZeroGrad()
				net.Backward(nil, dv)
				opt.Step()
				ema.Update(net.Params())
			}
			step()
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				step()
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "img/s")
			b.ReportMetric((cpuTime()-c0).Seconds()*1e3/float64(batch*b.N), "cpu-ms/img")
		})
	}
}

// BenchmarkForward reports image-evaluations/s of the exact VelocityNet at
// batch 256, the sampling workload.
func BenchmarkForward(b *testing.B) {
	rng := newRand(43)
	benchForward(b, NewVelocityNet(Config{}, rng).Forward, rng)
}

// BenchmarkInfer is BenchmarkForward with VelocityNet.Infer, the pass
// sampling uses.
func BenchmarkInfer(b *testing.B) {
	rng := newRand(43)
	benchForward(b, NewVelocityNet(Config{}, rng).Infer, rng)
}

// BenchmarkForwardUNet reports image-evaluations/s of the U-Nets of
// flowmatch's default recipe (widths 16/32/64) and of the shipped model
// (32/64/128) at batch 256, the sampling workload.
func BenchmarkForwardUNet(b *testing.B) {
	for _, base := range []int{16, 32} {
		b.Run(fmt.Sprintf("base=%d", base), func(b *testing.B) {
			rng := newRand(44)
			benchForward(b, NewUNet(UNetConfig{Channels: 1, Base: base}, rng).Forward, rng)
		})
	}
}

// BenchmarkInferUNet is BenchmarkForwardUNet with UNet.Infer, the pass
// sampling uses.
func BenchmarkInferUNet(b *testing.B) {
	for _, base := range []int{16, 32} {
		b.Run(fmt.Sprintf("base=%d", base), func(b *testing.B) {
			rng := newRand(44)
			benchForward(b, NewUNet(UNetConfig{Channels: 1, Base: base}, rng).Infer, rng)
		})
	}
}

// benchForward times passes of a network on a batch of 256 random images
// at random times.
func benchForward(b *testing.B, pass func(v, x *Tensor, t []float64), rng *rand.Rand) {
	const batch = 256
	x := randTensor(rng, 1, batch, 1, 28, 28)
	v := NewTensor(batch, 1, 28, 28)
	ts := make([]float64, batch)
	for i := range ts {
		ts[i] = rng.Float64()
	}
	pass(v, x, ts)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		pass(v, x, ts)
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "img-evals/s")
	b.ReportMetric((cpuTime()-c0).Seconds()*1e3/float64(batch*b.N), "cpu-ms/img")
}

// BenchmarkConvAlgorithm times the three algorithms of the 3×3, stride-1,
// same-size Conv2d (Winograd's F(2×2, 3×3) and F(4×4, 3×3), im2col) on a
// batch of 64, one after the other per shape, for the shapes that decide
// convAlgorithm's rule: the default U-Net's (32 channels at 28×28, 64 at
// 14×14, 128 at 7×7, and its first and last convolutions with one channel
// on one side) and a few around them. cpu-ms/op is the CPU time of one
// convolution.
func BenchmarkConvAlgorithm(b *testing.B) {
	c := DefaultBackend().(*cpuBackend)
	for _, s := range []struct{ Cin, Cout, H int }{
		{1, 32, 28}, {32, 32, 28}, {32, 1, 28}, {8, 8, 28}, {16, 16, 28}, {64, 64, 28},
		{8, 8, 14}, {16, 16, 14}, {32, 32, 14}, {64, 64, 14}, {128, 128, 14},
		{8, 8, 7}, {16, 16, 7}, {32, 32, 7}, {64, 64, 7}, {128, 128, 7}, {256, 256, 7},
		{128, 128, 6}, {128, 128, 5}, {128, 128, 4}, {128, 128, 3},
	} {
		rng := newRand(45)
		x := randTensor(rng, 1, 64, s.Cin, s.H, s.H)
		w := randTensor(rng, 0.1, s.Cout, s.Cin, 3, 3)
		bias := randTensor(rng, 0.1, s.Cout)
		y := NewTensor(64, s.Cout, s.H, s.H)
		g := convGeom(y, x, w, 1, 1)
		for _, alg := range []struct {
			name string
			f    func()
		}{
			{"winograd", func() {
				c.winogradConv2d(convWinograd2, y.Data, x.Data, w.Data, bias.Data, s.Cout, s.Cin, 64, s.H, s.H, false)
			}},
			{"winograd4", func() {
				c.winogradConv2d(convWinograd4, y.Data, x.Data, w.Data, bias.Data, s.Cout, s.Cin, 64, s.H, s.H, false)
			}},
			{"im2col", func() { c.conv2dIm2col(y, x, w, bias.Data, &g) }},
		} {
			b.Run(fmt.Sprintf("%dx%d/%dto%d/%s", s.H, s.H, s.Cin, s.Cout, alg.name), func(b *testing.B) {
				alg.f()
				b.ResetTimer()
				c0 := cpuTime()
				for i := 0; i < b.N; i++ {
					alg.f()
				}
				b.ReportMetric((cpuTime()-c0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
