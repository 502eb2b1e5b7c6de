package flowmatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/windrose/windrose/nn"
)

// The network families of Config.Arch.
const (
	ArchVelocityNet = "velocitynet"
	ArchUNet        = "unet"
	ArchMLP         = "mlp"
)

// Config is a training run: the network, the probability path and the
// training objective, the optimiser and its schedule, how long to train,
// the random seed and where to keep checkpoints. Every field's zero value
// is documented. ReferenceConfig is the tutorial's recipe, with the EMA
// warm-up that a CPU-sized run needs; DefaultConfig is the recipe windrose
// ships, which the command line trains by default.
//
// The fields fall in two groups. The recipe (Arch to ClipNorm) fixes what
// a training step computes and cannot change when a run is resumed. The
// run limits and checkpointing (Epochs to CheckpointSteps) only say when to
// stop and where to write, and may be changed on Resume.
type Config struct {
	// Arch is the network family: "velocitynet", the reference network
	// sized by Base and TimeDim (the empty string means it), or "unet", the
	// multi-resolution nn.UNet sized by UNet, or "mlp", the nn.MLP for
	// small vectors (point clouds) sized by MLP.
	Arch string `json:"arch,omitempty"`
	// Base is the VelocityNet's channel count at full resolution (the
	// half-resolution stage has 2·Base). Zero means 64, the reference
	// network (1,135,361 parameters); 32 has 334,337. It must be a
	// multiple of 8, the number of GroupNorm groups. Arch "unet" ignores
	// it.
	Base int `json:"base"`
	// TimeDim is the width of the VelocityNet's time embedding and its
	// MLP. Zero means 128, the reference. Arch "unet" ignores it.
	TimeDim int `json:"time_dim"`
	// UNet sizes the network of Arch "unet"; zero fields have
	// nn.UNetConfig's meaning, and its Channels is taken from the data.
	UNet nn.UNetConfig `json:"unet"`
	// MLP sizes the network of Arch "mlp"; zero fields have
	// nn.MLPConfig's meaning, and its Dim is taken from the data.
	MLP nn.MLPConfig `json:"mlp"`
	// Batch is the number of images per step. Zero means 256.
	Batch int `json:"batch"`
	// LR is AdamW's peak learning rate (β = (0.9, 0.999), ε = 1e-8, weight
	// decay 0.01, PyTorch's defaults). Zero means 2e-4.
	LR float64 `json:"lr"`
	// WarmupSteps ramps the learning rate linearly from LR/WarmupSteps at
	// the first step to LR at step WarmupSteps. Zero means no warm-up.
	WarmupSteps int `json:"warmup_steps"`
	// Cosine decays the learning rate after the warm-up along a half
	// cosine from LR to FinalLR over the schedule's horizon (see
	// ScheduleSteps), and keeps FinalLR after it. False keeps LR constant.
	Cosine bool `json:"cosine"`
	// FinalLR is the learning rate at the end of the cosine decay. Zero
	// means zero.
	FinalLR float64 `json:"final_lr"`
	// ScheduleSteps is the cosine horizon, counted in steps from the start
	// of training. Zero means the first limit reached: Epochs' worth of
	// steps or MaxSteps, whichever is smaller, or, when Duration is also
	// set, the smallest of those and the steps that fit in the time left at
	// the speed measured since the start of the Train call: fitted first
	// after 15 seconds and refitted every 10, so that the decay ends with
	// the time budget even when the speed of a shared machine changes. The
	// horizon is stored in the checkpoint, and a resumed run starts from it.
	ScheduleSteps int `json:"schedule_steps"`
	// EMADecay is the largest decay of the exponential moving average of
	// the weights, which sampling uses. Zero means 0.999. The average
	// always warms up (decay min(EMADecay, (1+n)/(10+n)) at update n; see
	// nn.EMA), since a cold average is still noise after a CPU-sized
	// run (docs/reference.md).
	EMADecay float64 `json:"ema_decay"`
	// Seed selects the initial weights, the data order and every draw of
	// noise and time. Zero is a seed like any other.
	Seed uint64 `json:"seed"`
	// Loss is the objective. Zero means LossReference.
	Loss Loss `json:"loss"`
	// SigmaMin is σmin of the probability path (see Path): the width of
	// the Gaussian left around each data point at t = 1. Zero means 0, a
	// path that ends on the data itself (rectified flow, Liu et al. 2022);
	// the tutorial's recipe (ReferenceConfig) has 0.1.
	SigmaMin float64 `json:"sigma_min"`
	// Times is how training times are drawn. Zero means TimesUniform.
	Times TimeDist `json:"times"`
	// TimeLoc and TimeScale are the location m and scale s of
	// TimesLogitNormal. Zero means m = 0; zero scale means s = 1.
	TimeLoc   float64 `json:"time_loc"`
	TimeScale float64 `json:"time_scale"`
	// OTCoupling pairs the noise of each batch with its images by an exact
	// minimum-cost assignment on squared Euclidean distances (minibatch
	// optimal transport; see OTCoupler). False pairs them at random, as
	// the plain conditional flow-matching objective does.
	OTCoupling bool `json:"ot_coupling"`
	// ClipNorm, when positive, rescales the gradient of each step so that
	// its Euclidean norm over all parameters is at most ClipNorm (as
	// PyTorch's clip_grad_norm_). Zero means no clipping.
	ClipNorm float64 `json:"clip_norm"`

	// Epochs bounds the training in passes over the data. Zero means 50,
	// the reference.
	Epochs int `json:"epochs"`
	// Duration bounds the training time, in total over the Train calls of
	// the run (across resumes, like Epochs and MaxSteps). Zero means no
	// time limit.
	Duration time.Duration `json:"duration"`
	// MaxSteps stops training once the step count (from the start of
	// training, across resumes) reaches it. Zero means no limit. It does
	// not change the learning-rate schedule.
	MaxSteps int `json:"max_steps"`
	// Checkpoint is the path of the checkpoint file. Empty means no
	// checkpoints (and no loss curve files).
	Checkpoint string `json:"checkpoint"`
	// CheckpointEvery is the wall-clock interval between checkpoints.
	// Zero means one minute; a kill loses at most this much work.
	CheckpointEvery time.Duration `json:"checkpoint_every"`
	// CheckpointSteps, when positive, also writes a checkpoint every this
	// many steps. Zero means none beyond CheckpointEvery.
	CheckpointSteps int `json:"checkpoint_steps"`
}

