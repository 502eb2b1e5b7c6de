package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "toy2d:", err)
		os.Exit(1)
	}
}

// run parses the flags in args, runs the study, prints its table to w and
// writes the two plots.
func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("toy2d", flag.ContinueOnError)
	o := options{trainSize: 20000, nullDraws: 19}
	fs.StringVar(&o.data, "data", "moons", "target `distribution`: "+targetNames())
	fs.IntVar(&o.steps, "steps", 4, "fixed `steps` of the Euler, midpoint and RK4 samplers")
	fs.IntVar(&o.trainSteps, "train-steps", 4000, "optimiser `steps` of each training run")
	fs.IntVar(&o.n, "n", 1000, "`points` in each sample the two-sample test compares")
	fs.Uint64Var(&o.seed, "seed", 1, "random `seed` of the data, the weights and the noise")
	outDir := fs.String("out-dir", filepath.Join("docs", "img"), "`directory` for toy2d_samples.png and toy2d_trajectories.png")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.steps < 1 || o.trainSteps < 1 || o.n < 2 {
		return fmt.Errorf("-steps = %d, -train-steps = %d, -n = %d, want ≥ 1, ≥ 1, ≥ 2", o.steps, o.trainSteps, o.n)
	}
	start := time.Now()
	res, err := study(context.Background(), o)
	if err != nil {
		return err
	}
	printTable(w, o, res)
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	samples := filepath.Join(*outDir, "toy2d_samples.png")
	if err := plotSamples(samples, o, res); err != nil {
		return err
	}
	paths := filepath.Join(*outDir, "toy2d_trajectories.png")
	if err := plotTrajectories(paths, o, res); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nplots written to %s and %s (%.1f s in all)\n", samples, paths, time.Since(start).Seconds())
	return nil
}

// printTable prints one row per training run and sampler: the field
// evaluations per sample, the MMD² of its samples against the reference
// and whether that passes the threshold.
func printTable(w io.Writer, o options, res *result) {
	fmt.Fprintf(w, "%s: %d training points; MLP trained %d steps per coupling; %d samples against a reference of %d\n",
		o.data, o.trainSize, o.trainSteps, o.n, o.n)
	fmt.Fprintf(w, "MMD² (Gaussian kernels of widths σ, σ/2, σ/4, σ/8; σ = %.3f, the reference's median distance); threshold %.2e, the largest of %d target samples' (a test at level 1/%d)\n",
		res.stat.sigma, res.threshold, o.nullDraws, o.nullDraws+1)
	for _, r := range res.runs {
		fmt.Fprintf(w, "%s coupling: trained in %.1f s, final loss %.4f\n", r.coupling, r.wall.Seconds(), r.loss)
	}
	fmt.Fprintf(w, "\n%-12s %-9s %6s %8s %7s %11s %11s %s\n", "coupling", "method", "steps", "rtol", "evals", "MMD²", "threshold", "pass")
	for _, run := range res.runs {
		for _, r := range run.rows {
			steps, rtol := fmt.Sprint(r.steps), "-"
			if r.rtol > 0 {
				steps, rtol = "-", fmt.Sprintf("%.0e", r.rtol)
			}
			fmt.Fprintf(w, "%-12s %-9s %6s %8s %7.1f %11.2e %11.2e %v\n",
				r.coupling, r.method, steps, rtol, r.evals, r.mmd, res.threshold, r.mmd <= res.threshold)
		}
	}
	fmt.Fprintf(w, "%-12s %-9s %6s %8s %7s %11.2e %11.2e %v\n",
		"-", "noise", "-", "-", "0", res.stat.Of(res.noise), res.threshold, res.stat.Of(res.noise) <= res.threshold)
}
