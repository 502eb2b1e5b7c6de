package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/nn"
)

// TrainConfig is the classifier's training recipe. The zero value of each
// field means the default written next to it, the recipe of the shipped
// classifier (docs/eval.md).
type TrainConfig struct {
	// Epochs is the number of passes over the training images; 0 means 3.
	Epochs int
	// BatchSize is the minibatch size; 0 means 128.
	BatchSize int
	// LR is AdamW's peak learning rate; 0 means 2e-3. It decays to zero
	// along a half cosine (Loshchilov & Hutter, "SGDR", ICLR 2017) over
	// the whole run after a linear warm-up of Warmup steps.
	LR float64
	// Warmup is the number of linear warm-up steps; 0 means 100, a
	// negative value none.
	Warmup int
	// WeightDecay is AdamW's decoupled weight decay; 0 means PyTorch's
	// default 0.01, a negative value none.
	WeightDecay float64
	// Seed seeds the initial weights and the shuffling.
	Seed uint64
	// Progress, if not nil, receives a line every LogEvery steps and one
	// per epoch.
	Progress io.Writer
	// LogEvery is the number of steps between progress lines; 0 means 100.
	LogEvery int
}

func (c *TrainConfig) withDefaults() TrainConfig {
	var r TrainConfig
	if c != nil {
		r = *c
	}
	if r.Epochs == 0 {
		r.Epochs = 3
	}
	if r.BatchSize == 0 {
		r.BatchSize = 128
	}
	if r.LR == 0 {
		r.LR = 2e-3
	}
	switch {
	case r.Warmup == 0:
		r.Warmup = 100
	case r.Warmup < 0:
		r.Warmup = 0
	}
	switch {
	case r.WeightDecay == 0:
		r.WeightDecay = 0.01
	case r.WeightDecay < 0:
		r.WeightDecay = 0
	}
	if r.LogEvery == 0 {
		r.LogEvery = 100
	}
	if r.Epochs < 0 || r.BatchSize < 0 || r.LR < 0 || r.LogEvery < 0 {
		panic(fmt.Sprintf("eval: negative training setting in %+v", r))
	}
	return r
}

// TrainResult says what a training run did.
type TrainResult struct {
	// Steps is the number of optimiser steps taken.
	Steps int
	// Images is the number of training images seen.
	Images int
	// Loss is the mean cross-entropy over the last epoch's steps.
	Loss float64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
}

// lrAt returns the learning rate of step n (0-based) of total: linear
// warm-up to peak over warmup steps, then a half cosine to zero.
func lrAt(peak float64, n, warmup, total int) float64 {
	if n < warmup {
		return peak * float64(n+1) / float64(warmup)
	}
	p := float64(n-warmup) / float64(max(1, total-warmup))
	return peak * 0.5 * (1 + math.Cos(math.Pi*p))
}

// TrainClassifier trains a new Classifier on data (MNIST training images and
// labels) with cfg (nil means the defaults). A cancelled ctx stops it between
// steps and returns the classifier as it is with ctx's error. A non-finite
// loss stops it with an error.
func TrainClassifier(ctx context.Context, data *mnist.Dataset, cfg *TrainConfig) (*Classifier, TrainResult, error) {
	c := cfg.withDefaults()
	im := data.Images
	if im.Rows != imageSide || im.Cols != imageSide {
		panic(fmt.Sprintf("eval: training images are %d×%d, want 28×28", im.Rows, im.Cols))
	}
	if im.N == 0 {
		panic("eval: no training images")
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(c.Seed, 0x5eed_c1a5))
	net := NewClassifier(rng)
	opt := nn.NewAdamW(net.Params(), c.LR)
	opt.WeightDecay = c.WeightDecay

	bs := min(c.BatchSize, im.N)
	perEpoch := im.N / bs // the last partial batch is dropped, as drop_last
	total := perEpoch * c.Epochs
	x := nn.NewTensor(bs, 1, imageSide, imageSide)
	logits := nn.NewTensor(bs, Classes)
	dlogits := nn.NewTensor(bs, Classes)
	labels := make([]uint8, bs)
	order := make([]int, im.N)
	for i := range order {
		order[i] = i
	}
	var res TrainResult
	for epoch := range c.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var sum float64
		for s := range perEpoch {
			if err := ctx.Err(); err != nil {
				res.Elapsed = time.Since(start)
				return net, res, err
			}
			idx := order[s*bs : (s+1)*bs]
			im.ScaledBatch(x.Data, idx)
			x.HostChanged()
			for k, i := range idx {
				labels[k] = data.Labels[i]
			}
			nn.ZeroGrad(net.Params())
			net.Forward(logits, x)
			loss := CrossEntropy(dlogits, logits, labels)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				res.Elapsed = time.Since(start)
				return net, res, fmt.Errorf("eval: training loss %v at step %d", loss, res.Steps)
			}
			net.Backward(dlogits)
			opt.LR = lrAt(c.LR, res.Steps, c.Warmup, total)
			opt.Step()
			res.Steps++
			res.Images += bs
			sum += loss
			if c.Progress != nil && res.Steps%c.LogEvery == 0 {
				fmt.Fprintf(c.Progress, "step %d/%d epoch %d loss %.4f lr %.2e %.0f img/s\n",
					res.Steps, total, epoch+1, loss, opt.LR, float64(res.Images)/time.Since(start).Seconds())
			}
		}
		res.Loss = sum / float64(perEpoch)
		if c.Progress != nil {
			fmt.Fprintf(c.Progress, "epoch %d: mean loss %.4f, %v\n", epoch+1, res.Loss, time.Since(start).Round(time.Second))
		}
	}
	res.Elapsed = time.Since(start)
	return net, res, nil
}
