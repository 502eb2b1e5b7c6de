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
