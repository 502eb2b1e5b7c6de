package flowmatch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/windrose/windrose/nn"
)

// Trainer trains a velocity network (Config.Arch) by conditional flow
// matching on a Dataset. Create one with NewTrainer (a new run) or Resume (a run continued
// from its checkpoint), then call Train, as often as wanted: each call
// continues where the last one stopped.
//
// Everything a step draws at random (the data order, the times t and the
// noise x0) comes from generators whose state is in the checkpoint, and
// every computation is deterministic, so a run interrupted and resumed
// produces bit-identical weights to one that never stopped.
//
// A Trainer is not safe for concurrent use.
type Trainer struct {
	// Progress, when not nil, is called after every step with the state of
	// the run. It runs on the training goroutine: keep it short.
	Progress func(Progress)
	// AfterSave, when not nil, is called after every checkpoint is
	// written, with its path: the place for a loss curve beside it (see
	// Losses). An error it returns stops training like a failed save.
	AfterSave func(path string) error

	cfg   Config // with defaults applied
	data  Dataset
	shape [3]int // channels, height, width of a sample
	net   Network
	opt   *nn.AdamW
	ema   *nn.EMA
	src   *rand.PCG // times and noise
	rng   *rand.Rand
	st    trainState
	perm  []int // data order of the current epoch

	losses []float32 // loss of every step since the start of training

	// Step buffers, sized for a full batch and reused.
	x1, x0, xt, u, v, dv nn.Tensor
	times                []float64
	coupling             []int // OT assignment of the batch
	coupler              OTCoupler

	// lastFit is when estimateHorizon last fitted the horizon;
	// horizonFixed is set once the fit is final.
	lastFit      time.Time
	horizonFixed bool

	// lossHook, when set (tests only), replaces each step's loss.
	lossHook func(step int, loss float64) float64
}

// trainState is where a run stands; it is saved in the checkpoint.
type trainState struct {
	step    int     // optimiser steps taken
	images  int     // images seen: Σ of the batch sizes
	epoch   int     // passes completed
	index   int     // position in the current epoch's permutation
	horizon int     // cosine horizon in steps; 0 until known
	seconds float64 // training time of the earlier Train calls
}

// StopReason says why Train returned.
type StopReason int

const (
	// StopEpochs: Config.Epochs passes over the data are done.
	StopEpochs StopReason = iota + 1
	// StopDuration: the training time reached Config.Duration.
	StopDuration
	// StopMaxSteps: the step count reached Config.MaxSteps.
	StopMaxSteps
	// StopCanceled: the context was canceled (Ctrl-C in the CLI).
	StopCanceled
	// StopNonFinite: a step produced a NaN or infinite loss or weights.
	StopNonFinite
)

var stopNames = [...]string{"", "epochs done", "time budget reached", "step limit reached", "canceled", "non-finite loss"}

