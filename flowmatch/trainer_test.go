package flowmatch

import (
	"context"
	"errors"
	"github.com/google/go-cmp/cmp"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/windrose/windrose/nn"
)

// TestTrainLossFalls trains a tiny network on synthetic discs for a few
// seconds and checks that the loss falls, that the checkpoint appears and
// that AfterSave is told of it.
func TestTrainLossFalls(t *testing.T) {
	data := blobImages(96, 28, 28, 1)
	cfg := tinyConfig()
	cfg.MaxSteps = 60
	cfg.Checkpoint = filepath.Join(t.TempDir(), "run.safetensors")
	tr, err := NewTrainer(cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	var saved []string
	tr.AfterSave = func(p string) error { saved = append(saved, p); return nil }
	res, err := tr.Train(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Stop != StopMaxSteps || res.Steps != 60 || res.Images != 480 || res.Epoch != 5 || res.Checkpoint != cfg.Checkpoint {
		t.Errorf("result %+v, want 60 steps of 8 images (5 epochs of 96) ending at the step limit, checkpointed", res)
	}
	l := tr.Losses()
	mean := func(s []float32) float64 {
		var m float64
		for _, v := range s {
			m += float64(v)
		}
		return m / float64(len(s))
	}
	first, last := mean(l[:10]), mean(l[len(l)-10:])
	// At initialisation the MSE against u = x1 − 0.9·x0 is about
	// E|u|² ≈ 0.81 + E x1² ≈ 1.8; the tiny net learns the mean image
	// and part of the noise direction quickly. Measured: 1.9 → 0.3.
	if !(last < 0.5*first) {
		t.Errorf("mean loss of the first 10 steps %.3f, of the last 10 %.3f: want a fall by half at least", first, last)
	}
	for _, p := range []string{cfg.Checkpoint} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if len(saved) == 0 || saved[len(saved)-1] != cfg.Checkpoint {
		t.Errorf("AfterSave saw %q, want the checkpoint %q last", saved, cfg.Checkpoint)
	}
}

// snapshot copies every tensor a Trainer carries from step to step.
func snapshot(tr *Trainer) map[string][]float32 {
	m := map[string][]float32{}
	for _, p := range tr.net.Params() {
		m[p.Name] = append([]float32(nil), p.Value.ToHost()...)
	}
	for _, p := range tr.ema.Params() {
		m[emaPrefix+p.Name] = append([]float32(nil), p.Value.ToHost()...)
	}
	for _, nt := range tr.adamTensors() {
		m[nt.Name] = append([]float32(nil), nt.Tensor.ToHost()...)
	}
	m[lossTensor] = append([]float32(nil), tr.losses...)
	return m
}

func sameBits(t *testing.T, what string, got, want map[string][]float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d tensors, want %d", what, len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if len(g) != len(w) {
			t.Errorf("%s: %s has %d values, want %d", what, name, len(g), len(w))
			continue
		}
		for i := range w {
			if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
				t.Errorf("%s: %s[%d] = %v, want %v bit for bit", what, name, i, g[i], w[i])
				break
			}
		}
	}
}

