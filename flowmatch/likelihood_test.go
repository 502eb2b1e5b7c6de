package flowmatch

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/windrose/windrose/nn"
	"github.com/windrose/windrose/ode"
)

// gaussNet is the velocity field that carries N(0, I) at t = 0 to
// N(μ, diag(s²)) at t = 1 along the straight path x_t = σ_t·x0 + t·μ with
// σ_t = 1 − t + t·s (per dimension): for x on the path,
//
//	v(x, t) = σ_t'/σ_t·(x − t·μ) + μ = a(t)·x + μ·(1 − a(t)·t),  a = (s − 1)/σ_t.
//
// Its Jacobian is diagonal, diag(a(t)), so its flow, log-density and
// divergence are known in closed form.
type gaussNet struct {
	mu, s []float64 // per dimension of one sample
	t     []float64 // the last Forward's times
}

func (g *gaussNet) a(i int, t float64) float64 { return (g.s[i] - 1) / (1 - t + t*g.s[i]) }

func (g *gaussNet) Forward(v, x *nn.Tensor, t []float64) {
	d := len(g.mu)
	g.t = append(g.t[:0], t...)
	for j, tj := range t {
		for i := range d {
			a := g.a(i, tj)
			v.Data[j*d+i] = float32(a*float64(x.Data[j*d+i]) + g.mu[i]*(1-a*tj))
		}
	}
}

func (g *gaussNet) Backward(dx, dv *nn.Tensor) {
	d := len(g.mu)
	for j, tj := range g.t {
		for i := range d {
			dx.Data[j*d+i] = float32(g.a(i, tj) * float64(dv.Data[j*d+i]))
		}
	}
}

func (g *gaussNet) Params() []*nn.Param { return nil }

// gaussCase is a 2×2 problem for gaussNet: its μ, s and samples y.
func gaussCase(n int) (*gaussNet, []float32) {
	g := &gaussNet{mu: []float64{0.5, -1, 0, 2}, s: []float64{0.3, 1.5, 1, 0.8}}
	r := rand.New(rand.NewPCG(3, 4))
	y := make([]float32, n*4)
	for i := range y {
		y[i] = float32(g.mu[i%4] + g.s[i%4]*r.NormFloat64())
	}
	return g, y
}

// gaussLogDensity is log N(y; μ, diag(s²)) in closed form.
func gaussLogDensity(g *gaussNet, y []float32) float64 {
	var lp float64
	for i, v := range y {
		z := (float64(v) - g.mu[i]) / g.s[i]
		lp += -0.5*z*z - math.Log(g.s[i]) - 0.5*math.Log(2*math.Pi)
	}
	return lp
}

var gaussShape = FlowSettings{Channels: 1, Height: 2, Width: 2}

func TestLikelihoodGaussianClosedForm(t *testing.T) {
	g, y := gaussCase(5)
	for _, tc := range []struct {
		name   string
		probes int
	}{{"exact", 0}, {"hutchinson", 3}} {
		t.Run(tc.name, func(t *testing.T) {
			set := &LikelihoodSettings{FlowSettings: gaussShape, Probes: tc.probes, Seed: 1}
			set.RTol, set.ATol, set.Batch = 1e-9, 1e-9, 2
			res, err := Likelihood(context.Background(), g, y, set)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.LogP) != 5 {
				t.Fatalf("%d log-densities, want 5", len(res.LogP))
			}
			for i, lp := range res.LogP {
				want := gaussLogDensity(g, y[i*4:(i+1)*4])
				// The network computes in float32: each evaluation is
				// exact to about 1e-7 relative.
				if math.Abs(lp-want) > 1e-5 {
					t.Errorf("sample %d: log p = %.8f, closed form %.8f", i, lp, want)
				}
				// A diagonal Jacobian gives every Rademacher probe the
				// exact trace: no spread.
				if tc.probes > 0 && !(res.StdErr[i] < 1e-6) {
					t.Errorf("sample %d: standard error %g, want ≈ 0 for a diagonal Jacobian", i, res.StdErr[i])
				}
				if bpd := BitsPerDim(lp, 4); res.BitsPerDim[i] != bpd {
					t.Errorf("sample %d: BitsPerDim %v, want BitsPerDim(LogP) = %v", i, res.BitsPerDim[i], bpd)
				}
			}
			if res.Stats.FieldEvals == 0 || res.Passes < res.Stats.FieldEvals {
				t.Errorf("%d field evaluations, %d network passes: want ≥ 1 pass per evaluation", res.Stats.FieldEvals, res.Passes)
			}
		})
	}
}

