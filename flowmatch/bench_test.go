package flowmatch

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkTrainStep measures whole training steps (data, noise, forward,
// loss, backward, AdamW, EMA) on 28×28 images for the widths and batches
// the default configuration was chosen among; b.N steps per run, reported
// as images per second.
func BenchmarkTrainStep(b *testing.B) {
	data := blobImages(512, 28, 28, 1)
	for _, base := range []int{16, 24, 32, 64} {
		for _, batch := range []int{32, 64, 128} {
			b.Run(fmt.Sprintf("base=%d/batch=%d", base, batch), func(b *testing.B) {
				cfg := Config{Base: base, Batch: batch, LR: 1e-3, Loss: LossMSE, Epochs: 1 << 20}
				tr, err := NewTrainer(cfg, data)
				if err != nil {
					b.Fatal(err)
				}
				tr.cfg.MaxSteps = 1
				if _, err := tr.Train(context.Background()); err != nil { // allocate the buffers
					b.Fatal(err)
				}
				b.ResetTimer()
				tr.cfg.MaxSteps = 1 + b.N
				if _, err := tr.Train(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "img/s")
			})
		}
	}
}