// ReferenceConfig returns the tutorial's exact recipe (docs/reference.md): the
// full network (Base 64), batch 256, constant learning rate 2e-4, 50 epochs,
// the reference loss, σmin = 0.1 and an EMA of decay 0.999, which here warms
// up. It is the zero Config with its defaults written out and σmin set. On
// two CPU cores one epoch takes about 23 minutes (docs/reference.md).
func ReferenceConfig() Config {
	return Config{
		Base:     64,
		TimeDim:  128,
		Batch:    256,
		LR:       2e-4,
		EMADecay: 0.999,
		Loss:     LossReference,
		SigmaMin: SigmaMin,
		Epochs:   50,
	}
}

// DefaultConfig returns windrose's default recipe, the one the command line
// trains by default (the shipped model is this recipe at Base 32, trained
// far longer): a three-resolution UNet of widths 16/32/64 at
// 28/14/7 pixels for MNIST (458,721 parameters; nn.UNetConfig's zero
// value but Base 16: at 15 minutes on two cores the narrower network's
// extra steps buy more than the width it gives up, docs/flowmatch.md,
// "Narrower U-Nets"), logit-normal training times (m = 0, s = 1; Esser et al. 2024),
// the straight path σmin = 0 with minibatch optimal-transport coupling
// (Tong et al. 2024), the plain MSE loss, batch 64, AdamW at 2e-3 with 200
// warm-up steps and a cosine decay to zero, gradient norms clipped at 1,
// and the warmed-up EMA of decay 0.999, for 15 minutes. docs/flowmatch.md
// says how it was chosen and what it buys.
func DefaultConfig() Config {
	return Config{
		Arch:        ArchUNet,
		UNet:        nn.UNetConfig{Base: 16},
		Batch:       64,
		LR:          2e-3,
		WarmupSteps: 200,
		Cosine:      true,
		EMADecay:    0.999,
		Loss:        LossMSE,
		Times:       TimesLogitNormal,
		OTCoupling:  true,
		ClipNorm:    1,
		Epochs:      50,
		Duration:    15 * time.Minute,
	}
}

// SmallConfig returns windrose's first default recipe, kept for comparison:
// the reference VelocityNet at 3/8 of its width (Base 24, 212,161
// parameters), batch 32, AdamW at 3e-3 with 200 warm-up steps and a cosine
// decay to zero, the plain MSE loss, uniform times, σmin = 0.1 and the
// warmed-up EMA of decay 0.999, for 15 minutes. It takes many small steps:
// in the pilot runs behind it (docs/flowmatch.md), the runs that took more
// optimiser steps in their time made more readable digits.
func SmallConfig() Config {
	return Config{
		Base:        24,
		TimeDim:     128,
		Batch:       32,
		LR:          3e-3,
		WarmupSteps: 200,
		Cosine:      true,
		EMADecay:    0.999,
		Loss:        LossMSE,
		SigmaMin:    SigmaMin,
		Epochs:      50,
		Duration:    15 * time.Minute,
	}
}

// withDefaults returns c with every zero field that has a default replaced
// by it.
func (c Config) withDefaults() Config {
	if c.Base == 0 {
		c.Base = 64
	}
	if c.TimeDim == 0 {
		c.TimeDim = 128
	}
	if c.Batch == 0 {
		c.Batch = 256
	}
	if c.LR == 0 {
		c.LR = 2e-4
	}
	if c.EMADecay == 0 {
		c.EMADecay = 0.999
	}
	if c.Epochs == 0 {
		c.Epochs = 50
	}
	if c.CheckpointEvery == 0 {
		c.CheckpointEvery = time.Minute
	}
	return c
}

