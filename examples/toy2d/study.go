package main

import (
	"context"
	"fmt"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/ode"
)

// The random streams of drawTarget, one per use of the seed.
const (
	streamTrain = 1
	streamRef   = 2
	streamNull  = 3 // streamNull + i for the i-th null sample
)

// options are the choices of one study.
type options struct {
	data       string // the target's name
	steps      int    // fixed steps of Euler, midpoint and RK4
	trainSteps int    // optimiser steps of each training run
	trainSize  int    // points in the training set
	n          int    // points in each sample the statistic compares
	nullDraws  int    // target samples behind the threshold
	seed       uint64
}

// method is one way of sampling: a fixed-step method with options.steps
// steps, or, with rtol > 0, an adaptive one.
type method struct {
	tab  *ode.Tableau
	rtol float64
}

// methods are the samplers compared: Euler, midpoint and RK4 (orders 1, 2
// and 4, one, two and four evaluations a step) at the same step count, and
// Dormand–Prince 5(4) with adaptive steps as the accurate solution of the
// learned ODE.
var methods = []method{
	{tab: ode.Euler},
	{tab: ode.Midpoint},
	{tab: ode.RK4},
	{tab: ode.DOPRI5, rtol: 1e-5},
}

// row is one line of the table: a training run's model sampled by a
// method.
type row struct {
	coupling string // "independent" or "ot"
	method   string
	steps    int     // fixed steps, 0 for adaptive
	rtol     float64 // adaptive tolerance, 0 for fixed steps
	evals    float64 // field evaluations per sample
	mmd      float64 // MMD²_u against the reference
	samples  []float32
}

// trained is one training run with its samples.
type trained struct {
	coupling string
	loss     float64 // mean loss of the last 100 steps
	wall     time.Duration
	rows     []row
	paths    [][]float32 // states at pathTimes, from RK4
}

// result is a whole study.
type result struct {
	target    []float32 // the reference sample
	noise     []float32 // the noise every sampler starts from
	stat      *mmd
	threshold float64
	null      []float64
	runs      []trained
}

// pathTimes are the times at which trajectories are recorded.
var pathTimes = func() []float64 {
	ts := make([]float64, 21)
	for k := range ts {
		ts[k] = float64(k) / 20
	}
	return ts
}()

// study trains the MLP on the target twice, with independent and with OT
// pairs, samples each model with every method from the same noise, and
// measures each sample against a reference sample of the target.
func study(ctx context.Context, o options) (*result, error) {
	pts, err := drawTarget(o.data, o.trainSize, o.seed, streamTrain)
	if err != nil {
		return nil, err
	}
	ref, _ := drawTarget(o.data, o.n, o.seed, streamRef)
	res := &result{target: ref, stat: newMMD(ref), noise: make([]float32, 2*o.n)}
	res.threshold, res.null = res.stat.nullThreshold(o.nullDraws, func(i int) []float32 {
		x, _ := drawTarget(o.data, o.n, o.seed, streamNull+uint64(i))
		return x
	})
	flowmatch.Noise(res.noise, o.seed)

	for _, ot := range []bool{false, true} {
		start := time.Now()
		tr, err := train(ctx, recipe(o.trainSteps, ot, o.seed), pts)
		if err != nil {
			return nil, err
		}
		run := trained{coupling: "independent", wall: time.Since(start), loss: meanTail(tr.Losses(), 100)}
		if ot {
			run.coupling = "ot"
		}
		f := tr.Model().Field()
		for _, m := range methods {
			r, err := sampleWith(ctx, f, res.noise, m, o.steps)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", run.coupling, m.tab.Name, err)
			}
			r.coupling = run.coupling
			r.mmd = res.stat.Of(r.samples)
			run.rows = append(run.rows, r)
		}
		// Trajectories of the first points, by RK4 on the grid of
		// pathTimes (so that the recorded states are step ends).
		k := min(o.n, 100)
		sr, err := flowmatch.Sample(ctx, make([]float32, 2*k), f, res.noise[:2*k], &flowmatch.SampleSettings{
			Method: ode.RK4, Settings: ode.Settings{Steps: len(pathTimes) - 1, SaveAt: pathTimes}, Batch: k,
		})
		if err != nil {
			return nil, fmt.Errorf("%s, trajectories: %w", run.coupling, err)
		}
		run.paths = sr.Saved
		res.runs = append(res.runs, run)
	}
	return res, nil
}

// sampleWith samples the field f from noise with m.
func sampleWith(ctx context.Context, f *flowmatch.VelocityField, noise []float32, m method, steps int) (row, error) {
	s := &flowmatch.SampleSettings{Method: m.tab, Batch: len(noise) / 2}
	r := row{method: m.tab.Name}
	if m.rtol > 0 {
		s.RTol, s.ATol = m.rtol, m.rtol
		r.rtol = m.rtol
	} else {
		s.Steps = steps
		r.steps = steps
	}
	r.samples = make([]float32, len(noise))
	sr, err := flowmatch.Sample(ctx, r.samples, f, noise, s)
	if err != nil {
		return r, err
	}
	r.evals = float64(sr.SampleEvals) / float64(len(noise)/2)
	return r, nil
}

// meanTail returns the mean of the last k values of xs (all of them when
// there are fewer).
func meanTail(xs []float32, k int) float64 {
	xs = xs[max(0, len(xs)-k):]
	var s float64
	for _, x := range xs {
		s += float64(x)
	}
	return s / float64(len(xs))
}
