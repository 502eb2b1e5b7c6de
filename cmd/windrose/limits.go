package main

import (
	"fmt"

	"github.com/windrose/windrose/flowmatch"
)

// Size flags (sample -batch, interpolate -k, train -base and -batch,
// solve -saveat, a -steps count on a non-uniform -grid) decide how much
// memory a command allocates. A value whose memory is absurd used to panic
// in makeslice or end with the process killed out of memory (issue 11); it
// is now a usage error that states the limit. sample -n no longer counts:
// sample streams, holding one batch at a time.

// memLimit bounds the memory that the size flags of one command may imply:
// 16 GiB. It is far above every windrose workload (the reference training
// run, base 64 and batch 256, counts 0.4 GiB by the lower bound of
// checkTrainMemory; 60,000 samples take 0.44 GiB) and below what a machine
// that runs them can be assumed to have, so it refuses only values that
// could not run. The counts below are lower bounds for the same reason.
const memLimit = 16 << 30

// memLimitText is memLimit for messages.
const memLimitText = "16 GiB"

// imageBytes is the memory one 28×28 sample needs while interpolate holds
// all of them: its noise and its state (float32 each) and
// its grey levels and its place in the PNG grid (a byte each).
const imageBytes = 784 * (4 + 4 + 1 + 1)

// netMapsInference and netMapsTraining are lower bounds on the number of
// full-resolution activation maps (Base channels of 28×28 float32) that a
// VelocityNet keeps per sample of a batch: for a forward pass the input
// convolution's, the two full-resolution ResBlocks', the upsampling's and
// their sum (the half-resolution stage, 2·Base channels of 14×14, adds half
// a map per tensor), and for training also the two full-resolution gradient
// buffers. Counting fewer maps than the net holds makes the check accept
// rather than refuse a borderline value.
const (
	netMapsInference = 6
	netMapsTraining  = 8
)

// netSampleBytes is a lower bound on the activation memory per sample of a
// VelocityNet of width base keeping maps maps.
func netSampleBytes(base, maps int) int64 {
	return int64(base) * 28 * 28 * 4 * int64(maps)
}

// checkCount returns a usage error, naming flag (with its value) and what
// is counted, when count items of size bytes each exceed memLimit.
func checkCount(flag string, count, size int64, what string) error {
	if count > 0 && count > memLimit/size {
		return usagef("%s: %s take %s each, so at most %d fit in the %s that a command may use",
			flag, what, formatBytes(float64(size)), memLimit/size, memLimitText)
	}
	return nil
}

// formatBytes formats a byte count with a binary prefix.
func formatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

// checkTrainMemory returns a usage error when training the network of cfg
// (validated) on batches of cfg.Batch 28×28 images needs more than
// memLimit: the weights with their gradients, AdamW moments and EMA (5
// copies, flowmatch.ParamCount) and the activations of a batch.
func checkTrainMemory(cfg flowmatch.Config) error {
	width := fullWidth(cfg)
	if width == 0 {
		width = 64 // the VelocityNet's default Base
	}
	batch := cfg.Batch
	if batch == 0 {
		batch = 256 // Config's default
	}
	weights := 5 * 4 * flowmatch.ParamCount(cfg, [3]int{1, 28, 28})
	acts := float64(batch) * float64(netSampleBytes(width, netMapsTraining))
	if weights+acts > memLimit {
		return usagef("-base %d -batch %d: training needs at least %s (%s of weights, gradients, AdamW moments and EMA, %s of activations), more than the %s that a command may use",
			width, batch, formatBytes(weights+acts), formatBytes(weights), formatBytes(acts), memLimitText)
	}
	return nil
}

// fullWidth returns the channel count at full resolution of the network of
// a (defaulted) Config: the VelocityNet's Base, the UNet's first width, or
// for an MLP, which keeps no image-sized maps, 1.
func fullWidth(c flowmatch.Config) int {
	switch c.Arch {
	case flowmatch.ArchUNet:
		return c.UNet.WithDefaults().Widths()[0]
	case flowmatch.ArchMLP:
		return 1
	}
	return c.Base
}
