package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/ode"
)

// sampleSeed seeds windrose's noise (PyTorch seeds its own generator).
const sampleSeed = 1

// sampler samples from the shipped model as "windrose sample" does: the
// noise of one stream, flowmatch.Sample one batch at a time, grey levels.
type sampler struct {
	model  *flowmatch.Model
	field  *flowmatch.VelocityField
	set    flowmatch.SampleSettings
	stream *flowmatch.NoiseStream
	noise  []float32
	x      []float32
	pix    []uint8
	grey   float64 // the sum of the grey levels so far
	n      int     // the images so far
}

// rk4x5 is the sampling row's stepping, classical RK4 with 5 uniform steps
// in batches of 256: the peer's sampler implements it, and its 20 field
// evaluations per sample cost what the default sampler's 20 do.
var rk4x5 = flowmatch.SampleSettings{Method: ode.RK4, Settings: ode.Settings{Steps: 5}, Batch: 256}

func newSampler() (*sampler, error) {
	m, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		return nil, err
	}
	s := &sampler{model: m, field: m.Field(), set: rk4x5, stream: flowmatch.NewNoiseStream(sampleSeed)}
	k := s.set.Batch * m.Dim()
	s.noise, s.x, s.pix = make([]float32, k), make([]float32, k), make([]uint8, k)
	return s, nil
}

// run samples n more images and returns the wall time and the cores that
// other processes used meanwhile.
func (s *sampler) run(n int) (wall, other float64, err error) {
	dim := s.model.Dim()
	c0, t0 := snapshot(), time.Now()
	for lo := 0; lo < n; lo += s.set.Batch {
		m := (min(lo+s.set.Batch, n) - lo) * dim
		s.stream.Fill(s.noise[:m])
		if _, err := flowmatch.Sample(context.Background(), s.x[:m], s.field, s.noise[:m], &s.set); err != nil {
			return 0, 0, err
		}
		flowmatch.Pixels(s.pix[:m], s.x[:m])
		for _, p := range s.pix[:m] {
			s.grey += float64(p)
		}
	}
	wall = time.Since(t0).Seconds()
	s.n += n
	fmt.Fprintf(os.Stderr, "windrose sample: %d images in %.2f s\n", n, wall)
	return wall, otherCores(c0, snapshot(), wall), nil
}

// split returns the first part of n images: the batch boundary nearest
// n/2, or n/2 itself where that boundary leaves a part empty.
func split(n, batch int) int {
	k := (n + batch) / (2 * batch) * batch // round(n/2 / batch)·batch
	if k <= 0 || k >= n {
		return n / 2
	}
	return k
}

// sampling measures the sampling of n images: windrose's first part, the
// peer (torch_unet.py sample) on all n, windrose's second part.
func sampling(python string, n int, skipTorch bool) (section, error) {
	s, err := newSampler()
	if err != nil {
		return section{}, err
	}
	n1 := split(n, s.set.Batch)
	if skipTorch {
		n1 = n
	}
	w1, o1, err := s.run(n1)
	if err != nil {
		return section{}, err
	}
	var peer map[string]any
	var w2, o2 float64
	if !skipTorch {
		peer, err = runScript(python, "torch_unet.py", []string{"sample", "--n", strconv.Itoa(n),
			"--steps", strconv.Itoa(s.set.Steps), "--batch", strconv.Itoa(s.set.Batch)})
		if err != nil {
			return section{}, fmt.Errorf("peer: %w", err)
		}
		if w2, o2, err = s.run(n - n1); err != nil {
			return section{}, err
		}
	}
	rss := vmHWM()
	ours := w1 + w2
	label := fmt.Sprintf("sample %d rk4×%d", n, s.set.Steps)
	t := line{name: label + " (s)", ours: fmt.Sprintf("%.1f (%.1f + %.1f)", ours, w1, w2), peer: "—"}
	m := line{name: fmt.Sprintf("sample %d peak RSS (MB)", n), ours: fmt.Sprintf("%.1f", rss), peer: "—"}
	po, _ := pv(peer, "sample_other_cores")
	t.other = fmt.Sprintf("%.2f, %.2f; %.2f", o1, o2, po)
	if p, ok := pv(peer, "sample_s"); ok && ours > 0 {
		t.peer, t.ratio = fmt.Sprintf("%.1f", p), fmt.Sprintf("%.2f", p/ours)
	}
	if p, ok := pv(peer, "peak_rss_mb"); ok && p > 0 {
		m.peer, m.ratio = fmt.Sprintf("%.1f", p), fmt.Sprintf("%.2f", rss/p)
	}
	sec := section{lines: []line{t, m}}
	if peer != nil {
		g, _ := pv(peer, "sample_mean_grey")
		sec.footer = append(sec.footer, fmt.Sprintf("%s: %s (EMA weights, step %d), classical RK4, %d uniform steps, batch %d, on both sides; the ratio is PyTorch's time / windrose's; windrose sampled %d + %d images, before and after PyTorch; mean grey level %.2f (windrose) and %.2f (PyTorch).",
			label, models.MNISTName, s.model.Step, s.set.Steps, s.set.Batch, n1, n-n1, s.grey/float64(s.n*s.model.Dim()), g))
	}
	return sec, nil
}
