package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/windrose/windrose/eval"
	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/ode"
)

// batch is the number of images integrated together, windrose sample's
// default.
const batch = 256

// floorLabel names the row of the MNIST training images.
const floorLabel = "floor: MNIST train"

// row is one measured setting, a line of the results file.
type row struct {
	setting
	Label          string  `json:"label"`
	N              int     `json:"n"`
	Seed           uint64  `json:"seed"`
	Model          string  `json:"model"`
	EvalsPerSample float64 `json:"evals_per_sample"` // field evaluations each sample received, mean
	BatchCalls     int     `json:"batch_calls"`      // calls of the field (network forwards)
	Rejected       int     `json:"rejected"`
	WallSeconds    float64 `json:"wall_s"`  // the integration alone
	Load           string  `json:"loadavg"` // /proc/loadavg when the setting finished
	FID            float64 `json:"fid"`
	Density        float64 `json:"density,omitempty"`  // absent from rows older than the measure
	Coverage       float64 `json:"coverage,omitempty"` // likewise
	Confidence     float64 `json:"confidence"`
	Entropy        float64 `json:"entropy"`
	Floor          bool    `json:"floor,omitempty"` // MNIST training images, not a sampler
	When           string  `json:"when"`
}

func main() {
	n := flag.Int("n", 1024, "samples per setting")
	seed := flag.Uint64("seed", 7, "seed of the noise")
	out := flag.String("out", "sampling_study.jsonl", "results file (JSON lines, appended)")
	only := flag.String("only", "", "run only the settings whose label matches this regular expression")
	modelFile := flag.String("model", "", "model or checkpoint file (default: the shipped model)")
	guideFile := flag.String("guide", "", "autoguide the model by this weaker model file (flowmatch.GuidedField); \"shipped\" is the shipped guide")
	guidance := flag.Float64("guidance", models.MNISTGuidance, "with -guide: the guidance weight")
	report := flag.String("report", "", "print the table of this results file instead of measuring")
	plotFile := flag.String("plot", "", "with -report: draw FID against evaluations into this PNG")
	accFile := flag.String("accuracy-file", "", "with -report: add the deviations of this accuracy file (from -accuracy) to the table")
	list := flag.Bool("list", false, "list the settings and exit")
	accuracy := flag.Int("accuracy", 0, "instead of FID, measure each setting's RMS deviation from the exact flow on this many samples (written to -out)")
	flag.Parse()
	if *report != "" {
		if err := printReport(*report, *accFile, *plotFile); err != nil {
			fmt.Fprintln(os.Stderr, "sampling_study:", err)
			os.Exit(1)
		}
		return
	}
	if *list {
		for _, s := range studySettings() {
			fmt.Println(s.Label())
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *accuracy > 0 {
		if err := runAccuracy(ctx, *accuracy, *seed, *out, *only); err != nil {
			fmt.Fprintln(os.Stderr, "sampling_study:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, *n, *seed, *out, *only, *modelFile, *guideFile, *guidance); err != nil {
		fmt.Fprintln(os.Stderr, "sampling_study:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, seed uint64, out, only, modelFile, guideFile string, guidance float64) error {
	if n < 2 {
		return fmt.Errorf("-n %d: want at least 2", n)
	}
	var re *regexp.Regexp
	if only != "" {
		var err error
		if re, err = regexp.Compile(only); err != nil {
			return fmt.Errorf("-only: %w", err)
		}
	}
	previous, err := readJSONLines[row](out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}

	var model *flowmatch.Model
	modelName := "shipped " + models.MNISTName
	if modelFile == "" {
		model, err = flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	} else {
		model, err = flowmatch.LoadModel(modelFile, flowmatch.EMAWeights)
		modelName = modelFile
	}
	if err != nil {
		return err
	}
	var field ode.VectorField[float32] = model.Field()
	if guideFile != "" {
		var guide *flowmatch.Model
		if guideFile == "shipped" {
			guide, err = flowmatch.ReadModel(models.MNISTGuideName, models.MNISTGuide, flowmatch.EMAWeights)
			guideFile = "shipped " + models.MNISTGuideName
		} else {
			guide, err = flowmatch.LoadModel(guideFile, flowmatch.EMAWeights)
		}
		if err != nil {
			return err
		}
		if field, err = model.Guided(guide, guidance); err != nil {
			return fmt.Errorf("-guide %s: %w", guideFile, err)
		}
		// Rows of a guided field are another model's: evaluations count
		// one pass of each network.
		modelName += fmt.Sprintf(" guided by %s with weight %v", guideFile, guidance)
	}
	measured := measuredSet(previous)
	done := func(label string) bool { return measured(label, n, seed, modelName) }
	clf, _, err := eval.LoadClassifier(models.ClassifierName, models.Classifier)
	if err != nil {
		return err
	}
	dir, err := mnist.DefaultDir()
	if err != nil {
		return err
	}
	ref, err := clf.MNISTReference(ctx, dir)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	emit := func(r row) error {
		r.N, r.Seed, r.Model, r.When = n, seed, modelName, time.Now().UTC().Format(time.RFC3339)
		r.Load = loadAvg()
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%-28s evals/sample %6.1f  wall %7.1fs  FID %7.2f  density %.4f  coverage %.4f  conf %.3f  entropy %.3f\n",
			r.Label, r.EvalsPerSample, r.WallSeconds, r.FID, r.Density, r.Coverage, r.Confidence, r.Entropy)
		if _, err := f.Write(append(b, '\n')); err != nil {
			return err
		}
		return f.Sync() // a killed study keeps every finished row
	}

	if (re == nil || re.MatchString(floorLabel)) && !done(floorLabel) {
		train, err := mnist.Load(dir, mnist.Train)
		if err != nil {
			return err
		}
		if n > train.Images.N {
			return fmt.Errorf("-n %d: the floor needs that many training images, MNIST has %d", n, train.Images.N)
		}
		rep, err := clf.Evaluate(ctx, train.Images.Pixels[:n*784], ref)
		if err != nil {
			return err
		}
		if err := emit(row{Label: floorLabel, Floor: true, FID: rep.FID, Density: rep.Density, Coverage: rep.Coverage, Confidence: rep.Confidence, Entropy: rep.Entropy}); err != nil {
			return err
		}
	}

	noise := make([]float32, n*784)
	flowmatch.Noise(noise, seed)
	x := make([]float32, len(noise))
	pix := make([]uint8, len(noise))
	plan := &samplers{field: field, pilotSeed: seed + 1}
	for _, s := range studySettings() {
		label := s.Label()
		if re != nil && !re.MatchString(label) || done(label) {
			continue
		}
		set, err := plan.settings(ctx, s)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		runtime.GC() // start every setting from a collected heap
		res, err := flowmatch.Sample(ctx, x, field, noise, set)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		flowmatch.Pixels(pix, x)
		rep, err := clf.Evaluate(ctx, pix, ref)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		r := row{setting: s, Label: label,
			EvalsPerSample: float64(res.SampleEvals) / float64(n),
			BatchCalls:     res.Stats.FieldEvals,
			Rejected:       res.Stats.Rejected,
			WallSeconds:    res.Wall.Seconds(),
			FID:            rep.FID, Density: rep.Density, Coverage: rep.Coverage,
			Confidence: rep.Confidence, Entropy: rep.Entropy}
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// samplers turns study settings into flowmatch's for one field, running
// the pilot solve of the pilot grid once, when a setting first needs it.
type samplers struct {
	field     ode.VectorField[float32]
	pilotSeed uint64
	pilot     []float64
}

func (p *samplers) settings(ctx context.Context, s setting) (*flowmatch.SampleSettings, error) {
	if s.Grid == "pilot" && p.pilot == nil {
		pilot, err := pilotTimes(ctx, p.field, p.pilotSeed)
		if err != nil {
			return nil, err
		}
		p.pilot = pilot
		fmt.Fprintf(os.Stderr, "pilot: dopri5 took %d steps: t = %s\n", len(pilot)-1, formatTimes(pilot))
	}
	return sampleSettings(s, p.pilot)
}

// sampleSettings turns a study setting into flowmatch's.
func sampleSettings(s setting, pilot []float64) (*flowmatch.SampleSettings, error) {
	set := &flowmatch.SampleSettings{Batch: batch}
	if s.Method == "tutorial-rk4" {
		set.TutorialRK4, set.Steps = true, s.Steps
		return set, nil
	}
	m, err := ode.MethodByName(s.Method)
	if err != nil {
		return nil, err
	}
	set.Method = m
	switch {
	case s.Steps > 0 && s.Grid == "pilot":
		set.Grid = flowmatch.EquidistributedGrid(pilot, s.Steps)
	case s.Steps > 0 && s.Grid != "" && s.Grid != "uniform":
		if set.Grid, err = flowmatch.TimeGrid(s.Grid, s.Steps); err != nil {
			return nil, err
		}
	case s.Steps > 0:
		set.Steps = s.Steps
	default:
		set.RTol, set.ATol = s.RTol, s.RTol
		set.PerSample = s.PerSample
	}
	return set, nil
}

// pilotTimes runs dopri5 at rtol = atol = 1e-3 on 64 noise vectors of seed
// and returns the times it reached: 0, every accepted step, 1.
func pilotTimes(ctx context.Context, field ode.VectorField[float32], seed uint64) ([]float64, error) {
	x0 := make([]float32, 64*784)
	flowmatch.Noise(x0, seed)
	s := ode.NewSolver[float32](ode.DOPRI5, len(x0))
	var times []float64
	s.Observer = func(t float64, _ []float32) error {
		times = append(times, t)
		return nil
	}
	_, err := s.Solve(ctx, ode.Problem[float32]{Field: field, T0: 0, T1: 1, X0: x0}, &ode.Settings{RTol: 1e-3, ATol: 1e-3})
	return times, err
}

func formatTimes(ts []float64) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%.3f", t)
	}
	return strings.Join(parts, " ")
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// measuredSet reports whether rows hold a measurement of a setting for an
// N, a seed and a model; the floor does not depend on the model.
func measuredSet(rows []row) func(label string, n int, seed uint64, model string) bool {
	key := func(label string, n int, seed uint64, model string) string {
		if label == floorLabel {
			model = ""
		}
		return fmt.Sprintf("%s|%d|%d|%s", label, n, seed, model)
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[key(r.Label, r.N, r.Seed, r.Model)] = true
	}
	return func(label string, n int, seed uint64, model string) bool {
		return have[key(label, n, seed, model)]
	}
}

// readJSONLines reads a file of one JSON value per line (blank lines
// skipped), naming the line of a bad one.
func readJSONLines[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var r T
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}
