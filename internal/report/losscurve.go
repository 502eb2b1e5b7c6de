package report

import (
	"fmt"
	"github.com/windrose/windrose/internal/atomicfile"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// lossWindow is the number of steps the smoothed loss averages: the loss
// of one batch scatters by tens of percent (each step draws new times and
// noise), and a trailing mean of 100 steps shows the trend.
const lossWindow = 100

// WriteLossCurve writes the loss curve of a training run to two files: at
// csvPath a CSV file with one row per step (step, images seen, loss, mean
// loss of the last 100 steps), at pngPath a PNG plot of both losses against
// the images seen, on a logarithmic loss axis. losses[i] is the loss of
// step i+1 and images[i] the number of training images seen after it.
// Each file is written atomically. It writes nothing for an empty curve,
// and no PNG when no loss is positive and finite (nothing to draw on a
// logarithmic axis). It panics if len(images) != len(losses).
func WriteLossCurve(csvPath, pngPath string, losses []float32, images []int) error {
	if len(images) != len(losses) {
		panic(fmt.Sprintf("report: WriteLossCurve: %d image counts for %d losses", len(images), len(losses)))
	}
	if len(losses) == 0 {
		return nil
	}
	smooth := make([]float64, len(losses))
	var sum float64
	for i, l := range losses {
		sum += float64(l)
		if i >= lossWindow {
			sum -= float64(losses[i-lossWindow])
		}
		smooth[i] = sum / float64(min(i+1, lossWindow))
	}
	err := atomicfile.Write(csvPath, func(w io.Writer) error {
		if _, err := io.WriteString(w, "step,images,loss,loss_mean100\n"); err != nil {
			return err
		}
		var b []byte
		for i, l := range losses {
			b = b[:0]
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(images[i]), 10)
			b = append(b, ',')
			b = strconv.AppendFloat(b, float64(l), 'g', -1, 32)
			b = append(b, ',')
			b = strconv.AppendFloat(b, smooth[i], 'g', 7, 64)
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	p := plot.New()
	p.Title.Text = fmt.Sprintf("flow-matching loss, %d steps", len(losses))
	p.X.Label.Text = "images seen"
	p.X.Tick.Marker = countTicks{}
	p.Y.Label.Text = "loss"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = ticks125{}
	raw := make(plotter.XYs, 0, len(losses))
	mean := make(plotter.XYs, 0, len(losses))
	for i, l := range losses {
		x := float64(images[i])
		if v := float64(l); v > 0 && !math.IsInf(v, 0) {
			raw = append(raw, plotter.XY{X: x, Y: v})
		}
		if smooth[i] > 0 && !math.IsInf(smooth[i], 0) {
			mean = append(mean, plotter.XY{X: x, Y: smooth[i]})
		}
	}
	if len(raw) == 0 {
		return nil // nothing plottable on a log axis
	}
	lr, err := plotter.NewLine(raw)
	if err != nil {
		return fmt.Errorf("report: plotting the loss: %w", err)
	}
	lr.Color = color.Gray{Y: 190}
	lm, err := plotter.NewLine(mean)
	if err != nil {
		return fmt.Errorf("report: plotting the loss: %w", err)
	}
	lm.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	lm.Width = vg.Points(1.5)
	p.Add(plotter.NewGrid(), lr, lm)
	p.Legend.Add("per step", lr)
	p.Legend.Add("mean of 100", lm)
	p.Legend.Top = true
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("report: plotting the loss: %w", err)
	}
	return atomicfile.Write(pngPath, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// ticks125 marks a logarithmic axis at 1, 2 and 5 times the powers of ten,
// labelled, with unlabelled minor ticks between: a loss curve spans one or
// two decades, where plot.LogTicks would label only one or two values.
type ticks125 struct{}

// Ticks implements plot.Ticker.
func (ticks125) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	if !(lo > 0) || !(hi >= lo) {
		return ts
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := float64(m) * p
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// countTicks marks a linear axis of counts where plot.DefaultTicks does,
// labelled as counts ("250k", "1.5M") instead of DefaultTicks' fixed
// decimals ("250000.00").
type countTicks struct{}

// Ticks implements plot.Ticker.
func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = countLabel(ts[i].Value)
		}
	}
	return ts
}

// countLabel writes a count with at most three significant digits and a
// k or M suffix from a thousand on.
func countLabel(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