func TestEncodeDecodeGaussianClosedForm(t *testing.T) {
	g, y := gaussCase(3)
	set := gaussShape
	set.RTol, set.ATol = 1e-9, 1e-9
	z := make([]float32, len(y))
	if _, err := Encode(context.Background(), z, g, y, &set); err != nil {
		t.Fatal(err)
	}
	for i, v := range y {
		// x1 = μ + s·x0, so the noise of y is (y − μ)/s.
		want := (float64(v) - g.mu[i%4]) / g.s[i%4]
		if math.Abs(float64(z[i])-want) > 1e-5 {
			t.Errorf("Encode: value %d = %v, closed form %v", i, z[i], want)
		}
	}
	back := make([]float32, len(y))
	if _, err := Decode(context.Background(), back, g, z, &set); err != nil {
		t.Fatal(err)
	}
	for i, v := range z {
		want := g.mu[i%4] + g.s[i%4]*float64(v)
		if math.Abs(float64(back[i])-want) > 1e-5 {
			t.Errorf("Decode: value %d = %v, closed form %v", i, back[i], want)
		}
	}
}

// tinyNet is a randomly initialised VelocityNet small enough for exact
// divergences in tests: 4×4 images, 16 dimensions.
func tinyNet() *nn.VelocityNet {
	return nn.NewVelocityNet(nn.Config{Base: 8, TimeDim: 8, Groups: 8}, rand.New(rand.NewPCG(1, 1)))
}

var tinyShape = FlowSettings{Channels: 1, Height: 4, Width: 4}

func tinyInputs(n int) []float32 {
	x := make([]float32, n*16)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range x {
		x[i] = float32(2*r.Float64() - 1)
	}
	return x
}

// With fixed steps the x part of the augmented solve does not depend on
// the accumulators, and the steps combine the per-probe terms linearly, so
// the mean of the probe estimates is an unbiased estimate of the exact
// divergence's result: they must agree within the reported standard error.
func TestHutchinsonAgreesWithExact(t *testing.T) {
	net := tinyNet()
	x := tinyInputs(3)
	set := &LikelihoodSettings{FlowSettings: tinyShape}
	set.Method, set.Steps = ode.RK4, 8
	exact, err := Likelihood(context.Background(), net, x, set)
	if err != nil {
		t.Fatal(err)
	}
	set.Probes, set.Seed = 64, 5
	hutch, err := Likelihood(context.Background(), net, x, set)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x[:3] {
		e, h, se := exact.LogP[i], hutch.LogP[i], hutch.StdErr[i]
		if exact.StdErr[i] != 0 {
			t.Errorf("sample %d: exact divergence with standard error %g, want 0", i, exact.StdErr[i])
		}
		if !(se > 0) {
			t.Errorf("sample %d: Hutchinson standard error %g, want > 0 for a dense Jacobian", i, se)
		}
		if math.Abs(h-e) > 4*se {
			t.Errorf("sample %d: Hutchinson %.6f ± %.6f, exact %.6f: %.1f standard errors apart", i, h, se, e, math.Abs(h-e)/se)
		}
		t.Logf("sample %d: exact %.6f, Hutchinson %.6f ± %.6f", i, e, h, se)
	}
	// One probe has no spread to measure.
	set.Probes = 1
	one, err := Likelihood(context.Background(), net, x[:16], set)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(one.StdErr[0]) {
		t.Errorf("one probe: standard error %v, want NaN", one.StdErr[0])
	}
}