// TestResumeIsExact trains K steps in one go, and K/2 steps, a checkpoint
// and K/2 more steps in a Trainer resumed from it, and checks that the
// weights, the EMA, the optimiser moments and the losses agree bit for
// bit. 40 images in batches of 12 make epochs of 4 steps, the last one of
// 4 images, so the run crosses epoch boundaries and a partial batch, and
// the checkpoint falls inside an epoch. The cosine horizon is set
// (ScheduleSteps), so that the step limits that interrupt the runs do not
// refit it. The width (16) and batch are large enough for the nn backend to
// split convolutions over goroutines, so the test also catches reductions
// whose order depends on scheduling (see TestBackwardIsDeterministic).
func TestResumeIsExact(t *testing.T) {
	reference := tinyConfig()
	reference.Base, reference.Batch = 16, 12
	reference.Loss, reference.SigmaMin = LossReference, SigmaMin
	// Every recipe choice that draws or reorders: logit-normal times, OT
	// coupling, clipping, a UNet.
	unet := tinyConfig()
	unet.Arch, unet.UNet = ArchUNet, nn.UNetConfig{Base: 8, Mults: []int{1, 2, 2}, TimeDim: 16, Groups: 4}
	unet.Batch, unet.Times, unet.TimeLoc, unet.OTCoupling, unet.ClipNorm = 12, TimesLogitNormal, 0.3, true, 0.5
	for _, cfg := range []Config{reference, unet} {
		cfg.Epochs = 4
		cfg.ScheduleSteps = 16
		data := blobImages(40, 28, 28, 2)
		const K = 10
		dir := t.TempDir()

		straight := cfg
		straight.MaxSteps = K
		a, _, err := Train(context.Background(), straight, data)
		if err != nil {
			t.Fatal(err)
		}

		first := cfg
		first.MaxSteps = K / 2
		first.Checkpoint = filepath.Join(dir, "half.safetensors")
		if _, _, err := Train(context.Background(), first, data); err != nil {
			t.Fatal(err)
		}
		b, err := Resume(first.Checkpoint, data, Config{MaxSteps: K})
		if err != nil {
			t.Fatal(err)
		}
		if b.Step() != K/2 {
			t.Fatalf("resumed at step %d, want %d", b.Step(), K/2)
		}
		res, err := b.Train(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if res.Steps != K || res.Images != a.st.images || res.Epoch != a.st.epoch {
			t.Errorf("resumed run ended at %+v, the straight one at %+v", res, a.st)
		}
		sameBits(t, "resumed", snapshot(b), snapshot(a))

		// And the resumed run's own checkpoint, resumed again with no more
		// steps to take, holds the same state.
		c, err := Resume(first.Checkpoint, data, Config{})
		if err != nil {
			t.Fatal(err)
		}
		sameBits(t, "reloaded", snapshot(c), snapshot(a))
	}
}

// TestNonFiniteLossKeepsCheckpoint makes step 7 produce a NaN loss after
// checkpoints every 2 steps: Train must stop with a NonFiniteError naming
// step 7 and leave the checkpoint of step 6 on disk, finite and resumable.
func TestNonFiniteLossKeepsCheckpoint(t *testing.T) {
	data := blobImages(40, 28, 28, 3)
	cfg := tinyConfig()
	cfg.CheckpointSteps = 2
	cfg.Checkpoint = filepath.Join(t.TempDir(), "run.safetensors")
	tr, err := NewTrainer(cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	tr.lossHook = func(step int, l float64) float64 {
		if step == 7 {
			return math.NaN()
		}
		return l
	}
	res, err := tr.Train(context.Background())
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Step != 7 || !math.IsNaN(nf.Loss) || nf.Weights {
		t.Fatalf("Train error %v, want a NonFiniteError for the loss of step 7", err)
	}
	if res.Stop != StopNonFinite || res.Steps != 6 {
		t.Errorf("result %+v, want StopNonFinite after 6 steps", res)
	}
	s, err := nn.ReadSafetensors(cfg.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if s.Metadata["step"] != "6" {
		t.Errorf("checkpoint at step %s, want 6", s.Metadata["step"])
	}
	for _, nt := range s.Tensors {
		for _, v := range nt.Tensor.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("checkpoint tensor %s holds %v", nt.Name, v)
			}
		}
	}
	if _, err := Resume(cfg.Checkpoint, data, Config{}); err != nil {
		t.Errorf("the kept checkpoint does not resume: %v", err)
	}
}

// TestDivergenceStops drives the weights to overflow with an absurd
// learning rate and checks that training stops with a NonFiniteError and
// never writes a non-finite checkpoint (checkpoints every step).
func TestDivergenceStops(t *testing.T) {
	data := blobImages(40, 28, 28, 3)
	cfg := tinyConfig()
	cfg.LR = 1e36
	cfg.WarmupSteps = 0
	cfg.MaxSteps = 50
	cfg.CheckpointSteps = 1
	cfg.Checkpoint = filepath.Join(t.TempDir(), "run.safetensors")
	_, res, err := Train(context.Background(), cfg, data)
	var nf *NonFiniteError
	if !errors.As(err, &nf) {
		t.Fatalf("Train error %v (result %+v), want a NonFiniteError", err, res)
	}
	t.Logf("%v", err)
	s, err := nn.ReadSafetensors(cfg.Checkpoint)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return // it failed before the first checkpoint: nothing written is right too
		}
		t.Fatal(err)
	}
	for _, nt := range s.Tensors {
		for _, v := range nt.Tensor.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("checkpoint (step %s) tensor %s holds %v; the error was %v", s.Metadata["step"], nt.Name, v, err)
			}
		}
	}
	if step, _ := strconv.Atoi(s.Metadata["step"]); step >= nf.Step {
		t.Errorf("checkpoint at step %d, the failure at step %d", step, nf.Step)
	}
}

