package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/ode"
)

// steppingFlags are the stepping flags that sample, interpolate and solve
// share: -method, -steps, -rtol, -atol, -maxsteps and -pi, and for the two
// sampling commands -grid and -per-sample. They become an ode.Settings
// here; whether ode can run it is ode's decision (ode.Settings.Validate),
// whose ErrInvalidInput errors checkStepping turns into usage errors.
// Only what is about the command line itself is checked here: which
// flags were given together, the names of methods and grids.
type steppingFlags struct {
	sampling        bool // sample and interpolate
	method, grid    string
	steps, maxSteps int
	rtol, atol      float64
	pi, perSample   bool

	fs    *flag.FlagSet
	names []string        // the stepping flags declared, in order
	given map[string]bool // the flags given, recorded by settings
}

// tutorialMethod names the tutorial's shifted RK4 on the command line
// (flowmatch.TutorialField solved by ode.RK4).
const tutorialMethod = "tutorial-rk4"

// addSteppingFlags declares the stepping flags on fs. For the sampling
// commands (sampling true) their defaults are flowmatch.DefaultSampleSettings:
// midpoint with 10 steps on the early grid; solve has no default stepping
// and dopri5.
func addSteppingFlags(fs *flag.FlagSet, f *steppingFlags, sampling bool) {
	f.sampling = sampling
	if sampling {
		def := flowmatch.DefaultSampleSettings()
		fs.StringVar(&f.method, "method", def.Method.Name, "ODE method `name`: "+strings.Join(methodNames(), ", "))
		fs.IntVar(&f.steps, "steps", len(def.Grid)-1, "fixed stepping with `N` steps")
		fs.StringVar(&f.grid, "grid", flowmatch.DefaultSampleGrid, "time grid of the fixed steps: "+strings.Join(flowmatch.GridSchedules, ", ")+" (late and early take an exponent, e.g. late:3; -method "+tutorialMethod+" runs on the uniform grid)")
		fs.Float64Var(&f.rtol, "rtol", 0, "adaptive stepping: relative tolerance (0, or ≥ 2.2e-14; needs -atol)")
		fs.Float64Var(&f.atol, "atol", 0, "adaptive stepping: absolute tolerance (≥ 0, > 0 with -rtol 0; needs -rtol)")
		fs.BoolVar(&f.perSample, "per-sample", false, "adaptive stepping: every sample with its own steps and error norm (needs -rtol and -atol)")
		f.names = []string{"method", "steps", "grid", "rtol", "atol", "per-sample", "maxsteps", "pi"}
	} else {
		fs.StringVar(&f.method, "method", "dopri5", "Runge–Kutta method `name` (see -list)")
		fs.IntVar(&f.steps, "steps", 0, "fixed stepping with `N` uniform steps (N ≥ 1)")
		fs.Float64Var(&f.rtol, "rtol", 0, "adaptive stepping: relative tolerance (0, or ≥ 2.2e-14; needs -atol)")
		fs.Float64Var(&f.atol, "atol", 0, "adaptive stepping: absolute tolerance (≥ 0, > 0 with -rtol 0; needs -rtol)")
		f.names = []string{"method", "steps", "rtol", "atol", "maxsteps", "pi"}
	}
	fs.IntVar(&f.maxSteps, "maxsteps", 0, "bound on attempted steps (0: the solver's default, 100000 when adaptive, none when fixed)")
	fs.BoolVar(&f.pi, "pi", false, "adaptive stepping: the proportional–integral step size controller (Gustafsson 1991) instead of the elementary one")
	f.fs = fs
}

// describe names the stepping flags given, as they were given.
func (f *steppingFlags) describe() string {
	var parts []string
	for _, name := range f.names {
		if f.given[name] {
			parts = append(parts, "-"+name+" "+f.fs.Lookup(name).Value.String())
		}
	}
	if len(parts) == 0 {
		if f.sampling {
			return fmt.Sprintf("the default stepping (-method %s -steps %d -grid %s)", f.method, f.steps, f.grid)
		}
		return fmt.Sprintf("the default stepping (-method %s -steps %d)", f.method, f.steps)
	}
	return strings.Join(parts, " ")
}

func methodNames() []string {
	var names []string
	for _, m := range ode.Methods() {
		names = append(names, m.Name)
	}
	return append(names, tutorialMethod)
}

