package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plotRows draws max error against field evaluations on log-log axes, one
// line per method, into the PNG file path.
func plotRows(path string, rows []row) error {
	p := plot.New()
	p.Title.Text = "x' = (x + t² − 2)/(t + 1), x(0) = 2 on [0, 5]"
	p.X.Label.Text = "field evaluations"
	p.Y.Label.Text = "max error over the grid"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = powerTicks{}, powerTicks{}
	p.Legend.Top = true

	var args []any // name, points, name, points, … in the order of rows
	var pts plotter.XYs
	for i, r := range rows {
		pts = append(pts, plotter.XY{X: float64(r.evals), Y: r.maxErr})
		if i == len(rows)-1 || rows[i+1].method != r.method {
			args = append(args, r.method, pts)
			pts = nil
		}
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}

// powerTicks are plot.LogTicks labelled 1e-5, 1e-4, …, 1, 10, 100: the
// plain labels of LogTicks print powers of ten below 1e-4 as
// 9.99999999999999e-05.
type powerTicks struct{}

func (powerTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.LogTicks{}.Ticks(lo, hi)
	for i, t := range ts {
		if t.Label == "" {
			continue
		}
		k := int(math.Round(math.Log10(t.Value)))
		if k >= 0 && k <= 4 {
			ts[i].Label = fmt.Sprint(math.Pow10(k))
		} else {
			ts[i].Label = fmt.Sprintf("1e%d", k)
		}
	}
	return ts
}
