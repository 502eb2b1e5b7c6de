package flowmatch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLossHandComputed checks both losses on a batch of two samples of
// two pixels, worked out by hand:
//
//	t = (0.5, 0.25): t(1−t) = (0.25, 0.1875), mean 0.21875,
//	w = (0.25, 0.1875)/(0.21875 + 1e-8)
//	v = (0.3, −1, 2, 0.05), u = (0.25, 0, 0.5, 0.05), d = v − u = (0.05, −1, 1.5, 0)
//	smooth L1 (β = 0.1): (0.05²/0.2, 1 − 0.05, 1.5 − 0.05, 0) = (0.0125, 0.95, 1.45, 0)
//	L_ref = [w0·(0.0125 + 0.95) + w1·(1.45 + 0)]/4 + 3e-5·(0.09 + 1 + 4 + 0.0025)/4
//	dL/dv = [w0·(0.5, −1), w1·(1, 0)]/4 + 2·3e-5·v/4     (s'(d) = d/β inside, sign(d) outside)
//	L_mse = (0.0025 + 1 + 2.25 + 0)/4,  dL/dv = 2d/4
func TestLossHandComputed(t *testing.T) {
	v := []float32{0.3, -1, 2, 0.05}
	u := []float32{0.25, 0, 0.5, 0.05}
	ts := []float64{0.5, 0.25}
	w0, w1 := 0.25/(0.21875+1e-8), 0.1875/(0.21875+1e-8)
	// The float32 inputs are not the decimal values above; take d from
	// them so that only the formulas are being checked.
	d := make([]float64, 4)
	for i := range d {
		d[i] = float64(v[i]) - float64(u[i])
	}
	vv := func(i int) float64 { return float64(v[i]) }
	wantRef := (w0*(d[0]*d[0]/0.2+math.Abs(d[1])-0.05)+w1*(d[2]-0.05+d[3]*d[3]/0.2))/4 +
		3e-5*(vv(0)*vv(0)+vv(1)*vv(1)+vv(2)*vv(2)+vv(3)*vv(3))/4
	wantRefGrad := []float64{
		w0*d[0]/0.1/4 + 2*3e-5*vv(0)/4,
		w0*-1/4 + 2*3e-5*vv(1)/4,
		w1*1/4 + 2*3e-5*vv(2)/4,
		w1*d[3]/0.1/4 + 2*3e-5*vv(3)/4,
	}
	wantMSE := (d[0]*d[0] + d[1]*d[1] + d[2]*d[2] + d[3]*d[3]) / 4
	dv := make([]float32, 4)
	// 1e-15 relative: a float64 sum of a handful of terms.
	if got := LossReference.Eval(dv, v, u, ts); math.Abs(got-wantRef) > 1e-15*wantRef {
		t.Errorf("reference loss %.17g, want %.17g", got, wantRef)
	}
	for i, g := range wantRefGrad {
		// The gradient is rounded once to float32.
		if float64(dv[i]) != float64(float32(g)) {
			t.Errorf("reference dL/dv[%d] = %.9g, want %.9g", i, dv[i], g)
		}
	}
	if got := LossMSE.Eval(dv, v, u, ts); math.Abs(got-wantMSE) > 1e-15*wantMSE {
		t.Errorf("mse loss %.17g, want %.17g", got, wantMSE)
	}
	for i := range d {
		if want := float32(2 * d[i] / 4); dv[i] != want {
			t.Errorf("mse dL/dv[%d] = %.9g, want %.9g", i, dv[i], want)
		}
	}
}

// TestLossGradient checks dL/dv of both losses against central differences
// of the loss itself on a random batch. The losses are piecewise quadratic
// in v (smooth L1 is quadratic inside |d| < β and linear outside; the
// regulariser and MSE are quadratic), so a central difference that stays
// inside one piece is exact up to rounding: the step is h = 2⁻¹², exact in
// float32 at these magnitudes, and pixels within 2h of a kink are skipped.
func TestLossGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const B, P = 3, 50
	v := make([]float32, B*P)
	u := make([]float32, B*P)
	for i := range v {
		u[i] = float32(r.NormFloat64())
		// Half the differences inside the quadratic zone |d| < β.
		scale := 1.0
		if i%2 == 0 {
			scale = 0.05
		}
		v[i] = u[i] + float32(scale*r.NormFloat64())
	}
	ts := []float64{0.1, 0.5, 0.97}
	const h = 1.0 / 4096
	for _, l := range []Loss{LossReference, LossMSE} {
		dv := make([]float32, len(v))
		l.Eval(dv, v, u, ts)
		scratch := make([]float32, len(v))
		checked := 0
		for i := range v {
			d := float64(v[i]) - float64(u[i])
			if l == LossReference && math.Abs(math.Abs(d)-smoothL1Beta) < 2*h {
				continue
			}
			vi := v[i]
			v[i] = vi + h
			lp := l.Eval(scratch, v, u, ts)
			v[i] = vi - h
			lm := l.Eval(scratch, v, u, ts)
			v[i] = vi
			fd := (lp - lm) / (2 * h)
			// The loss is a float64 sum of about 150 terms of size up
			// to 1/150: its rounding error, about 1e-16, divided by 2h,
			// allows about 1e-12; the gradient itself is rounded to
			// float32, a relative 6e-8.
			if diff := math.Abs(float64(dv[i]) - fd); diff > 1e-11+1e-7*math.Abs(fd) {
				t.Errorf("%v: dL/dv[%d] = %.9g, central difference %.9g", l, i, dv[i], fd)
			}
			checked++
		}
		if checked < len(v)*9/10 {
			t.Errorf("%v: only %d of %d pixels checked", l, checked, len(v))
		}
	}
}

// TestLossAliasing checks that dv may alias v, as documented.
func TestLossAliasing(t *testing.T) {
	v := []float32{0.3, -1, 2, 0.05}
	u := []float32{0.25, 0, 0.5, 0.05}
	ts := []float64{0.5, 0.25}
	for _, l := range []Loss{LossReference, LossMSE} {
		want := make([]float32, 4)
		lw := l.Eval(want, v, u, ts)
		got := append([]float32(nil), v...)
		lg := l.Eval(got, got, u, ts)
		if lg != lw {
			t.Errorf("%v: aliased loss %v, want %v", l, lg, lw)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%v: aliased dv[%d] = %v, want %v", l, i, got[i], want[i])
			}
		}
	}
}

func TestLossNames(t *testing.T) {
	for _, l := range []Loss{LossReference, LossMSE} {
		got, err := ParseLoss(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLoss(%q) = %v, %v", l.String(), got, err)
		}
	}
	if _, err := ParseLoss("l1"); err == nil {
		t.Error("ParseLoss(l1) succeeded")
	}
}

func TestLossPanics(t *testing.T) {
	mustPanic(t, "length mismatch", func() { LossMSE.Eval(make([]float32, 3), make([]float32, 4), make([]float32, 4), []float64{0.5}) })
	mustPanic(t, "batch does not divide", func() {
		LossMSE.Eval(make([]float32, 5), make([]float32, 5), make([]float32, 5), []float64{0.5, 0.5})
	})
	mustPanic(t, "unknown loss", func() { Loss(9).Eval(make([]float32, 2), make([]float32, 2), make([]float32, 2), []float64{0.5}) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}