// String describes the reason.
func (r StopReason) String() string {
	if r > 0 && int(r) < len(stopNames) {
		return stopNames[r]
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// TrainResult sums up a Train call.
type TrainResult struct {
	// Stop is why training stopped.
	Stop StopReason
	// Steps, Images and Epoch are the totals since the start of training
	// (across resumes): optimiser steps, images seen, completed passes.
	Steps, Images, Epoch int
	// Loss is the mean loss of the last 100 steps (fewer if there were
	// fewer); NaN if no step was taken.
	Loss float64
	// Elapsed is the wall time of this call.
	Elapsed time.Duration
	// Checkpoint is the last checkpoint written by this call; empty if
	// none was.
	Checkpoint string
}

// Progress is the state of a run after a step, for progress displays.
type Progress struct {
	Step, Epoch, Images int
	// Loss is the loss of this step, LR the learning rate it used.
	Loss, LR float64
	// ImagesPerSec is a smoothed training speed; 0 before it is known.
	ImagesPerSec float64
	// Elapsed is the wall time of this Train call so far.
	Elapsed time.Duration
	// Fraction is how far the run is toward its nearest limit (epochs,
	// duration or steps), in [0, 1]; ETA is the estimated time left, or
	// −1 while unknown.
	Fraction float64
	ETA      time.Duration
}

// NonFiniteError reports a training step whose loss, or whose updated
// weights, were not finite. Training stops without writing a checkpoint,
// so the last good one on disk is kept.
type NonFiniteError struct {
	// Step is the 1-based number of the failing step.
	Step int
	// Loss is the step's loss (NaN or ±Inf), or the finite loss of the
	// step whose update made the weights non-finite.
	Loss float64
	// Weights is true when the loss was finite but the weights were not.
	Weights bool
}

func (e *NonFiniteError) Error() string {
	if e.Weights {
		return fmt.Sprintf("flowmatch: non-finite weights after step %d (loss %g); training stopped, the last checkpoint is kept", e.Step, e.Loss)
	}
	return fmt.Sprintf("flowmatch: non-finite loss %g at step %d; training stopped, the last checkpoint is kept", e.Loss, e.Step)
}

// NewTrainer returns a Trainer for a new run of cfg on data, whose sample
// shape must suit the network (see Config.NewNetwork). The initial weights
// are drawn from cfg.Seed.
func NewTrainer(cfg Config, data Dataset) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	shape, err := checkData(data)
	if err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	t := &Trainer{cfg: cfg, data: data, shape: shape}
	if t.net, err = cfg.NewNetwork(shape[0], shape[1], shape[2], rand.New(rand.NewPCG(cfg.Seed, streamInit))); err != nil {
		return nil, err
	}
	t.opt = nn.NewAdamW(t.net.Params(), cfg.LR)
	t.ema = nn.NewEMA(t.net.Params(), cfg.EMADecay)
	t.src = rand.NewPCG(cfg.Seed, streamNoise)
	t.rng = rand.New(t.src)
	if cfg.ScheduleSteps > 0 {
		t.st.horizon = cfg.ScheduleSteps
	} else if cfg.Duration == 0 {
		t.st.horizon = stepHorizon(cfg, data.Len())
	}
	t.perm = permutation(cfg.Seed, 0, data.Len())
	return t, nil
}

// checkData returns the sample shape of data, or why it cannot be trained
// on.
func checkData(data Dataset) ([3]int, error) {
	if data == nil || data.Len() <= 0 {
		return [3]int{}, errors.New("flowmatch: no training data")
	}
	c, h, w := data.Shape()
	if c < 1 || h < 1 || w < 1 || c > maxChannels || h > maxSide || w > maxSide {
		return [3]int{}, fmt.Errorf("flowmatch: samples of shape %d×%d×%d; want 1 to %d channels of 1 to %d × %d", c, h, w, maxChannels, maxSide, maxSide)
	}
	return [3]int{c, h, w}, nil
}

// Config returns the run's configuration, with defaults applied.
func (t *Trainer) Config() Config { return t.cfg }

// Net returns the network being trained (the raw weights, not the EMA).
func (t *Trainer) Net() Network { return t.net }

// Shape returns the shape of one sample: channels, height, width.
func (t *Trainer) Shape() (channels, height, width int) { return t.shape[0], t.shape[1], t.shape[2] }

// Horizon returns the cosine horizon in steps (Config.ScheduleSteps), as
// fitted to the time budget or given; 0 while a timed run has not fitted
// it yet.
func (t *Trainer) Horizon() int { return t.st.horizon }

// Epoch returns the number of passes over the data completed since the
// start of training.
func (t *Trainer) Epoch() int { return t.st.epoch }

// Images returns the number of samples seen since the start of training.
func (t *Trainer) Images() int { return t.st.images }

// Step returns the number of steps taken since the start of training.
func (t *Trainer) Step() int { return t.st.step }

// Losses returns the loss of every step since the start of training. The
// slice is the Trainer's: do not modify it.
func (t *Trainer) Losses() []float32 { return t.losses }

// Model returns a Model holding a copy of the EMA weights, the weights to
// sample with.
func (t *Trainer) Model() *Model {
	net, err := t.cfg.NewNetwork(t.shape[0], t.shape[1], t.shape[2], rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		panic("flowmatch: internal error: " + err.Error()) // built once already
	}
	t.ema.CopyTo(net.Params())
	return &Model{Net: net, Config: t.cfg, Shape: t.shape, Step: t.st.step, Images: t.st.images}
}

// Train runs training steps until a limit of the Config is reached or ctx
// is done, then writes a checkpoint (when Config.Checkpoint is set) and
// returns. Checkpoints are also written every Config.CheckpointEvery and
// every Config.CheckpointSteps steps, each followed by AfterSave.
//
// When ctx is done Train saves and returns the TrainResult with Stop =
// StopCanceled and ctx's error. A step whose loss, or whose updated
// weights, are not finite stops training with a *NonFiniteError, without
// writing a checkpoint. Errors writing a checkpoint are returned as they
// happen, stopping training.
func (t *Trainer) Train(ctx context.Context) (*TrainResult, error) {
	start := time.Now()
	res := &TrainResult{}
	defer func() { t.st.seconds += time.Since(start).Seconds() }()
	finish := func(reason StopReason, err error) (*TrainResult, error) {
		if t.cfg.Checkpoint != "" && reason != StopNonFinite {
			if !t.finiteWeights() {
				return t.result(res, StopNonFinite, start), &NonFiniteError{Step: t.st.step, Loss: t.lastLoss(), Weights: true}
			}
			if serr := t.checkpoint(start); serr != nil {
				return t.result(res, reason, start), errors.Join(err, serr)
			}
			res.Checkpoint = t.cfg.Checkpoint
		}
		return t.result(res, reason, start), err
	}

	lastSave := start
	var firstStepDone time.Time
	stepsAtFirst := 0
	var speed float64 // smoothed images per second
	prev := start
	for {
		if err := ctx.Err(); err != nil {
			return finish(StopCanceled, err)
		}
		if r := t.limitReached(start); r != 0 {
			return finish(r, nil)
		}
		b := min(t.cfg.Batch, t.data.Len()-t.st.index)
		loss, lr := t.step(b)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return finish(StopNonFinite, &NonFiniteError{Step: t.st.step + 1, Loss: loss})
		}
		t.advance(b, loss)

		now := time.Now()
		if firstStepDone.IsZero() {
			// The first step allocates every buffer: leave it out of
			// the speed measurements.
			firstStepDone, stepsAtFirst = now, t.st.step
		} else {
			inst := float64(b) / now.Sub(prev).Seconds()
			if speed == 0 {
				speed = inst
			} else {
				speed += 0.05 * (inst - speed) // about the last 20 steps
			}
		}
		prev = now
		t.estimateHorizon(start, firstStepDone, stepsAtFirst, now)

		if t.Progress != nil {
			frac, eta := t.remaining(start, now, speed)
			t.Progress(Progress{
				Step: t.st.step, Epoch: t.st.epoch, Images: t.st.images,
				Loss: loss, LR: lr, ImagesPerSec: speed,
				Elapsed: now.Sub(start), Fraction: frac, ETA: eta,
			})
		}

		due := now.Sub(lastSave) >= t.cfg.CheckpointEvery ||
			t.cfg.CheckpointSteps > 0 && t.st.step%t.cfg.CheckpointSteps == 0
		if t.cfg.Checkpoint != "" && due {
			if !t.finiteWeights() {
				return t.result(res, StopNonFinite, start), &NonFiniteError{Step: t.st.step, Loss: loss, Weights: true}
			}
			if err := t.checkpoint(start); err != nil {
				return t.result(res, 0, start), err
			}
			res.Checkpoint = t.cfg.Checkpoint
			lastSave = time.Now()
		}
	}
}

