package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/windrose/windrose/internal/atomicfile"
)

// baselineLabel is the setting the others are measured against: the
// reference tutorial's sampler at its 150 steps.
const baselineLabel = "tutorial-rk4 150"

// printReport prints the Markdown table of the results in path and, if
// plotPath is set, draws them. Rows keep the order of the file; a label
// measured more than once keeps its last measurement.
func printReport(path, accPath, plotPath string) error {
	all, err := readRows(path)
	if err != nil {
		return err
	}
	acc := map[string]accuracyRow{}
	if accPath != "" {
		rows, err := readAccuracy(accPath)
		if err != nil {
			return err
		}
		for _, r := range rows {
			acc[r.Label] = r
		}
	}
	dev := func(label string) string {
		r, ok := acc[label]
		if !ok {
			return "–"
		}
		return fmt.Sprintf("%.1e", r.RMS)
	}
	var rows []row
	index := map[string]int{}
	for _, r := range all {
		k := fmt.Sprintf("%s|%d|%s", r.Label, r.N, r.Model)
		if i, ok := index[k]; ok {
			rows[i] = r
			continue
		}
		index[k] = len(rows)
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: no results", path)
	}
	base := math.NaN()
	for _, r := range rows {
		if r.Label == baselineLabel {
			base = r.FID
		}
	}
	w := os.Stdout
	fmt.Fprintln(w, "| sampler | evaluations per sample | FID | FID / baseline | confidence | entropy | deviation | wall | ms per sample | N |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		if r.Floor {
			fmt.Fprintf(w, "| *%s* | – | %.2f | %s | %.3f | %.3f | – | – | – | %d |\n", r.Label, r.FID, ratio(r.FID, base), r.Confidence, r.Entropy, r.N)
			continue
		}
		fmt.Fprintf(w, "| %s | %.1f | %.2f | %s | %.3f | %.3f | %s | %.1f s | %.1f | %d |\n",
			r.Label, r.EvalsPerSample, r.FID, ratio(r.FID, base), r.Confidence, r.Entropy, dev(r.Label), r.WallSeconds, r.WallSeconds*1000/float64(r.N), r.N)
	}
	if plotPath == "" {
		return nil
	}
	return drawStudy(plotPath, rows, base)
}

func ratio(v, base float64) string {
	if math.IsNaN(base) {
		return "–"
	}
	return fmt.Sprintf("%.2f", v/base)
}

// drawStudy writes two plots of FID against evaluations per sample: the
// methods on uniform steps and adaptive (plotPath), and the time grids
// (plotPath with "_grids" before the extension).
func drawStudy(plotPath string, rows []row, base float64) error {
	var maxEvals float64
	for _, r := range rows {
		if !r.Floor && r.Label != baselineLabel {
			maxEvals = max(maxEvals, r.EvalsPerSample)
		}
	}
	methods := func(r row) bool { return !r.Floor && (r.Steps == 0 || r.Grid == "" || r.Grid == "uniform") }
	grids := func(r row) bool { return !r.Floor && r.Steps > 0 && r.Method != "tutorial-rk4" }
	gridSeries := func(r row) string {
		if r.Grid == "" {
			return "uniform grid"
		}
		return r.Grid + " grid"
	}
	ext := filepath.Ext(plotPath)
	gridPath := strings.TrimSuffix(plotPath, ext) + "_grids" + ext
	if err := drawFID(plotPath, "FID against field evaluations: methods", rows, methods, row.Series, base, maxEvals, true); err != nil {
		return err
	}
	return drawFID(gridPath, "FID against field evaluations: time grids (euler, midpoint, rk4)", rows, grids, gridSeries, base, maxEvals, false)
}

func drawFID(path, title string, rows []row, keep func(row) bool, series func(row) string, base, maxEvals float64, lines bool) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "field evaluations per sample"
	p.Y.Label.Text = "FID (shipped classifier features)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.X.Min = 1
	p.X.Max = maxEvals * 1.3
	p.Add(plotter.NewGrid())
	var order []string
	pts := map[string]plotter.XYs{}
	for _, r := range rows {
		if !keep(r) || r.Label == baselineLabel || !(r.FID > 0) {
			continue
		}
		s := series(r)
		if _, ok := pts[s]; !ok {
			order = append(order, s)
		}
		pts[s] = append(pts[s], plotter.XY{X: r.EvalsPerSample, Y: r.FID})
	}
	for i, s := range order {
		c := plotutil.Color(i)
		sc, err := plotter.NewScatter(pts[s])
		if err != nil {
			return err
		}
		sc.Color = c
		sc.Shape = plotutil.Shape(i)
		p.Add(sc)
		if lines && len(pts[s]) > 1 {
			l, err := plotter.NewLine(pts[s])
			if err != nil {
				return err
			}
			l.Color = c
			p.Add(l)
			p.Legend.Add(s, l, sc)
		} else {
			p.Legend.Add(s, sc)
		}
	}
	if !math.IsNaN(base) {
		for _, b := range []struct {
			y     float64
			label string
			dash  []vg.Length
		}{{base, "tutorial RK4, 150 steps (600 evaluations)", nil}, {1.1 * base, "baseline + 10%", []vg.Length{vg.Points(4), vg.Points(3)}}} {
			l, err := plotter.NewLine(plotter.XYs{{X: 1, Y: b.y}, {X: p.X.Max, Y: b.y}})
			if err != nil {
				return err
			}
			l.Color = color.Black
			l.Dashes = b.dash
			p.Add(l)
			p.Legend.Add(b.label, l)
		}
	}
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Legend.ThumbnailWidth = vg.Points(20)
	wt, err := p.WriterTo(8*vg.Inch, 5.5*vg.Inch, "png")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}