// The exact divergence of the augmented field equals the trace of the
// Jacobian by central differences of the network, also when the batch's
// probe copies need several network passes.
func TestNetFieldDivergenceFiniteDifferences(t *testing.T) {
	net := tinyNet()
	const b, d, tm = 40, 16, 0.3 // 40 samples: 6 copies per pass, 3 passes for 16 probes
	x := tinyInputs(b)
	f := newNetField(net, 1, 4, 4, b, divExact, 0)
	z := make([]float64, f.stateLen())
	for i, v := range x {
		z[i] = float64(v)
	}
	dz := make([]float64, len(z))
	f.Eval(dz, tm, z)
	if want := 3; f.passes != want { // ⌈16 probes / 6 copies⌉
		t.Errorf("%d network passes for 16 probes of 40 samples, want %d", f.passes, want)
	}

	v := func(xs []float32) []float32 {
		out := nn.NewTensor(b, 1, 4, 4)
		times := make([]float64, b)
		for i := range times {
			times[i] = tm
		}
		net.Forward(out, &nn.Tensor{Shape: []int{b, 1, 4, 4}, Data: xs}, times)
		return out.ToHost()
	}
	v0 := v(append([]float32(nil), x...))
	for i := range b * d {
		if !(math.Abs(dz[i]-float64(v0[i])) <= 1e-6) {
			t.Fatalf("velocity %d = %v, network %v", i, dz[i], v0[i])
		}
	}
	// Central differences in float64 of float32 evaluations: h = 1e-2
	// keeps the rounding error (1e-7/h per term) below the truncation
	// error of a smooth network.
	const h = 1e-2
	trace := make([]float64, b)
	for i := range d {
		xp := append([]float32(nil), x...)
		xm := append([]float32(nil), x...)
		for s := range b {
			xp[s*d+i] += h
			xm[s*d+i] -= h
		}
		vp, vm := v(xp), v(xm)
		for s := range b {
			trace[s] += (float64(vp[s*d+i]) - float64(vm[s*d+i])) / (2 * h)
		}
	}
	for s := range b {
		if got := dz[b*d+s]; math.Abs(got-trace[s]) > 1e-3*(1+math.Abs(trace[s])) {
			t.Errorf("sample %d: divergence %.6f, central differences %.6f", s, got, trace[s])
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	net := tinyNet()
	x := tinyInputs(6)
	set := tinyShape
	set.RTol, set.ATol, set.Batch = 1e-9, 1e-9, 4
	z := make([]float32, len(x))
	enc, err := Encode(context.Background(), z, net, x, &set)
	if err != nil {
		t.Fatal(err)
	}
	back := make([]float32, len(x))
	dec, err := Decode(context.Background(), back, net, z, &set)
	if err != nil {
		t.Fatal(err)
	}
	var maxErr, moved float64
	for i := range x {
		maxErr = max(maxErr, math.Abs(float64(back[i]-x[i])))
		moved = max(moved, math.Abs(float64(z[i]-x[i])))
	}
	// The field is float32: each evaluation is exact to about 1e-7
	// relative, which bounds the round trip, not the tolerance.
	if maxErr > 1e-5 {
		t.Errorf("round trip: max |decode(encode(x)) − x| = %g, want ≤ 1e-5", maxErr)
	}
	if moved < 1e-2 {
		t.Errorf("encoding moved the samples by at most %g: the field is too weak for a meaningful round trip", moved)
	}
	if enc.Stats.FieldEvals == 0 || dec.Stats.FieldEvals == 0 {
		t.Errorf("field evaluations: encode %d, decode %d", enc.Stats.FieldEvals, dec.Stats.FieldEvals)
	}
	t.Logf("round trip max error %.3g; %d + %d evaluations", maxErr, enc.Stats.FieldEvals, dec.Stats.FieldEvals)
}

// The bits per dimension of the standard normal density at y = 0 in one
// dimension, worked by hand: log p_y(0) = −½·ln 2π = −0.918938533; the
// map y = x/127.5 − 1 adds ln(1/127.5) = −4.848116365, so log p_x =
// −5.767054898 nats, and dividing by ln 2 = 0.693147181 gives 8.3201015
// bits.
func TestBitsPerDimByHand(t *testing.T) {
	if got, want := BitsPerDim(-0.918938533, 1), 8.3201015; math.Abs(got-want) > 1e-6 {
		t.Errorf("BitsPerDim(−½·ln 2π, 1) = %.7f, want %.7f", got, want)
	}
	// Two dimensions with log p_y = −3 nats: 3/(2·ln 2) = 2.1640425 bits
	// plus log₂ 127.5 = 6.9943534.
	if got, want := BitsPerDim(-3, 2), 9.1583959; math.Abs(got-want) > 1e-6 {
		t.Errorf("BitsPerDim(−3, 2) = %.7f, want %.7f", got, want)
	}
	// σ = 0.1: ½·log₂(2π·0.01) = ½·log₂ 0.0628319 = ½·(−3.9923) = −1.99615.
	if got, want := BitsPerDimFloor(0.1), 4.9982; math.Abs(got-want) > 1e-4 {
		t.Errorf("BitsPerDimFloor(0.1) = %.5f, want %.4f", got, want)
	}
}

func TestDequantize(t *testing.T) {
	pix := []uint8{0, 255, 128, 0, 255, 7}
	y := make([]float32, len(pix))
	Dequantize(y, pix, 3)
	for i, p := range pix {
		// y ∈ [p/127.5 − 1, (p+1)/127.5 − 1).
		lo, hi := float64(p)/127.5-1, (float64(p)+1)/127.5-1
		if !(float64(y[i]) >= lo-1e-7 && float64(y[i]) < hi+1e-7) {
			t.Errorf("pixel %d (%d): %v outside [%v, %v)", i, p, y[i], lo, hi)
		}
	}
	again := make([]float32, len(pix))
	Dequantize(again, pix, 3)
	for i := range y {
		if y[i] != again[i] {
			t.Fatalf("value %d: %v then %v with the same seed", i, y[i], again[i])
		}
	}
}

func TestRademacher(t *testing.T) {
	e := make([]float32, 10000)
	Rademacher(e, 1, 2)
	var sum float64
	for i, v := range e {
		if v != 1 && v != -1 {
			t.Fatalf("value %d = %v, want ±1", i, v)
		}
		sum += float64(v)
	}
	// The mean of 10000 signs has standard deviation 0.01.
	if math.Abs(sum/1e4) > 0.04 {
		t.Errorf("mean %v, want 0 within 4 standard deviations (0.04)", sum/1e4)
	}
	short := make([]float32, 100)
	Rademacher(short, 1, 2)
	for i := range short {
		if short[i] != e[i] {
			t.Fatalf("value %d depends on the length", i)
		}
	}
}

func TestLikelihoodSettingsErrors(t *testing.T) {
	g, y := gaussCase(1)
	for _, set := range []*LikelihoodSettings{
		{FlowSettings: FlowSettings{Channels: 1, Height: 2, Width: 2, RTol: -1}},
		{FlowSettings: FlowSettings{Channels: 1, Height: 2, Width: 2, Method: ode.RK4}},
		{FlowSettings: FlowSettings{Channels: 1, Height: 2, Width: 2, Batch: -1}},
		{FlowSettings: FlowSettings{Channels: 1, Height: 2, Width: 2}, Probes: -2},
	} {
		if _, err := Likelihood(context.Background(), g, y, set); err == nil {
			t.Errorf("settings %+v: no error", *set)
		}
	}
}

// A sample's probes come from Seed and its index, so with fixed steps its
// estimate does not depend on the batch it is solved in (up to the
// rounding of the network's batched arithmetic), and another seed gives
// another estimate.
func TestLikelihoodProbesIndependentOfBatch(t *testing.T) {
	net := tinyNet()
	x := tinyInputs(5)
	run := func(batch int, seed uint64) []float64 {
		set := &LikelihoodSettings{FlowSettings: tinyShape, Probes: 2, Seed: seed}
		set.Method, set.Steps, set.Batch = ode.RK4, 4, batch
		res, err := Likelihood(context.Background(), net, x, set)
		if err != nil {
			t.Fatal(err)
		}
		return res.LogP
	}
	one, three, other := run(1, 7), run(3, 7), run(3, 8)
	for i := range one {
		if math.Abs(one[i]-three[i]) > 1e-4 {
			t.Errorf("sample %d: log p %.6f in batches of 1, %.6f in batches of 3", i, one[i], three[i])
		}
		if one[i] == other[i] {
			t.Errorf("sample %d: the same estimate %.6f with seeds 7 and 8", i, one[i])
		}
	}
}