func adaptiveMethods() string {
	var names []string
	for _, m := range ode.Methods() {
		if m.BErr != nil {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, ", ")
}

// settings turns the flags into ode.Settings and the method to run them
// with; tutorial reports -method tutorial-rk4, whose method is then
// ode.RK4 on flowmatch.TutorialField. Fixed stepping is -steps (on the
// -grid), adaptive stepping -rtol and -atol, never both; the values are
// left to checkStepping.
func (f *steppingFlags) settings(given map[string]bool) (set ode.Settings, m *ode.Tableau, tutorial bool, err error) {
	f.given = given
	if f.sampling && strings.EqualFold(f.method, tutorialMethod) {
		m, tutorial = ode.RK4, true
	} else if m, err = ode.MethodByName(f.method); err != nil {
		names := methodNames()
		if !f.sampling {
			names = names[:len(names)-1]
		}
		return set, nil, false, usagef("-method %q: want one of %s", f.method, strings.Join(names, ", "))
	}
	fixed := given["steps"] || given["grid"]
	adaptive := given["rtol"] || given["atol"]
	switch {
	case f.perSample && !adaptive:
		return set, nil, false, usagef("-per-sample gives every sample its own adaptive steps: it needs -rtol and -atol, not fixed steps")
	case fixed && adaptive:
		return set, nil, false, usagef("-steps/-grid (fixed stepping) and -rtol/-atol (adaptive stepping) exclude each other: give one")
	case !f.sampling && !fixed && !adaptive:
		return set, nil, false, usagef("choose the stepping: -steps N (fixed) or -rtol R -atol A (adaptive); there are no defaults")
	case adaptive && (!given["rtol"] || !given["atol"]):
		return set, nil, false, usagef("adaptive stepping needs both -rtol and -atol (there are no default tolerances)")
	case adaptive && tutorial:
		return set, nil, false, usagef("-method %s has uniform steps only: give -steps, not -rtol/-atol", tutorialMethod)
	}
	set.MaxSteps, set.PI = f.maxSteps, f.pi
	if adaptive {
		set.RTol, set.ATol = f.rtol, f.atol
		return set, m, tutorial, nil
	}
	set.Steps = f.steps
	if tutorial && !given["grid"] {
		// The default grid is the other methods': the tutorial's RK4
		// has its own uniform one.
		return set, m, tutorial, nil
	}
	if f.grid != "" && f.grid != "uniform" {
		if tutorial {
			return set, nil, false, usagef("-method %s runs on its own uniform grid only: drop -grid", tutorialMethod)
		}
		if f.steps < 1 {
			return set, nil, false, usagef("-steps %d: want at least 1 step on a -grid", f.steps)
		}
		if err := checkCount(fmt.Sprintf("-steps %d", f.steps), int64(f.steps), 8, "times of a -grid"); err != nil {
			return set, nil, false, err
		}
		g, err := flowmatch.TimeGrid(f.grid, f.steps)
		if err != nil {
			return set, nil, false, usagef("-grid %q: %v", f.grid, err)
		}
		set.Steps, set.Grid = 0, g
	}
	return set, m, tutorial, nil
}

// checkStepping asks ode whether it can run set with m from t0 to t1, and
// turns its refusal (an error wrapping ode.ErrInvalidInput) into a usage
// error that names the stepping flags given.
func (f *steppingFlags) checkStepping(set *ode.Settings, m *ode.Tableau, t0, t1 float64) error {
	err := set.Validate(m, t0, t1, 1)
	if err == nil {
		return nil
	}
	if !errors.Is(err, ode.ErrInvalidInput) {
		return err
	}
	hint := ""
	if m.BErr == nil && set.Steps == 0 && len(set.Grid) == 0 {
		hint = fmt.Sprintf("; %s has no error estimate, so it runs only with -steps; adaptive methods: %s", m.Name, adaptiveMethods())
	}
	return usagef("%s: %w%s", f.describe(), err, hint)
}

// sampleSettings turns the flags of sample or interpolate into
// SampleSettings with a batch of batch samples.
func (f *steppingFlags) sampleSettings(given map[string]bool, batch int) (*flowmatch.SampleSettings, error) {
	set, m, tutorial, err := f.settings(given)
	if err != nil {
		return nil, err
	}
	if err := f.checkStepping(&set, m, 0, 1); err != nil {
		return nil, err
	}
	s := &flowmatch.SampleSettings{Settings: set, Method: m, TutorialRK4: tutorial, PerSample: f.perSample, Batch: batch}
	if tutorial {
		s.Method = nil
	}
	return s, nil
}

// describeSettings names the sampler of s, made by sampleSettings from f.
func describeSettings(s *flowmatch.SampleSettings, f *steppingFlags) string {
	name := tutorialMethod
	if !s.TutorialRK4 {
		name = s.Method.Name
	}
	extra := ""
	if s.PI {
		extra = ", PI control"
	}
	if s.Steps > 0 {
		return fmt.Sprintf("%s with %d steps", name, s.Steps)
	}
	if len(s.Grid) > 0 {
		return fmt.Sprintf("%s with %d steps on the %s grid", name, len(s.Grid)-1, f.grid)
	}
	if s.PerSample {
		return fmt.Sprintf("%s with rtol %g, atol %g per sample%s", name, s.RTol, s.ATol, extra)
	}
	return fmt.Sprintf("%s with rtol %g, atol %g%s", name, s.RTol, s.ATol, extra)
}