// lastLoss returns the loss of the last step, NaN before the first.
func (t *Trainer) lastLoss() float64 {
	if len(t.losses) == 0 {
		return math.NaN()
	}
	return float64(t.losses[len(t.losses)-1])
}

// result fills res with the totals.
func (t *Trainer) result(res *TrainResult, reason StopReason, start time.Time) *TrainResult {
	res.Stop = reason
	res.Steps, res.Images, res.Epoch = t.st.step, t.st.images, t.st.epoch
	res.Elapsed = time.Since(start)
	n := min(100, len(t.losses))
	res.Loss = math.NaN()
	if n > 0 {
		var s float64
		for _, l := range t.losses[len(t.losses)-n:] {
			s += float64(l)
		}
		res.Loss = s / float64(n)
	}
	return res
}

// trained returns the training time since the start of the run: the
// earlier Train calls' and this one's, begun at start.
func (t *Trainer) trained(start time.Time) time.Duration {
	return time.Duration(t.st.seconds*float64(time.Second)) + time.Since(start)
}

// limitReached returns the reason to stop before the next step, or 0.
func (t *Trainer) limitReached(start time.Time) StopReason {
	switch {
	case t.st.epoch >= t.cfg.Epochs:
		return StopEpochs
	case t.cfg.MaxSteps > 0 && t.st.step >= t.cfg.MaxSteps:
		return StopMaxSteps
	case t.cfg.Duration > 0 && t.trained(start) >= t.cfg.Duration:
		return StopDuration
	}
	return 0
}