// TestCancelSaves cancels the context during step 5 (from the progress
// callback) and checks that Train writes a checkpoint of the steps done and
// returns the context's error.
func TestCancelSaves(t *testing.T) {
	data := blobImages(40, 28, 28, 4)
	cfg := tinyConfig()
	cfg.Checkpoint = filepath.Join(t.TempDir(), "run.safetensors")
	tr, err := NewTrainer(cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen []int
	tr.Progress = func(p Progress) {
		seen = append(seen, p.Step)
		if p.Step == 5 {
			cancel()
		}
	}
	res, err := tr.Train(ctx)
	if !errors.Is(err, context.Canceled) || res.Stop != StopCanceled || res.Steps != 5 || res.Checkpoint == "" {
		t.Fatalf("Train = %+v, %v; want canceled after 5 steps with a checkpoint", res, err)
	}
	if len(seen) != 5 || seen[0] != 1 {
		t.Errorf("progress reported steps %v, want 1…5", seen)
	}
	r, err := Resume(cfg.Checkpoint, data, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Step() != 5 {
		t.Errorf("checkpoint at step %d, want 5", r.Step())
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero Config: %v", err)
	}
	for _, c := range []Config{DefaultConfig(), ReferenceConfig()} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	// The zero Config is the reference recipe but for σmin, which is 0
	// unless set.
	ref := ReferenceConfig().withDefaults()
	ref.SigmaMin = 0
	if d := cmp.Diff(ref, Config{}.withDefaults()); d != "" {
		t.Errorf("the zero Config is not ReferenceConfig with σmin = 0 (-want +got):\n%s", d)
	}
	for _, c := range []Config{
		{Base: 12}, {Base: -8}, {TimeDim: 3}, {Batch: -1}, {LR: -1}, {LR: math.NaN()}, {WarmupSteps: -1},
		{FinalLR: -1}, {EMADecay: 1}, {EMADecay: -0.5}, {Loss: 5}, {Epochs: -1}, {Duration: -1}, {MaxSteps: -1},
		{CheckpointEvery: -1}, {CheckpointSteps: -1}, {ScheduleSteps: -1},
		{Base: 1 << 20}, {TimeDim: 1 << 20}, {Arch: "resnet"}, {SigmaMin: -0.1}, {SigmaMin: 1},
		{Times: 7}, {TimeScale: -1}, {TimeLoc: math.Inf(1)}, {ClipNorm: -1}, {ClipNorm: math.NaN()},
		{Arch: ArchUNet, UNet: nn.UNetConfig{Base: 12}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if _, err := NewTrainer(Config{Base: 12}, blobImages(2, 28, 28, 1)); err == nil {
		t.Error("NewTrainer accepted Base 12")
	}
	if _, err := NewTrainer(tinyConfig(), blobImages(2, 27, 28, 1)); err == nil {
		t.Error("NewTrainer accepted 27×28 images")
	}
}

// TestEstimateHorizon fits the cosine horizon of a 100-second run that has
// taken 20 steps in 20 seconds after a first step of 1 second: 79 seconds
// are left at 1 step per second, so the horizon is 20 + 79 = 99 steps
// (give or take the microseconds the test itself takes). It is refitted
// only after horizonRefresh, and never beyond Epochs' worth of steps.
func TestEstimateHorizon(t *testing.T) {
	tr, err := NewTrainer(Config{Base: 8, Batch: 8, Duration: 100 * time.Second, Cosine: true, Epochs: 1000, WarmupSteps: 30}, blobImages(16, 28, 28, 1))
	if err != nil {
		t.Fatal(err)
	}
	if tr.st.horizon != 0 {
		t.Fatalf("time-limited run starts with horizon %d, want 0 (unknown)", tr.st.horizon)
	}
	start := time.Now().Add(-21 * time.Second)
	first := start.Add(time.Second)
	tr.st.step = 21
	tr.estimateHorizon(start, first, 1, first.Add(10*time.Second)) // 10 s measured: too early
	if tr.st.horizon != 0 {
		t.Errorf("fitted after 10 s: %d", tr.st.horizon)
	}
	now := start.Add(21 * time.Second)
	tr.estimateHorizon(start, first, 1, now)
	if h := tr.st.horizon; h < 98 || h > 100 {
		t.Errorf("horizon %d, want 99", h)
	}
	tr.st.step = 29 // faster since: not refitted within 10 s
	tr.estimateHorizon(start, first, 1, now.Add(5*time.Second))
	if h := tr.st.horizon; h < 98 || h > 100 {
		t.Errorf("refitted within %v: %d", horizonRefresh, h)
	}
	tr.cfg.Epochs = 2 // 4 steps of 8 per epoch of 16 images
	tr.estimateHorizon(start, first, 1, now.Add(11*time.Second))
	if h := tr.st.horizon; h != 30 {
		t.Errorf("horizon %d, want max(Epochs' 4 steps, step + 1) = 30", h)
	}
	// At the end of the warm-up the horizon is fitted at once and for good.
	tr.cfg.Epochs = 1000
	tr.st.step = 30
	tr.estimateHorizon(start, first, 1, now.Add(12*time.Second))
	h := tr.st.horizon
	if h <= 30 || !tr.horizonFixed {
		t.Fatalf("end of the warm-up: horizon %d, fixed %v", h, tr.horizonFixed)
	}
	tr.st.step = 31
	tr.estimateHorizon(start, first, 1, now.Add(30*time.Second))
	if tr.st.horizon != h {
		t.Errorf("horizon refitted to %d after the warm-up, want it kept at %d", tr.st.horizon, h)
	}
}

// TestHorizonStopsAtMaxSteps: a run limited by MaxSteps decays its cosine
// over those steps, not over Epochs' worth (50 epochs here, 100 steps),
// whether or not a time budget is also set.
func TestHorizonStopsAtMaxSteps(t *testing.T) {
	data := blobImages(16, 28, 28, 1)
	tr, err := NewTrainer(Config{Base: 8, Batch: 8, Cosine: true, Epochs: 50, MaxSteps: 30}, data)
	if err != nil {
		t.Fatal(err)
	}
	if tr.st.horizon != 30 {
		t.Errorf("step-limited run: horizon %d, want MaxSteps = 30", tr.st.horizon)
	}
	tr, err = NewTrainer(Config{Base: 8, Batch: 8, Cosine: true, Epochs: 50, MaxSteps: 30, Duration: time.Hour}, data)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-21 * time.Second)
	first := start.Add(time.Second)
	tr.st.step = 21 // 1 step per second: an hour would fit ~3600 steps
	tr.estimateHorizon(start, first, 1, start.Add(21*time.Second))
	if tr.st.horizon != 30 {
		t.Errorf("time- and step-limited run: horizon %d, want MaxSteps = 30", tr.st.horizon)
	}

	// Resumed with a higher step limit, the decay is refitted to it.
	cfg := Config{Base: 8, Batch: 8, Cosine: true, Epochs: 50, MaxSteps: 3, Checkpoint: filepath.Join(t.TempDir(), "c.safetensors")}
	if _, _, err := Train(context.Background(), cfg, data); err != nil {
		t.Fatal(err)
	}
	tr, err = Resume(cfg.Checkpoint, data, Config{MaxSteps: 12})
	if err != nil {
		t.Fatal(err)
	}
	if tr.st.horizon != 12 {
		t.Errorf("resumed with MaxSteps 12: horizon %d, want 12", tr.st.horizon)
	}
}

// TestTimedRunReproducible: a run limited by time records the horizon it
// fitted, and a run limited by its step count with that horizon ends with
// the same weights, bit for bit.
func TestTimedRunReproducible(t *testing.T) {
	saved := horizonProbe
	defer func() { horizonProbe = saved }()
	horizonProbe = 300 * time.Millisecond
	data := blobImages(40, 28, 28, 4)
	cfg := tinyConfig()
	cfg.WarmupSteps = 3
	cfg.Duration = 1500 * time.Millisecond
	timed, res, err := Train(context.Background(), cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stop != StopDuration || timed.Horizon() == 0 {
		t.Fatalf("timed run stopped (%v) with horizon %d", res.Stop, timed.Horizon())
	}
	again := tinyConfig()
	again.WarmupSteps = 3
	again.MaxSteps, again.ScheduleSteps = res.Steps, timed.Horizon()
	stepped, _, err := Train(context.Background(), again, data)
	if err != nil {
		t.Fatal(err)
	}
	sameBits(t, "stepped run", snapshot(stepped), snapshot(timed))
}
