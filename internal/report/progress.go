package report

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Progress is the state of a training run after a step, as a
// ProgressPrinter shows it.
type Progress struct {
	Step, Epoch, Images int
	// Loss is the loss of this step, LR the learning rate it used.
	Loss, LR float64
	// ImagesPerSec is a smoothed training speed; 0 before it is known.
	ImagesPerSec float64
	// Elapsed is the wall time of the run so far.
	Elapsed time.Duration
	// Fraction is how far the run is toward its end, in [0, 1]; ETA is
	// the estimated time left, or −1 while unknown.
	Fraction float64
	ETA      time.Duration
	// Label, when not empty, is shown in place of the training fields
	// (step, epoch, images, loss, learning rate), for runs that are not
	// training: "samples 512/10000" while sampling, for example.
	Label string
}

// ProgressPrinter shows a run's Progress on W: on a terminal a bar redrawn
// in place and cut to the terminal's width (percentage, step, smoothed
// loss or the Label, images/s, ETA), elsewhere (a
// log file, a pipe) a plain line every Interval. Call Report after every
// step and Done when training returns.
type ProgressPrinter struct {
	W io.Writer
	// Terminal selects the redrawn bar; see IsTerminal.
	Terminal bool
	// Interval is the time between log lines. Zero means 10 seconds. The
	// bar is redrawn at most five times a second.
	Interval time.Duration
	// Width is the width of the terminal in columns: the bar's line is cut
	// to Width − 1 characters, since a line that wraps cannot be redrawn
	// in place. Zero means $COLUMNS, or 80 when it is not set to a
	// positive number (shells set COLUMNS but do not always export it).
	Width int

	last    time.Time
	lastP   Progress // the last report, for Done's final redraw
	loss    float64  // smoothed loss
	n       int
	drawn   bool
	lastLen int
}

// IsTerminal reports whether f is a character device (a terminal), from
// its file mode; the standard library has no isatty, and this is the test
// that needs no system call beyond Stat.
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// barRedraw is the shortest time between two redraws of the bar: often
// enough to look live, rarely enough to cost nothing.
const barRedraw = 200 * time.Millisecond

// Report records p and prints it when it is time.
func (pp *ProgressPrinter) Report(p Progress) {
	// The loss of one step scatters; show a mean over about 50 steps.
	pp.n++
	a := max(1/float64(pp.n), 0.02)
	pp.loss += a * (p.Loss - pp.loss)
	pp.lastP = p
	now := time.Now()
	every := pp.Interval
	if every == 0 {
		every = 10 * time.Second
	}
	if pp.Terminal {
		every = barRedraw
	}
	if !pp.last.IsZero() && now.Sub(pp.last) < every {
		return
	}
	pp.last = now
	pp.print(p)
}

func (pp *ProgressPrinter) print(p Progress) {
	speed := "? img/s"
	if p.ImagesPerSec > 0 {
		speed = fmt.Sprintf("%.0f img/s", p.ImagesPerSec)
	}
	eta := "?"
	if p.ETA >= 0 {
		eta = p.ETA.Round(time.Second).String()
	}
	if !pp.Terminal {
		if p.Label != "" {
			fmt.Fprintf(pp.W, "%s  %s  elapsed %s  ETA %s\n", p.Label, speed, p.Elapsed.Round(time.Second), eta)
			return
		}
		fmt.Fprintf(pp.W, "step %d  epoch %d  images %d  loss %.4f  lr %.2e  %s  elapsed %s  ETA %s\n",
			p.Step, p.Epoch, p.Images, pp.loss, p.LR, speed, p.Elapsed.Round(time.Second), eta)
		return
	}
	const width = 24
	done := int(p.Fraction * width)
	bar := strings.Repeat("=", done)
	if done < width {
		bar += ">" + strings.Repeat(" ", width-done-1)
	}
	what := fmt.Sprintf("step %d  loss %.4f", p.Step, pp.loss)
	if p.Label != "" {
		what = p.Label
	}
	line := []rune(fmt.Sprintf("%3.0f%% [%s] %s  %s  ETA %s", 100*p.Fraction, bar, what, speed, eta))
	if w := pp.width() - 1; len(line) > w {
		line = line[:max(w, 0)]
	}
	pad := max(0, pp.lastLen-len(line))
	pp.lastLen = len(line)
	fmt.Fprint(pp.W, "\r"+string(line)+strings.Repeat(" ", pad))
	pp.drawn = true
}

// width returns Width, or $COLUMNS, or 80.
func (pp *ProgressPrinter) width() int {
	if pp.Width > 0 {
		return pp.Width
	}
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
		return c
	}
	return 80
}

// Done draws the bar a last time with the last report and ends its line,
// if one was drawn.
func (pp *ProgressPrinter) Done() {
	if pp.drawn {
		pp.print(pp.lastP)
		fmt.Fprintln(pp.W)
		pp.drawn = false
	}
}
