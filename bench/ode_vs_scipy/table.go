package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Targets of the comparison: windrose's DOPRI5 at least 50 times faster
// than SciPy's RK45 on the tutorial at rtol 1e-10, and windrose's RK4 on
// the 100,000-dim decay within 1.15 times the hand-written Go loop.
const (
	tutorialSpeedupTarget = 50
	handLoopRatioTarget   = 1.15
	tutorialTargetCase    = "tutorial rtol=1e-10 atol=1e-12"
	handLoopCase          = "decay100k rk4 1000 steps"
)

func readReport(path string) (*report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// printTableFiles reads the JSON reports in paths, merges the rounds of
// each side (see mergeRounds) and prints the table.
func printTableFiles(w io.Writer, paths []string) error {
	bySide := make(map[string][]*report)
	var sides []string
	for _, path := range paths {
		r, err := readReport(path)
		if err != nil {
			return err
		}
		if bySide[r.Side] == nil {
			sides = append(sides, r.Side)
		}
		bySide[r.Side] = append(bySide[r.Side], r)
	}
	if len(sides) != 2 || bySide["windrose"] == nil {
		return fmt.Errorf("want reports of two sides, windrose and a peer; have sides %q", sides)
	}
	peerSide := sides[0]
	if peerSide == "windrose" {
		peerSide = sides[1]
	}
	ours, err := mergeRounds(bySide["windrose"])
	if err != nil {
		return err
	}
	peers, err := mergeRounds(bySide[peerSide])
	if err != nil {
		return err
	}
	printTable(w, ours, peers)
	return nil
}

// mergeRounds merges reports of one side from several rounds (run.sh
// alternates the sides, so that both see the same spells of load): each
// case keeps the fastest time of all rounds and the sum of their samples.
// The counts must agree across rounds, since the solves are deterministic.
func mergeRounds(rs []*report) (*report, error) {
	merged := *rs[0]
	merged.Cases = append([]measurement(nil), rs[0].Cases...)
	for _, r := range rs[1:] {
		if len(r.Cases) != len(merged.Cases) {
			return nil, fmt.Errorf("%s rounds hold %d and %d cases", r.Side, len(merged.Cases), len(r.Cases))
		}
		for i, c := range r.Cases {
			m := &merged.Cases[i]
			if c.Name != m.Name || c.Method != m.Method || c.NFev != m.NFev {
				return nil, fmt.Errorf("%s rounds disagree: %s (%s, %d evaluations) against %s (%s, %d)",
					r.Side, c.Name, c.Method, c.NFev, m.Name, m.Method, m.NFev)
			}
			m.Seconds = min(m.Seconds, c.Seconds)
			m.Samples += c.Samples
		}
	}
	return &merged, nil
}

// row pairs a windrose solver measurement with a peer's on the same case.
type row struct{ ours, peer measurement }

// pairRows pairs every windrose solver measurement (method "windrose …")
// with every other measurement of the same case name: SciPy's, and the Go
// hand loop's on the RK4 case.
func pairRows(ours, peers *report) []row {
	var rows []row
	all := append(append([]measurement(nil), ours.Cases...), peers.Cases...)
	for _, o := range ours.Cases {
		if !strings.HasPrefix(o.Method, "windrose ") {
			continue
		}
		for _, p := range all {
			if p.Name == o.Name && p.Method != o.Method {
				rows = append(rows, row{o, p})
			}
		}
	}
	return rows
}

// printTable prints the comparison as a Markdown table, then the targets.
// Ratios are peer/windrose: above 1, windrose is faster or uses fewer
// evaluations.
func printTable(w io.Writer, ours, peers *report) {
	fmt.Fprintf(w, "windrose: %s; peer: %s\n\n", ours.Versions, peers.Versions)
	fmt.Fprintln(w, "| case | windrose | peer | nfev windrose | nfev peer | nfev peer/windrose | time windrose | time peer | time peer/windrose | error windrose | error peer | max abs diff of x(t1) |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	rows := pairRows(ours, peers)
	for _, r := range rows {
		o, p := r.ours, r.peer
		n := min(len(o.XHead), len(p.XHead))
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %.2f | %s | %s | %.3g | %s | %s | %.1e |\n",
			o.Name, strings.TrimPrefix(o.Method, "windrose "), p.Method, o.NFev, p.NFev,
			float64(p.NFev)/float64(o.NFev), seconds(o.Seconds), seconds(p.Seconds), p.Seconds/o.Seconds,
			errString(o.Error), errString(p.Error), maxAbsDiff(o.XHead[:n], p.XHead[:n]))
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		switch {
		case r.ours.Name == tutorialTargetCase && strings.Contains(r.peer.Method, "scipy"):
			s := r.peer.Seconds / r.ours.Seconds
			fmt.Fprintf(w, "target: DOPRI5 on the %s, SciPy/windrose time %.0f (want ≥ %d): %s\n",
				tutorialTargetCase, s, tutorialSpeedupTarget, met(s >= tutorialSpeedupTarget))
		case r.ours.Name == handLoopCase && strings.HasPrefix(r.peer.Method, "go hand"):
			s := r.ours.Seconds / r.peer.Seconds
			fmt.Fprintf(w, "target: RK4 on %s, windrose/hand-loop time %.3f (want ≤ %.2f): %s\n",
				handLoopCase, s, handLoopRatioTarget, met(s <= handLoopRatioTarget))
		}
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// seconds formats a duration in seconds with 3 significant digits and a
// readable unit.
func seconds(s float64) string {
	switch {
	case s < 1e-3:
		return fmt.Sprintf("%.3g µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.3g ms", s*1e3)
	default:
		return fmt.Sprintf("%.3g s", s)
	}
}

func errString(e *float64) string {
	if e == nil {
		return "-"
	}
	return fmt.Sprintf("%.1e", *e)
}