// step computes the loss of one batch of b samples at the current
// position and, when it is finite, updates the weights and the EMA. It
// returns the loss and the learning rate used.
func (t *Trainer) step(b int) (loss, lr float64) {
	C, H, W := t.shape[0], t.shape[1], t.shape[2]
	idx := t.perm[t.st.index : t.st.index+b]
	for _, x := range []*nn.Tensor{&t.x1, &t.x0, &t.xt, &t.u, &t.v, &t.dv} {
		x.Resize(b, C, H, W)
	}
	t.data.Batch(t.x1.Data, idx)
	// The tutorial's order of draws: the times, then the noise.
	t.times = t.times[:0]
	for range b {
		t.times = append(t.times, t.cfg.sampleTime(t.rng))
	}
	for i := range t.x0.Data {
		t.x0.Data[i] = float32(t.rng.NormFloat64())
	}
	if t.cfg.OTCoupling {
		if cap(t.coupling) < b {
			t.coupling = make([]int, b)
		}
		t.coupler.Couple(t.coupling[:b], t.x0.Data, t.x1.Data, C*H*W)
	}
	path := Path{Sigma: t.cfg.SigmaMin, TEps: TEps}
	path.Interpolate(t.xt.Data, t.u.Data, t.x0.Data, t.x1.Data, t.times)
	// The batch is made on the host; on a resident backend (a GPU) the
	// network's input, output and output gradient cross over here, and
	// everything else of the step stays on the device.
	t.xt.HostChanged()
	t.net.Forward(&t.v, &t.xt, t.times)
	loss = t.cfg.Loss.Eval(t.dv.Data, t.v.ToHost(), t.u.Data, t.times)
	t.dv.HostChanged()
	if t.lossHook != nil {
		loss = t.lossHook(t.st.step+1, loss)
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, 0
	}
	nn.ZeroGrad(t.net.Params())
	t.net.Backward(nil, &t.dv)
	if t.cfg.ClipNorm > 0 {
		// On the network's backend: on a GPU the gradients stay there.
		nn.ClipGradNorm(t.net.Params(), t.cfg.ClipNorm, nil)
	}
	lr = t.cfg.LearningRate(t.st.step, t.st.horizon)
	t.opt.LR = lr
	t.opt.Step()
	t.ema.Update(t.net.Params())
	return loss, lr
}

// advance moves the run's position past a step of b images.
func (t *Trainer) advance(b int, loss float64) {
	t.st.step++
	t.st.images += b
	t.st.index += b
	t.losses = append(t.losses, float32(loss))
	if t.st.index == t.data.Len() {
		t.st.epoch++
		t.st.index = 0
		t.perm = permutation(t.cfg.Seed, t.st.epoch, t.data.Len())
	}
}

// stepHorizon is the cosine horizon of a run without a time budget: its
// first step limit, Epochs' worth of steps or MaxSteps.
func stepHorizon(cfg Config, n int) int {
	h := cfg.Epochs * stepsPerEpoch(n, cfg.Batch)
	if cfg.MaxSteps > 0 {
		h = min(h, cfg.MaxSteps)
	}
	return h
}

