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
	all, err := readJSONLines[row](path)
	if err != nil {
		return err
	}
	acc := map[string]accuracyRow{}
	if accPath != "" {
		rows, err := readJSONLines[accuracyRow](accPath)
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
	// Rows measured before density and coverage existed have neither.
	dc := func(r row) string {
		if r.Density == 0 && r.Coverage == 0 {
			return "– | –"
		}
		return fmt.Sprintf("%.4f | %.4f", r.Density, r.Coverage)
	}
	fmt.Fprintln(w, "| sampler | evaluations per sample | FID | FID / baseline | density | coverage | confidence | entropy | deviation | wall | ms per sample | N |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		if r.Floor {
			fmt.Fprintf(w, "| *%s* | – | %.2f | %s | %s | %.3f | %.3f | – | – | – | %d |\n", r.Label, r.FID, ratio(r.FID, base), dc(r), r.Confidence, r.Entropy, r.N)
			continue
		}
		fmt.Fprintf(w, "| %s | %.1f | %.2f | %s | %s | %.3f | %.3f | %s | %.1f s | %.1f | %d |\n",
			r.Label, r.EvalsPerSample, r.FID, ratio(r.FID, base), dc(r), r.Confidence, r.Entropy, dev(r.Label), r.WallSeconds, r.WallSeconds*1000/float64(r.N), r.N)
	}
	if plotPath == "" {
		return nil
	}
	return drawStudy(plotPath, rows, acc, base)
}

func ratio(v, base float64) string {
	if math.IsNaN(base) {
		return "–"
	}
	return fmt.Sprintf("%.2f", v/base)
}

// methodColor gives each method one colour in every plot, whatever the
// series: its uniform steps, its grids, shared or per-sample stepping.
var methodColor = map[string]color.Color{
	"euler":    color.RGBA{R: 214, G: 39, B: 40, A: 255},
	"midpoint": color.RGBA{R: 44, G: 160, B: 44, A: 255},
	"heun":     color.RGBA{R: 31, G: 119, B: 180, A: 255},
	"rk4":      color.RGBA{R: 255, G: 127, B: 14, A: 255},
	"bs3":      color.RGBA{R: 148, G: 103, B: 189, A: 255},
	"dopri5":   color.RGBA{R: 140, G: 86, B: 75, A: 255},
	"tsit5":    color.RGBA{R: 227, G: 119, B: 194, A: 255},
}

// gridDash tells the grids apart in the grid plot.
var gridDash = map[string][]vg.Length{
	"":       nil,
	"late":   {vg.Points(6), vg.Points(3)},
	"early":  {vg.Points(2), vg.Points(2)},
	"cosine": {vg.Points(8), vg.Points(2), vg.Points(2), vg.Points(2)},
	"pilot":  {vg.Points(1), vg.Points(4)},
}

// drawStudy writes the plots of the study: FID against evaluations per
// sample for the methods (plotPath), for the time grids (plotPath with
// "_grids" before the extension) and, when acc is not empty, the
// deviation from the exact flow against evaluations ("_deviation").
func drawStudy(plotPath string, rows []row, acc map[string]accuracyRow, base float64) error {
	ext := filepath.Ext(plotPath)
	named := func(suffix string) string { return strings.TrimSuffix(plotPath, ext) + suffix + ext }
	methods := func(r row) bool { return r.Grid == "" || r.Grid == "uniform" }
	gridded := map[string]bool{} // the methods measured on a non-uniform grid
	for _, r := range rows {
		if r.Steps > 0 && r.Grid != "" && r.Grid != "uniform" {
			gridded[r.Method] = true
		}
	}
	grids := func(r row) bool { return r.Steps > 0 && gridded[r.Method] }
	fid := func(r row) (float64, bool) { return r.FID, r.FID > 0 }
	if err := drawSeries(plotFrame{path: plotPath, title: "FID against field evaluations per sample (N = 1,024; lower is better)", ylabel: "FID (features of the shipped classifier)", base: base}, rows, methods, fid); err != nil {
		return err
	}
	if err := drawSeries(plotFrame{path: named("_grids"), title: "Time grids: FID of euler, midpoint and rk4 on each grid", ylabel: "FID (features of the shipped classifier)", base: base, byGrid: true}, rows, grids, fid); err != nil {
		return err
	}
	if len(acc) == 0 {
		return nil
	}
	dev := func(r row) (float64, bool) {
		a, ok := acc[r.Label]
		return a.RMS, ok && a.RMS > 0
	}
	base = math.NaN()
	if a, ok := acc[baselineLabel]; ok {
		base = a.RMS
	}
	return drawSeries(plotFrame{path: named("_deviation"), title: "Distance from the exact flow (RMS over 64 samples, data scale [−1, 1])", ylabel: "RMS deviation from dopri5 at 1e-6", base: base, logY: true}, rows, methods, dev)
}