// groups is the GroupNorm group count of every VelocityNet here, the
// reference's. maxBase and maxTimeDim bound the VelocityNet's widths, so
// that neither a flag nor a file can ask for an absurd allocation: 16 and
// 32 times the reference's, far beyond what trains on a CPU.
//
// maxSteps bounds the step count a checkpoint may claim, so that no
// product of it overflows: 2^40 steps are centuries of training.
const (
	maxSteps   = 1 << 40
	groups     = 8
	maxBase    = 1024
	maxTimeDim = 4096
)

// Validate reports the first field that cannot be trained with, after the
// zero values have been given their meaning.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("flowmatch: Config.%s = %v, want %s", field, v, want)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Base < 0 || c.Base%groups != 0 || c.Base > maxBase:
		return bad("Base", c.Base, fmt.Sprintf("a positive multiple of 8 up to %d", maxBase))
	case c.TimeDim < 4 || c.TimeDim%2 != 0 || c.TimeDim > maxTimeDim:
		return bad("TimeDim", c.TimeDim, fmt.Sprintf("an even number in [4, %d]", maxTimeDim))
	case c.Batch < 0:
		return bad("Batch", c.Batch, "> 0")
	case !(c.LR > 0) || !finite(c.LR):
		return bad("LR", c.LR, "a finite value > 0")
	case c.WarmupSteps < 0:
		return bad("WarmupSteps", c.WarmupSteps, "≥ 0")
	case !(c.FinalLR >= 0) || !finite(c.FinalLR):
		return bad("FinalLR", c.FinalLR, "a finite value ≥ 0")
	case c.ScheduleSteps < 0:
		return bad("ScheduleSteps", c.ScheduleSteps, "≥ 0")
	case !(c.EMADecay > 0 && c.EMADecay < 1):
		return bad("EMADecay", c.EMADecay, "in (0, 1)")
	case c.Loss != LossReference && c.Loss != LossMSE:
		return bad("Loss", int(c.Loss), "LossReference or LossMSE")
	case c.Arch != "" && c.Arch != ArchVelocityNet && c.Arch != ArchUNet && c.Arch != ArchMLP:
		return bad("Arch", fmt.Sprintf("%q", c.Arch), `"velocitynet", "unet" or "mlp"`)
	case !(c.SigmaMin >= 0 && c.SigmaMin < 1):
		return bad("SigmaMin", c.SigmaMin, "in [0, 1)")
	case c.Times != TimesUniform && c.Times != TimesLogitNormal:
		return bad("Times", int(c.Times), "TimesUniform or TimesLogitNormal")
	case !finite(c.TimeLoc) || math.Abs(c.TimeLoc) > 10:
		return bad("TimeLoc", c.TimeLoc, "a finite value in [−10, 10]")
	case !(c.TimeScale >= 0 && c.TimeScale <= 10):
		return bad("TimeScale", c.TimeScale, "in [0, 10]")
	case !(c.ClipNorm >= 0) || !finite(c.ClipNorm):
		return bad("ClipNorm", c.ClipNorm, "a finite value ≥ 0")
	case c.Epochs < 0:
		return bad("Epochs", c.Epochs, "≥ 0")
	case c.Duration < 0:
		return bad("Duration", c.Duration, "≥ 0")
	case c.MaxSteps < 0:
		return bad("MaxSteps", c.MaxSteps, "≥ 0")
	case c.CheckpointEvery < 0:
		return bad("CheckpointEvery", c.CheckpointEvery, "≥ 0")
	case c.CheckpointSteps < 0:
		return bad("CheckpointSteps", c.CheckpointSteps, "≥ 0")
	}
	if c.Arch == ArchUNet {
		if err := c.UNet.Validate(); err != nil {
			return fmt.Errorf("flowmatch: Config.UNet: %w", err)
		}
	}
	if c.Arch == ArchMLP {
		m := c.MLP
		if m.Dim == 0 {
			m.Dim = 1 // the data's, checked when the network is built
		}
		if err := m.Validate(); err != nil {
			return fmt.Errorf("flowmatch: Config.MLP: %w", err)
		}
	}
	return nil
}

// marshalConfig returns c as JSON for checkpoint metadata, without
// Checkpoint: that path names a file on the machine that trained, which
// means nothing where a checkpoint or model is shared, and Resume takes the
// path the checkpoint was read from.
func marshalConfig(c Config) string {
	c.Checkpoint = ""
	b, err := json.Marshal(c)
	if err != nil {
		panic("flowmatch: internal error: " + err.Error())
	}
	return string(b)
}

// unmarshalConfig parses JSON written by marshalConfig, refusing unknown
// fields so that a checkpoint from another program is not half-read. Files
// of format version 1 predate SigmaMin, when every run had the tutorial's
// σmin = 0.1: a legacy config reads as that.
func unmarshalConfig(s string, legacy bool) (Config, error) {
	var c Config
	if legacy {
		c.SigmaMin = SigmaMin
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}