// horizonProbe is how long Train measures its speed before it first fits a
// cosine horizon to Config.Duration: long enough to average over a few
// dozen steps of a small network, short against a run of minutes.
// horizonRefresh is how often the fit is then redone while the learning
// rate is still warming up (it does not depend on the horizon then): the
// machines are shared, and a speed measured in the first seconds alone can
// be off by a factor of two (measured in the pilot runs of
// docs/flowmatch.md: 15 s at one load, minutes at another).
// They are variables so that tests can shorten them.
var (
	horizonProbe   = 15 * time.Second
	horizonRefresh = 10 * time.Second
)

// estimateHorizon fits the cosine horizon of a time-limited run (Duration
// set, ScheduleSteps not) to the time left, from the mean speed of this
// Train call since its first step (since its start when only one step was
// taken). While the learning rate warms up, which does not depend on the
// horizon, the fit is refreshed for the progress display; at the end of
// the warm-up it is made for good, before the first step that depends on
// it. Every learning rate of the run then follows from that one horizon,
// which the checkpoint records (schedule_steps), so that a run limited by
// steps with ScheduleSteps set to it reproduces the timed run exactly. A
// run without warm-up fits once after horizonProbe, and its steps before
// the fit take the peak rate: it is not reproducible that way.
func (t *Trainer) estimateHorizon(start, first time.Time, stepsAtFirst int, now time.Time) {
	if t.cfg.Duration == 0 || t.cfg.ScheduleSteps > 0 || t.horizonFixed {
		return
	}
	w := t.cfg.WarmupSteps
	final := w > 0 && t.st.step >= w
	measured, steps := now.Sub(first), t.st.step-stepsAtFirst
	if steps < 1 {
		measured, steps = now.Sub(start), t.st.step
	}
	if !final {
		if measured < horizonProbe || steps < 5 {
			return
		}
		if t.st.horizon > 0 && now.Sub(t.lastFit) < horizonRefresh {
			return
		}
	}
	if steps < 1 || measured <= 0 {
		return
	}
	t.lastFit = now
	perStep := measured.Seconds() / float64(steps)
	left := (t.cfg.Duration - t.trained(start)).Seconds()
	h := t.st.step + int(math.Max(0, left)/perStep)
	h = min(h, stepHorizon(t.cfg, t.data.Len())) // never beyond the step limits
	t.st.horizon = max(h, t.st.step+1)
	t.horizonFixed = final || w == 0
}

// remaining returns the fraction of the run done toward its nearest limit
// and the estimated time left (−1 when unknown).
func (t *Trainer) remaining(start, now time.Time, speed float64) (float64, time.Duration) {
	frac := float64(t.st.images) / float64(t.cfg.Epochs*t.data.Len())
	eta := time.Duration(-1)
	if speed > 0 {
		eta = time.Duration(float64(t.cfg.Epochs*t.data.Len()-t.st.images) / speed * float64(time.Second))
	}
	if t.cfg.MaxSteps > 0 {
		f := float64(t.st.step) / float64(t.cfg.MaxSteps)
		if f > frac {
			frac = f
		}
		if speed > 0 {
			e := time.Duration(float64((t.cfg.MaxSteps-t.st.step)*t.cfg.Batch) / speed * float64(time.Second))
			if eta < 0 || e < eta {
				eta = e
			}
		}
	}
	if d := t.cfg.Duration; d > 0 {
		el := t.trained(start)
		if f := el.Seconds() / d.Seconds(); f > frac {
			frac = f
		}
		if e := d - el; eta < 0 || e < eta {
			eta = max(e, 0)
		}
	}
	return min(max(frac, 0), 1), eta
}

// finiteWeights reports whether every weight and every EMA weight is
// finite.
func (t *Trainer) finiteWeights() bool {
	for _, ps := range [][]*nn.Param{t.net.Params(), t.ema.Params()} {
		for _, p := range ps {
			for _, v := range p.Value.ToHost() {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return false
				}
			}
		}
	}
	return true
}

// Train is NewTrainer followed by Trainer.Train: it trains a new run of cfg
// on data and returns the Trainer (for its Model) and the TrainResult.
func Train(ctx context.Context, cfg Config, data Dataset) (*Trainer, *TrainResult, error) {
	t, err := NewTrainer(cfg, data)
	if err != nil {
		return nil, nil, err
	}
	res, err := t.Train(ctx)
	return t, res, err
}
