package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressPrinter checks both displays: log lines with the step, the
// smoothed loss and the speed, and a bar redrawn with carriage returns and
// ended by Done.
func TestProgressPrinter(t *testing.T) {
	var b bytes.Buffer
	pp := &ProgressPrinter{W: &b}
	pp.Report(Progress{Step: 1, Loss: 2, LR: 1e-3, ImagesPerSec: 0, ETA: -1})
	pp.Report(Progress{Step: 2, Loss: 1}) // within the interval: not printed
	got := b.String()
	if !strings.Contains(got, "step 1  epoch 0") || !strings.Contains(got, "loss 2.0000") || !strings.Contains(got, "? img/s") ||
		strings.Contains(got, "step 2") || strings.Count(got, "\n") != 1 {
		t.Errorf("log lines:\n%s", got)
	}
	b.Reset()
	pp = &ProgressPrinter{W: &b, Terminal: true}
	pp.Report(Progress{Step: 7, Loss: 0.5, ImagesPerSec: 300, Fraction: 0.5, ETA: 90 * time.Second})
	pp.Done()
	got = b.String()
	for _, want := range []string{"\r 50% [============>", "step 7", "300 img/s", "ETA 1m30s"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}
	if !strings.HasSuffix(got, "\n") {
		t.Errorf("bar %q not ended by Done", got)
	}
}

// TestProgressPrinterWidth: the bar never exceeds the terminal's width
// (Width, else $COLUMNS, else 80), and a Label replaces the training
// fields in both displays.
func TestProgressPrinterWidth(t *testing.T) {
	p := Progress{Label: "samples 512/1000000", ImagesPerSec: 120, Fraction: 0.25, ETA: time.Hour}
	for _, tc := range []struct {
		width   int
		columns string
		want    int
	}{
		{30, "", 30}, {0, "50", 50}, {0, "", 80}, {0, "junk", 80}, {200, "40", 200},
	} {
		t.Setenv("COLUMNS", tc.columns)
		var b bytes.Buffer
		pp := &ProgressPrinter{W: &b, Terminal: true, Width: tc.width}
		pp.Report(p)
		line := strings.TrimPrefix(b.String(), "\r")
		if n := len([]rune(line)); n > tc.want-1 {
			t.Errorf("Width %d, COLUMNS %q: bar of %d characters %q, want at most %d", tc.width, tc.columns, n, line, tc.want-1)
		}
		if !strings.HasPrefix(line, " 25% [======>") {
			t.Errorf("Width %d, COLUMNS %q: bar %q", tc.width, tc.columns, line)
		}
		if tc.want >= 80 && !strings.Contains(line, "samples 512/1000000  120 img/s  ETA 1h0m0s") {
			t.Errorf("wide bar %q lacks the label, speed and ETA", line)
		}
	}
	var b bytes.Buffer
	pp := &ProgressPrinter{W: &b}
	pp.Report(p)
	if got := b.String(); !strings.HasPrefix(got, "samples 512/1000000  120 img/s  elapsed 0s  ETA 1h0m0s\n") {
		t.Errorf("log line %q", got)
	}
}