// plotFrame describes one plot of drawSeries.
type plotFrame struct {
	path, title, ylabel string
	base                float64 // the baseline's value: a black line, and +10% dashed for FID
	byGrid, logY        bool
}

// drawSeries draws y(r) against evaluations per sample for the rows kept,
// one line per series (a method's uniform steps, its adaptive stepping,
// per-sample stepping dashed), or per method and grid with byGrid.
func drawSeries(fr plotFrame, rows []row, keep func(row) bool, y func(row) (float64, bool)) error {
	p := plot.New()
	p.Title.Text = fr.title
	p.X.Label.Text = "field evaluations per sample"
	p.Y.Label.Text = fr.ylabel
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	if fr.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.X.Min, p.X.Max = 4, 130
	p.Add(plotter.NewGrid())
	type series struct {
		label  string
		method string
		dash   []vg.Length
		pts    plotter.XYs
	}
	var order []*series
	byName := map[string]*series{}
	for _, r := range rows {
		v, ok := y(r)
		if r.Floor || r.Label == baselineLabel || !keep(r) || !ok {
			continue
		}
		name, dash := r.Series(), []vg.Length(nil)
		if fr.byGrid {
			g := r.Grid
			if g == "uniform" {
				g = ""
			}
			name, dash = r.Method+", "+gridName(g), gridDash[g]
		} else if r.PerSample {
			dash = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		s := byName[name]
		if s == nil {
			s = &series{label: name, method: r.Method, dash: dash}
			byName[name] = s
			order = append(order, s)
		}
		s.pts = append(s.pts, plotter.XY{X: r.EvalsPerSample, Y: v})
	}
	for _, s := range order {
		c := methodColor[s.method]
		sc, err := plotter.NewScatter(s.pts)
		if err != nil {
			return err
		}
		sc.Color = c
		l, err := plotter.NewLine(s.pts)
		if err != nil {
			return err
		}
		l.Color, l.Dashes = c, s.dash
		p.Add(l, sc)
		p.Legend.Add(s.label, l, sc)
	}
	if !math.IsNaN(fr.base) {
		lines := []struct {
			y     float64
			label string
			dash  []vg.Length
		}{{fr.base, "tutorial RK4, 150 steps (600 evaluations)", nil}}
		if !fr.logY {
			lines = append(lines, struct {
				y     float64
				label string
				dash  []vg.Length
			}{1.1 * fr.base, "tutorial RK4 + 10%", []vg.Length{vg.Points(4), vg.Points(3)}})
		}
		for _, b := range lines {
			l, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: b.y}, {X: p.X.Max, Y: b.y}})
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
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Legend.ThumbnailWidth = vg.Points(24)
	wt, err := p.WriterTo(8*vg.Inch, 5.5*vg.Inch, "png")
	if err != nil {
		return err
	}
	return atomicfile.Write(fr.path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

func gridName(g string) string {
	if g == "" {
		return "uniform"
	}
	return g
}
