package main

import (
	"fmt"
	"strings"
)

// setting is one sampler of the study.
type setting struct {
	Method    string  `json:"method"`     // ode method name or "tutorial-rk4"
	Steps     int     `json:"steps"`      // fixed steps (0: adaptive)
	Grid      string  `json:"grid"`       // TimeGrid schedule or "pilot"; "" uniform
	RTol      float64 `json:"rtol"`       // adaptive: rtol = atol
	PerSample bool    `json:"per_sample"` // adaptive: one step size per sample
}

// Label names the setting in tables and in -only.
func (s setting) Label() string {
	var b strings.Builder
	b.WriteString(s.Method)
	if s.Steps > 0 {
		fmt.Fprintf(&b, " %d", s.Steps)
		if s.Grid != "" && s.Grid != "uniform" {
			fmt.Fprintf(&b, " %s", s.Grid)
		}
	} else {
		fmt.Fprintf(&b, " tol %g", s.RTol)
		if s.PerSample {
			b.WriteString(" per-sample")
		}
	}
	return b.String()
}

// Series groups the settings drawn as one line of the plot.
func (s setting) Series() string {
	switch {
	case s.Steps > 0 && s.Grid != "" && s.Grid != "uniform":
		return s.Method + ", " + s.Grid + " grid"
	case s.Steps > 0:
		return s.Method
	case s.PerSample:
		return s.Method + " (adaptive, per sample)"
	}
	return s.Method + " (adaptive)"
}

// studySettings lists the study's samplers, cheapest families first.
// Step counts span about 5 to 100 evaluations per sample; the tolerances
// span the same range for the adaptive methods on this model.
func studySettings() []setting {
	var ss []setting
	fixed := func(m string, steps ...int) {
		for _, n := range steps {
			ss = append(ss, setting{Method: m, Steps: n})
		}
	}
	fixed("euler", 5, 10, 20, 50)
	fixed("midpoint", 3, 5, 10, 25)
	fixed("heun", 3, 5, 10, 25)
	fixed("rk4", 2, 3, 5, 10, 25)
	for _, m := range []string{"bs3", "dopri5", "tsit5"} {
		for _, tol := range []float64{1e-2, 1e-3, 1e-4} {
			ss = append(ss, setting{Method: m, RTol: tol})
		}
	}
	for _, g := range []string{"late", "early", "cosine", "pilot"} {
		for _, c := range []struct {
			m     string
			steps int
		}{{"euler", 10}, {"euler", 20}, {"midpoint", 5}, {"midpoint", 10}, {"rk4", 3}, {"rk4", 5}} {
			ss = append(ss, setting{Method: c.m, Steps: c.steps, Grid: g})
		}
	}
	for _, m := range []string{"bs3", "dopri5", "tsit5"} {
		for _, tol := range []float64{1e-2, 1e-3} {
			ss = append(ss, setting{Method: m, RTol: tol, PerSample: true})
		}
	}
	// The reference tutorial's sampler and budget: the baseline.
	ss = append(ss, setting{Method: "tutorial-rk4", Steps: 150})
	return ss
}
