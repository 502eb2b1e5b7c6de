package flowmatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Config is a training run: the network, the optimiser and its schedule,
// how long to train, the random seed and where to keep checkpoints. Every
// field's zero value is documented, and the zero Config is the reference
// recipe of REFERENCE.md (see ReferenceConfig), with the EMA warm-up that
// REFERENCE.md requires; DefaultConfig is the configuration that trains
// recognisable digits on two CPU cores in about 15 minutes.
//
// The fields fall in two groups. The recipe (Base to Loss) fixes what a
// training step computes and cannot change when a run is resumed. The run
// limits and checkpointing (Epochs to CheckpointSteps) only say when to stop
// and where to write, and may be changed on Resume.
type Config struct {
	// Base is the VelocityNet's channel count at full resolution (the
	// half-resolution stage has 2·Base). Zero means 64, the reference
	// network (1,135,361 parameters); 32 has 334,337. It must be a
	// multiple of 8, the number of GroupNorm groups.
	Base int `json:"base"`
	// TimeDim is the width of the time embedding and its MLP. Zero means
	// 128, the reference.
	TimeDim int `json:"time_dim"`
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
	// nn.EMA): REFERENCE.md measured that a cold average is still noise
	// after a CPU-sized run.
	EMADecay float64 `json:"ema_decay"`
	// Seed selects the initial weights, the data order and every draw of
	// noise and time. Zero is a seed like any other.
	Seed uint64 `json:"seed"`
	// Loss is the objective. Zero means LossReference.
	Loss Loss `json:"loss"`

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

// ReferenceConfig returns the tutorial's exact recipe (REFERENCE.md): the
// full network (Base 64), batch 256, constant learning rate 2e-4, 50 epochs,
// the reference loss and an EMA of decay 0.999, which here warms up. It is
// the zero Config with its defaults written out. On two CPU cores one epoch
// takes about 23 minutes (REFERENCE.md).
func ReferenceConfig() Config {
	return Config{
		Base:     64,
		TimeDim:  128,
		Batch:    256,
		LR:       2e-4,
		EMADecay: 0.999,
		Loss:     LossReference,
		Epochs:   50,
	}
}

// DefaultConfig returns the configuration windrose ships, chosen by
// measurement to make recognisable digits in 15 minutes of training on two
// CPU cores: a network of 3/8 the reference width (Base 24, 212,161
// parameters), batch 32, AdamW at 3e-3 with 200 warm-up steps and a cosine
// decay to zero over the time budget, the plain MSE loss and the warmed-up
// EMA of decay 0.999. In the pilot runs behind it (docs/flowmatch.md: 4 to 5
// minutes each on the shared cores, judged by eye and by a classifier), the
// runs that took more optimiser steps in their time made more readable
// digits, and REFERENCE.md's starting point (Base 32, batch 64, lr 1e-3)
// made the fewest.
func DefaultConfig() Config {
	return Config{
		Base:        24,
		TimeDim:     128,
		Batch:       32,
		LR:          3e-3,
		WarmupSteps: 200,
		Cosine:      true,
		EMADecay:    0.999,
		Loss:        LossMSE,
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
// reference's.
const groups = 8

// Validate reports the first field that cannot be trained with, after the
// zero values have been given their meaning.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("flowmatch: Config.%s = %v, want %s", field, v, want)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Base < 0 || c.Base%groups != 0:
		return bad("Base", c.Base, "a positive multiple of 8")
	case c.TimeDim < 4 || c.TimeDim%2 != 0:
		return bad("TimeDim", c.TimeDim, "an even number ≥ 4")
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
	return nil
}

// sameRecipe reports the first recipe field in which a and b (both with
// defaults applied) differ, or "" if none does.
func sameRecipe(a, b Config) string {
	switch {
	case a.Base != b.Base:
		return "Base"
	case a.TimeDim != b.TimeDim:
		return "TimeDim"
	case a.Batch != b.Batch:
		return "Batch"
	case a.LR != b.LR:
		return "LR"
	case a.WarmupSteps != b.WarmupSteps:
		return "WarmupSteps"
	case a.Cosine != b.Cosine:
		return "Cosine"
	case a.FinalLR != b.FinalLR:
		return "FinalLR"
	case a.ScheduleSteps != b.ScheduleSteps:
		return "ScheduleSteps"
	case a.EMADecay != b.EMADecay:
		return "EMADecay"
	case a.Seed != b.Seed:
		return "Seed"
	case a.Loss != b.Loss:
		return "Loss"
	}
	return ""
}

// marshalConfig returns c as JSON for checkpoint metadata.
func marshalConfig(c Config) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("flowmatch: internal error: " + err.Error())
	}
	return string(b)
}

// unmarshalConfig parses JSON written by marshalConfig, refusing unknown
// fields so that a checkpoint from another program is not half-read.
func unmarshalConfig(s string) (Config, error) {
	var c Config
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
