package flowmatch

import (
	"fmt"
	"math"
	"strings"
)

// Loss selects the training objective. Both compare the network's velocity
// v = v_θ(x_t, t) with the path's target u over a batch; each is computed in
// float64 together with its exact gradient dL/dv.
type Loss int

const (
	// LossReference is the reference recipe's loss (docs/reference.md,
	// the tutorial's flow_matching_loss): per-pixel smooth L1 with β = 0.1,
	// each sample weighted by w_b = t_b(1 − t_b)/(mean_b t_b(1 − t_b) +
	// 1e-8), averaged over all pixels, plus 3e-5·mean(v²). It is the zero
	// value.
	LossReference Loss = iota
	// LossMSE is the plain conditional flow-matching loss of Lipman et al.
	// (2023, eq. 9 with the OT path): mean((v − u)²) over all pixels.
	LossMSE
)

// The reference loss's constants (docs/reference.md; the tutorial's
// flow_matching_loss(beta=0.1, lam=3e-5) and its w.mean() + 1e-8).
const (
	smoothL1Beta = 0.1
	velocityReg  = 3e-5
	weightEps    = 1e-8
)

var lossNames = [...]string{LossReference: "reference", LossMSE: "mse"}

// String returns "reference" or "mse".
func (l Loss) String() string {
	if l >= 0 && int(l) < len(lossNames) {
		return lossNames[l]
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// ParseLoss returns the Loss called name ("reference" or "mse",
// case-insensitive).
func ParseLoss(name string) (Loss, error) {
	for i, n := range lossNames {
		if strings.EqualFold(n, name) {
			return Loss(i), nil
		}
	}
	return 0, fmt.Errorf("flowmatch: unknown loss %q (want reference or mse)", name)
}

// MarshalText implements encoding.TextMarshaler, so a Config's JSON names
// the loss.
func (l Loss) MarshalText() ([]byte, error) {
	if l < 0 || int(l) >= len(lossNames) {
		return nil, fmt.Errorf("flowmatch: invalid loss %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Loss) UnmarshalText(b []byte) error {
	v, err := ParseLoss(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Eval returns the loss of the velocities v against the targets u for a
// batch of len(t) samples (sample b at time t[b]; v and u hold the samples
// one after the other) and writes dL/dv to dv. dv may alias v. It panics
// with a "flowmatch: ..." message if the lengths disagree or l is not a
// known Loss.
func (l Loss) Eval(dv, v, u []float32, t []float64) float64 {
	if len(v) != len(u) || len(dv) != len(v) || len(t) == 0 || len(v)%len(t) != 0 {
		panic(fmt.Sprintf("flowmatch: loss: lengths dv %d, v %d, u %d for %d times", len(dv), len(v), len(u), len(t)))
	}
	switch l {
	case LossReference:
		return referenceLoss(dv, v, u, t)
	case LossMSE:
		return mseLoss(dv, v, u)
	}
	panic(fmt.Sprintf("flowmatch: invalid loss %d", int(l)))
}

// referenceLoss: with N = len(v), d = v − u and the smooth-L1 function
// s(d) = d²/(2β) for |d| < β, |d| − β/2 otherwise (torch.nn.SmoothL1Loss),
//
//	L = (1/N)·Σ_b w_b·Σ_p s(d_bp) + λ·(1/N)·Σ v²,
//	dL/dv_bp = w_b·s'(d_bp)/N + 2λ·v_bp/N,
//
// s'(d) = d/β inside, sign(d) outside. The weights w_b depend on t only, so
// they contribute no gradient.
func referenceLoss(dv, v, u []float32, t []float64) float64 {
	B := len(t)
	P := len(v) / B
	var wmean float64
	for _, tb := range t {
		wmean += tb * (1 - tb)
	}
	wmean /= float64(B)
	invN := 1 / float64(len(v))
	var loss float64
	for b, tb := range t {
		w := tb * (1 - tb) / (wmean + weightEps)
		var sl, sv float64
		for i := b * P; i < (b+1)*P; i++ {
			vi := float64(v[i])
			d := vi - float64(u[i])
			var s, g float64
			if a := math.Abs(d); a < smoothL1Beta {
				s, g = 0.5*d*d/smoothL1Beta, d/smoothL1Beta
			} else {
				s, g = a-0.5*smoothL1Beta, math.Copysign(1, d)
			}
			sl += s
			sv += vi * vi
			dv[i] = float32((w*g + 2*velocityReg*vi) * invN)
		}
		loss += (w*sl + velocityReg*sv) * invN
	}
	return loss
}

// mseLoss: L = (1/N)·Σ (v − u)², dL/dv = 2(v − u)/N.
func mseLoss(dv, v, u []float32) float64 {
	invN := 1 / float64(len(v))
	var loss float64
	for i := range v {
		d := float64(v[i]) - float64(u[i])
		loss += d * d
		dv[i] = float32(2 * d * invN)
	}
	return loss * invN
}
