package main

import (
	"context"
	"fmt"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/ode"
)

// sample times what `windrose sample -n n` does on the chosen backend:
// the model file's EMA weights, noise from seed 123 in batches of the
// default sampler's size, classical RK4 with 5 uniform steps (the
// stepping torch_cuda.py implements; 20 field evaluations per sample, as
// the default sampler), and the conversion to grey
// levels. The model is read from the repository's file rather than
// embedded, so that this program stays small enough to carry to the GPU
// machine. It records the wall time and the mean grey level (the same
// weights and noise give the same images on every backend, up to rounding).
func (b *bench) sample(path string, n int) error {
	m, err := flowmatch.LoadModel(path, flowmatch.EMAWeights)
	if err != nil {
		return err
	}
	field := m.Field()
	set := flowmatch.SampleSettings{Method: ode.RK4, Settings: ode.Settings{Steps: 5}, Batch: flowmatch.DefaultSampleSettings().Batch}
	stream := flowmatch.NewNoiseStream(123)
	k := set.Batch * m.Dim()
	noise, x, pix := make([]float32, k), make([]float32, k), make([]uint8, k)
	var grey float64
	t0 := time.Now()
	for lo := 0; lo < n; lo += set.Batch {
		c := (min(lo+set.Batch, n) - lo) * m.Dim()
		stream.Fill(noise[:c])
		if _, err := flowmatch.Sample(context.Background(), x[:c], field, noise[:c], &set); err != nil {
			return err
		}
		flowmatch.Pixels(pix[:c], x[:c])
		for _, p := range pix[:c] {
			grey += float64(p)
		}
	}
	wall := time.Since(t0).Seconds()
	b.res["sample_n"] = n
	b.res["sample_wall_s"] = wall
	b.res["sample_mean_grey"] = grey / float64(n*m.Dim())
	fmt.Printf("sample %d images (rk4, 5 steps, batch %d): %.2f s, %.2f ms per image, mean grey %.3f\n",
		n, set.Batch, wall, 1e3*wall/float64(n), grey/float64(n*m.Dim()))
	return nil
}
