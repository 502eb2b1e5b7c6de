package flowmatch

import "math"

// LearningRate returns the learning rate of step n (counted from 0) for a
// cosine horizon of horizon steps (see Config.ScheduleSteps):
//
//	n < W:            LR·(n+1)/W                                  (linear warm-up, W = WarmupSteps)
//	W ≤ n, Cosine:    FinalLR + (LR − FinalLR)·(1 + cos(π·p))/2,   p = min(1, (n − W)/(horizon − W))
//	otherwise:        LR
//
// the warm-up and cosine annealing of Loshchilov & Hutter, "SGDR" (ICLR
// 2017, eq. 5, one cycle without restarts) as in PyTorch's
// CosineAnnealingLR. A horizon of at most W (including 0, not yet known)
// keeps LR after the warm-up. Zero fields have their Config meaning.
func (c Config) LearningRate(n, horizon int) float64 {
	c = c.withDefaults()
	w := c.WarmupSteps
	if n < w {
		return c.LR * float64(n+1) / float64(w)
	}
	if !c.Cosine || horizon <= w {
		return c.LR
	}
	p := math.Min(1, float64(n-w)/float64(horizon-w))
	return c.FinalLR + (c.LR-c.FinalLR)*(1+math.Cos(math.Pi*p))/2
}

// stepsPerEpoch is the number of steps in one pass over n images in
// batches of b, the last one partial (PyTorch's DataLoader with
// drop_last=False).
func stepsPerEpoch(n, b int) int { return (n + b - 1) / b }
