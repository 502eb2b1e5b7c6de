package main

import (
	"fmt"
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// box is the half-width of the square every panel shows: the targets lie
// within about 2.5 of the origin, and the noise within 3.5 but for a few
// points in a thousand.
const box = 3.5

var (
	grey   = color.RGBA{R: 190, G: 190, B: 190, A: 255}
	blue   = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	red    = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	orange = color.RGBA{R: 255, G: 127, B: 14, A: 255}
)

// panel returns a square plot of [−box, box]² titled title.
func panel(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "x₁"
	p.Y.Label.Text = "x₂"
	p.X.Min, p.X.Max = -box, box
	p.Y.Min, p.Y.Max = -box, box
	return p
}

// points returns the points of pts (x, y one after the other) as a scatter
// of small dots of colour c.
func points(pts []float32, c color.Color, radius vg.Length) *plotter.Scatter {
	xy := make(plotter.XYs, len(pts)/2)
	for i := range xy {
		xy[i] = plotter.XY{X: float64(pts[2*i]), Y: float64(pts[2*i+1])}
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		panic(err) // only for NaN or infinite values, which no sampler here gives
	}
	s.GlyphStyle = draw.GlyphStyle{Shape: draw.CircleGlyph{}, Color: c, Radius: radius}
	return s
}

// plotSamples draws, for each coupling (a row) and sampler (a column), the
// samples (blue) over the reference sample of the target (grey), titled
// with the evaluations per sample and the MMD² against the target.
func plotSamples(path string, o options, res *result) error {
	rows, cols := len(res.runs), len(methods)
	plots := make([][]*plot.Plot, rows)
	for i, run := range res.runs {
		plots[i] = make([]*plot.Plot, cols)
		for j, r := range run.rows {
			steps := fmt.Sprintf("%d steps", r.steps)
			if r.rtol > 0 {
				steps = fmt.Sprintf("rtol %.0e", r.rtol)
			}
			verdict := "pass"
			if r.mmd > res.threshold {
				verdict = "FAIL"
			}
			p := panel(fmt.Sprintf("%s pairs, %s, %s\n%.1f evals, MMD² %.1e (%s)", run.coupling, r.method, steps, r.evals, r.mmd, verdict))
			tgt := points(res.target, grey, 1.2)
			smp := points(r.samples, blue, 1.2)
			p.Add(tgt, smp)
			if i == 0 && j == 0 {
				p.Legend.Add(o.data+" (target)", tgt)
				p.Legend.Add("samples", smp)
				p.Legend.Top = true
			}
			plots[i][j] = p
		}
	}
	return saveTiles(path, plots, 4*vg.Inch)
}

// plotTrajectories draws, for each coupling, the paths of the first
// points from the noise at t = 0 (blue) to the samples at t = 1 (red),
// over the target (grey): curved and crossing for independent pairs,
// nearly straight for OT pairs.
func plotTrajectories(path string, o options, res *result) error {
	plots := [][]*plot.Plot{make([]*plot.Plot, len(res.runs))}
	for j, run := range res.runs {
		p := panel(fmt.Sprintf("%s pairs: RK4 paths (%d steps), t = 0 → 1", run.coupling, len(run.paths)-1))
		tgt := points(res.target, grey, 1.2)
		p.Add(tgt)
		k := len(run.paths[0]) / 2
		var line *plotter.Line
		for i := range k {
			xy := make(plotter.XYs, len(run.paths))
			for s, st := range run.paths {
				xy[s] = plotter.XY{X: float64(st[2*i]), Y: float64(st[2*i+1])}
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return err
			}
			l.LineStyle = draw.LineStyle{Color: orange, Width: 0.6}
			p.Add(l)
			line = l
		}
		start := points(run.paths[0], blue, 2)
		end := points(run.paths[len(run.paths)-1], red, 2)
		p.Add(start, end)
		if j == 0 {
			p.Legend.Add(o.data+" (target)", tgt)
			p.Legend.Add("path", line)
			p.Legend.Add("x(0), noise", start)
			p.Legend.Add("x(1), sample", end)
			p.Legend.Top = true
		}
		plots[0][j] = p
	}
	return saveTiles(path, plots, 5*vg.Inch)
}

// saveTiles draws the plots on a grid of side × side tiles into the PNG
// file path.
func saveTiles(path string, plots [][]*plot.Plot, side vg.Length) error {
	rows, cols := len(plots), len(plots[0])
	img := vgimg.New(vg.Length(cols)*side, vg.Length(rows)*side)
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter, PadY: 2 * vg.Millimeter,
		PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: 2 * vg.Millimeter}
	canvases := plot.Align(plots, t, dc)
	for i := range plots {
		for j, p := range plots[i] {
			p.Draw(canvases[i][j])
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
