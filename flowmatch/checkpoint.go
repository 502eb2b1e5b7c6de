package flowmatch

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/windrose/windrose/nn"
)

// Checkpoint files are safetensors files (see package nn) holding
//
//	<name>          the network's weights under PyTorch's state_dict names
//	ema.<name>      the exponential moving average of the weights
//	adam.m.<name>   AdamW's first moments (PyTorch's exp_avg)
//	adam.v.<name>   AdamW's second moments (PyTorch's exp_avg_sq)
//	train.loss      the loss of every step so far, F32 [step]
//
// and, in __metadata__, the keys of checkpointKeys: the format and its
// version, the Config as JSON, the position of the run (step, images seen,
// epoch and index in that epoch's permutation, the number of training
// images), the state of the time-and-noise generator (a math/rand/v2 PCG's
// MarshalBinary, in hex), the cosine horizon, the EMA and AdamW step
// counts and the training time so far.
//
// Model files, for sampling, hold one set of weights under the plain names
// and the metadata keys format, version, config, step and images_seen.
const (
	checkpointFormat = "windrose.flowmatch.checkpoint"
	modelFormat      = "windrose.flowmatch.model"
	formatVersion    = "2"
	// legacyVersion files (before the recipe choices and data shapes)
	// are still read: their runs were the VelocityNet on 1×28×28 images
	// with σmin = 0.1.
	legacyVersion = "1"

	emaPrefix  = "ema."
	adamMPre   = "adam.m."
	adamVPre   = "adam.v."
	lossTensor = "train.loss"
)

// ErrCheckpoint is wrapped by every error about a checkpoint or model file
// whose content is malformed or does not fit (as opposed to one that
// cannot be read at all), so callers can tell them apart with errors.Is.
// A malformed safetensors container is reported by package nn, wrapping
// nn.ErrSafetensors, with the tensor or byte offset at fault.
var ErrCheckpoint = errors.New("invalid checkpoint")

func badFile(path, format string, args ...any) error {
	return fmt.Errorf("flowmatch: %s: %w: "+format, append([]any{path, ErrCheckpoint}, args...)...)
}

// Save writes the complete state of the run to path as one safetensors
// file, atomically (a temporary file in the same directory, synced,
// renamed over path, and the directory synced), then calls AfterSave.
// Resume continues from it exactly.
func (t *Trainer) Save(path string) error {
	return t.save(path, t.st.seconds)
}

// checkpoint saves to Config.Checkpoint during or at the end of a Train
// call that began at start.
func (t *Trainer) checkpoint(start time.Time) error {
	return t.save(t.cfg.Checkpoint, t.st.seconds+time.Since(start).Seconds())
}

func (t *Trainer) save(path string, seconds float64) error {
	var ts []nn.NamedTensor
	for _, p := range t.net.Params() {
		ts = append(ts, nn.NamedTensor{Name: p.Name, Tensor: p.Value})
	}
	for _, p := range t.ema.Params() {
		ts = append(ts, nn.NamedTensor{Name: emaPrefix + p.Name, Tensor: p.Value})
	}
	ts = append(ts, t.adamTensors()...)
	ts = append(ts, nn.NamedTensor{Name: lossTensor, Tensor: &nn.Tensor{Shape: []int{len(t.losses)}, Data: t.losses}})
	md := map[string]string{
		"format":         checkpointFormat,
		"version":        formatVersion,
		"config":         marshalConfig(t.cfg),
		"step":           strconv.Itoa(t.st.step),
		"images_seen":    strconv.Itoa(t.st.images),
		"epoch":          strconv.Itoa(t.st.epoch),
		"epoch_index":    strconv.Itoa(t.st.index),
		"data_size":      strconv.Itoa(t.data.Len()),
		"data_shape":     formatShape(t.shape),
		"rng":            marshalPCG(t.src),
		"schedule_steps": strconv.Itoa(t.st.horizon),
		"ema_updates":    strconv.Itoa(t.ema.Updates),
		"adam_steps":     strconv.Itoa(t.opt.Steps),
		"train_seconds":  strconv.FormatFloat(seconds, 'g', -1, 64),
	}
	if err := writeSafetensors(path, ts, md); err != nil {
		return fmt.Errorf("flowmatch: checkpoint: %w", err)
	}
	if t.AfterSave != nil {
		return t.AfterSave(path)
	}
	return nil
}

// formatShape writes a sample shape as the data_shape metadata value
// "channels,height,width".
func formatShape(s [3]int) string {
	return strconv.Itoa(s[0]) + "," + strconv.Itoa(s[1]) + "," + strconv.Itoa(s[2])
}

// shape reads the data_shape key; files of the legacy version, which lack
// it, were all of 1×28×28 MNIST images.
func (md metadata) shape() ([3]int, error) {
	v, ok := md.m["data_shape"]
	if !ok && md.m["version"] == legacyVersion {
		return [3]int{1, 28, 28}, nil
	}
	if !ok {
		return [3]int{}, badFile(md.path, "metadata key %q is missing", "data_shape")
	}
	var s [3]int
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return s, badFile(md.path, "metadata data_shape = %q, want channels,height,width", v)
	}
	for i, f := range parts {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || i == 0 && n > maxChannels || i > 0 && n > maxSide {
			return s, badFile(md.path, "metadata data_shape = %q, want 1 to %d channels of 1 to %d × %d", v, maxChannels, maxSide, maxSide)
		}
		s[i] = n
	}
	return s, nil
}

// adamTensors returns AdamW's moments under their checkpoint names; the
// tensors are the optimiser's own.
func (t *Trainer) adamTensors() []nn.NamedTensor {
	st := t.opt.State()
	out := make([]nn.NamedTensor, len(st))
	for i, nt := range st {
		switch {
		case strings.HasPrefix(nt.Name, "exp_avg_sq."):
			out[i] = nn.NamedTensor{Name: adamVPre + strings.TrimPrefix(nt.Name, "exp_avg_sq."), Tensor: nt.Tensor}
		case strings.HasPrefix(nt.Name, "exp_avg."):
			out[i] = nn.NamedTensor{Name: adamMPre + strings.TrimPrefix(nt.Name, "exp_avg."), Tensor: nt.Tensor}
		default:
			panic("flowmatch: internal error: unexpected AdamW state " + nt.Name)
		}
	}
	return out
}

// Resume loads the checkpoint at path, written by Trainer.Save or by
// Train, and returns a Trainer that continues the run exactly on data,
// which must be the same images the run started with.
//
// over changes how the resumed run stops and saves: its fields Epochs,
// Duration, MaxSteps, Checkpoint, CheckpointEvery and CheckpointSteps
// replace the checkpoint's when non-zero (Checkpoint defaults to path
// itself). The limits are totals over the run: Duration 20 minutes resumes
// a run stopped at 15 for 5 more. The recipe fields (Base to Loss) cannot change on resume: a
// non-zero one that differs from the checkpoint's is an error.
//
// A file that is not a checkpoint, is truncated, lacks a tensor, holds one
// of the wrong shape or an unknown one, or whose metadata is missing,
// malformed or inconsistent is refused with an error naming the file and
// the tensor, byte offset or metadata key at fault; nothing is half-loaded.
func Resume(path string, data Dataset, over Config) (*Trainer, error) {
	s, err := nn.ReadSafetensors(path)
	if err != nil {
		return nil, fmt.Errorf("flowmatch: %w", err)
	}
	md := metadata{path: path, m: s.Metadata}
	if err := md.format(checkpointFormat); err != nil {
		return nil, err
	}
	cfg, err := md.config()
	if err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if f := recipeConflict(over, cfg); f != "" {
		return nil, fmt.Errorf("flowmatch: %s: Config.%s cannot change when resuming (the checkpoint's recipe is %s)", path, f, marshalConfig(cfg))
	}
	newLimit := over.Epochs != 0 && over.Epochs != cfg.Epochs || over.MaxSteps != 0 && over.MaxSteps != cfg.MaxSteps
	if over.Epochs != 0 {
		cfg.Epochs = over.Epochs
	}
	newDuration := over.Duration != 0 && over.Duration != cfg.Duration
	if over.Duration != 0 {
		cfg.Duration = over.Duration
	}
	if over.MaxSteps != 0 {
		cfg.MaxSteps = over.MaxSteps
	}
	cfg.Checkpoint = path
	if over.Checkpoint != "" {
		cfg.Checkpoint = over.Checkpoint
	}
	if over.CheckpointEvery != 0 {
		cfg.CheckpointEvery = over.CheckpointEvery
	}
	if over.CheckpointSteps != 0 {
		cfg.CheckpointSteps = over.CheckpointSteps
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	shape, err := checkData(data)
	if err != nil {
		return nil, err
	}
	saved, err := md.shape()
	if err != nil {
		return nil, err
	}
	if saved != shape {
		return nil, fmt.Errorf("flowmatch: %s: the run trained on samples of shape %s, the data given has %s", path, formatShape(saved), formatShape(shape))
	}

	var st trainState
	ints := []struct {
		key string
		dst *int
	}{
		{"step", &st.step}, {"images_seen", &st.images}, {"epoch", &st.epoch},
		{"epoch_index", &st.index}, {"schedule_steps", &st.horizon},
	}
	for _, kv := range ints {
		if *kv.dst, err = md.int(kv.key); err != nil {
			return nil, err
		}
	}
	size, err := md.int("data_size")
	if err != nil {
		return nil, err
	}
	emaUpdates, err := md.int("ema_updates")
	if err != nil {
		return nil, err
	}
	adamSteps, err := md.int("adam_steps")
	if err != nil {
		return nil, err
	}
	if st.seconds, err = md.float("train_seconds"); err != nil {
		return nil, err
	}
	switch {
	case size != data.Len():
		return nil, fmt.Errorf("flowmatch: %s: the run trained on %d samples, the data given has %d: resuming needs the same data", path, size, data.Len())
	case st.step > maxSteps:
		return nil, badFile(path, "metadata step %d is beyond %d", st.step, maxSteps)
	case st.index >= size:
		return nil, badFile(path, "metadata epoch_index %d is outside the %d images of data_size", st.index, size)
	case st.images != st.epoch*size+st.index:
		return nil, badFile(path, "metadata images_seen %d does not match epoch %d and epoch_index %d of %d images", st.images, st.epoch, st.index, size)
	case adamSteps != st.step || emaUpdates != st.step:
		return nil, badFile(path, "metadata adam_steps %d and ema_updates %d should both equal step %d", adamSteps, emaUpdates, st.step)
	case st.step > 0 && st.images < st.step || st.images > st.step*cfg.Batch:
		return nil, badFile(path, "metadata images_seen %d cannot be reached in %d steps of batch %d", st.images, st.step, cfg.Batch)
	}

	if newDuration && cfg.ScheduleSteps == 0 {
		// Another time budget: the horizon fitted to the old one is stale
		// until Train refits it.
		st.horizon = 0
	} else if newLimit && cfg.ScheduleSteps == 0 && cfg.Duration == 0 {
		// Another step limit: the decay is refitted to it, as to a new
		// time budget (the steps already taken keep their rates).
		st.horizon = stepHorizon(cfg, data.Len())
	}
	t := &Trainer{cfg: cfg, data: data, shape: shape, st: st}
	// The initial weights are overwritten below; draw them from any source.
	if t.net, err = cfg.NewNetwork(shape[0], shape[1], shape[2], rand.New(rand.NewPCG(cfg.Seed, streamInit))); err != nil {
		return nil, fmt.Errorf("flowmatch: %s: %w", path, err)
	}
	t.opt = nn.NewAdamW(t.net.Params(), cfg.LR)
	t.ema = nn.NewEMA(t.net.Params(), cfg.EMADecay)
	t.src = rand.NewPCG(0, 0)
	if err := unmarshalPCG(t.src, md.m["rng"]); err != nil {
		return nil, badFile(path, "metadata rng %q: %v", md.m["rng"], err)
	}
	t.rng = rand.New(t.src)

	// Every tensor the trainer holds, under its file name.
	var dst []*nn.Param
	for _, p := range t.net.Params() {
		dst = append(dst, &nn.Param{Name: p.Name, Value: p.Value})
	}
	for _, p := range t.ema.Params() {
		dst = append(dst, &nn.Param{Name: emaPrefix + p.Name, Value: p.Value})
	}
	for _, nt := range t.adamTensors() {
		dst = append(dst, &nn.Param{Name: nt.Name, Value: nt.Tensor})
	}
	lossT, ok := s.Get(lossTensor)
	if !ok {
		return nil, badFile(path, "tensor %q is missing", lossTensor)
	}
	if len(lossT.Shape) != 1 || lossT.Shape[0] != st.step {
		return nil, badFile(path, "tensor %q has shape %v, want [%d] (one loss per step)", lossTensor, lossT.Shape, st.step)
	}
	if err := onlyKnown(path, s, dst, lossTensor); err != nil {
		return nil, err
	}
	if err := s.CopyInto(dst); err != nil {
		return nil, fmt.Errorf("flowmatch: %s: %w", path, err)
	}
	t.losses = append([]float32(nil), lossT.Data...)
	t.opt.Steps = adamSteps
	t.ema.Updates = emaUpdates
	t.perm = permutation(cfg.Seed, st.epoch, data.Len())
	return t, nil
}

// recipeConflict returns the name of the first recipe field set in over
// (non-zero) to a value other than cfg's, or "".
func recipeConflict(over, cfg Config) string {
	switch {
	case over.Base != 0 && over.Base != cfg.Base:
		return "Base"
	case over.TimeDim != 0 && over.TimeDim != cfg.TimeDim:
		return "TimeDim"
	case over.Batch != 0 && over.Batch != cfg.Batch:
		return "Batch"
	case over.LR != 0 && over.LR != cfg.LR:
		return "LR"
	case over.WarmupSteps != 0 && over.WarmupSteps != cfg.WarmupSteps:
		return "WarmupSteps"
	case over.Cosine && !cfg.Cosine:
		return "Cosine"
	case over.FinalLR != 0 && over.FinalLR != cfg.FinalLR:
		return "FinalLR"
	case over.ScheduleSteps != 0 && over.ScheduleSteps != cfg.ScheduleSteps:
		return "ScheduleSteps"
	case over.EMADecay != 0 && over.EMADecay != cfg.EMADecay:
		return "EMADecay"
	case over.Seed != 0 && over.Seed != cfg.Seed:
		return "Seed"
	case over.Loss != 0 && over.Loss != cfg.Loss:
		return "Loss"
	case over.Arch != "" && over.Arch != cfg.Arch:
		return "Arch"
	case over.SigmaMin != 0 && over.SigmaMin != cfg.SigmaMin:
		return "SigmaMin"
	case over.Times != 0 && over.Times != cfg.Times:
		return "Times"
	case over.TimeLoc != 0 && over.TimeLoc != cfg.TimeLoc:
		return "TimeLoc"
	case over.TimeScale != 0 && over.TimeScale != cfg.TimeScale:
		return "TimeScale"
	case over.OTCoupling && !cfg.OTCoupling:
		return "OTCoupling"
	case over.ClipNorm != 0 && over.ClipNorm != cfg.ClipNorm:
		return "ClipNorm"
	case !reflect.DeepEqual(over.UNet, nn.UNetConfig{}) && !reflect.DeepEqual(over.UNet.WithDefaults(), cfg.UNet.WithDefaults()):
		return "UNet"
	case over.MLP != (nn.MLPConfig{}) && over.MLP.WithDefaults() != cfg.MLP.WithDefaults():
		return "MLP"
	}
	return ""
}

// onlyKnown refuses a file holding tensors other than dst's and extra.
func onlyKnown(path string, s *nn.Safetensors, dst []*nn.Param, extra ...string) error {
	known := make(map[string]bool, len(dst)+len(extra))
	for _, p := range dst {
		known[p.Name] = true
	}
	for _, e := range extra {
		known[e] = true
	}
	for _, nt := range s.Tensors {
		if !known[nt.Name] {
			return badFile(path, "unexpected tensor %q", nt.Name)
		}
	}
	return nil
}

// metadata reads the typed values of a file's __metadata__.
type metadata struct {
	path string
	m    map[string]string
}

func (md metadata) get(key string) (string, error) {
	v, ok := md.m[key]
	if !ok {
		return "", badFile(md.path, "metadata key %q is missing", key)
	}
	return v, nil
}

// format checks the format and version keys.
func (md metadata) format(want string) error {
	if md.m == nil {
		return badFile(md.path, "no __metadata__: not a windrose %s file", want)
	}
	f, err := md.get("format")
	if err != nil {
		return err
	}
	if f != want {
		return badFile(md.path, "metadata format %q, want %q", f, want)
	}
	v, err := md.get("version")
	if err != nil {
		return err
	}
	if v != formatVersion && v != legacyVersion {
		return badFile(md.path, "metadata version %q: this windrose reads versions %s and %s", v, legacyVersion, formatVersion)
	}
	return nil
}

func (md metadata) int(key string) (int, error) {
	s, err := md.get(key)
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, badFile(md.path, "metadata %s = %q, want a non-negative integer", key, s)
	}
	return v, nil
}

func (md metadata) float(key string) (float64, error) {
	s, err := md.get(key)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0) || math.IsInf(v, 0) {
		return 0, badFile(md.path, "metadata %s = %q, want a finite non-negative number", key, s)
	}
	return v, nil
}

func (md metadata) config() (Config, error) {
	s, err := md.get("config")
	if err != nil {
		return Config{}, err
	}
	c, err := unmarshalConfig(s, md.m["version"] == legacyVersion)
	if err != nil {
		return Config{}, badFile(md.path, "metadata config: %v", err)
	}
	return c, nil
}

// Weights chooses which weights of a checkpoint a Model gets.
type Weights int

const (
	// EMAWeights are the exponential moving average, the weights to
	// sample with. The zero value.
	EMAWeights Weights = iota
	// RawWeights are the optimiser's current weights.
	RawWeights
)

// Model is a velocity network ready for sampling, the shape of its
// samples, and what is known of how it was trained.
type Model struct {
	Net Network
	// Config is the training configuration, as far as the file recorded
	// it (a file exported from PyTorch records none: then only Base and
	// TimeDim of the reference VelocityNet, read from the tensor shapes,
	// are set). Its Checkpoint is empty: files do not record it.
	Config Config
	// Shape is the shape of one sample: channels, height, width.
	Shape [3]int
	// Step and Images are the training steps and images behind the
	// weights; zero when unknown.
	Step, Images int
}

// Field returns the model's velocity field for the solvers.
func (m *Model) Field() *VelocityField {
	return NewVelocityField(m.Net, m.Shape[0], m.Shape[1], m.Shape[2])
}

// Dim returns the number of values in one sample.
func (m *Model) Dim() int { return m.Shape[0] * m.Shape[1] * m.Shape[2] }

// Save writes the model's weights, under their PyTorch names, and its
// training summary to path (atomically), in the model format that
// LoadModel reads and PyTorch's safetensors loads.
func (m *Model) Save(path string) error {
	md := map[string]string{
		"format":      modelFormat,
		"version":     formatVersion,
		"config":      marshalConfig(m.Config),
		"data_shape":  formatShape(m.Shape),
		"step":        strconv.Itoa(m.Step),
		"images_seen": strconv.Itoa(m.Images),
	}
	ts := make([]nn.NamedTensor, len(m.Net.Params()))
	for i, p := range m.Net.Params() {
		ts[i] = nn.NamedTensor{Name: p.Name, Tensor: p.Value}
	}
	if err := writeSafetensors(path, ts, md); err != nil {
		return fmt.Errorf("flowmatch: %w", err)
	}
	return nil
}

// writeSafetensors is nn.WriteSafetensors (atomic: temporary file, sync,
// rename, directory sync) for regular files only, leaving the file readable
// by all (0644) as a checkpoint meant for sharing should be. An existing
// path that is not a regular file is refused: the rename would replace a
// device such as /dev/null with a plain file.
func writeSafetensors(path string, ts []nn.NamedTensor, md map[string]string) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%v): a checkpoint or model needs one", path, fi.Mode().Type())
	}
	if err := nn.WriteSafetensors(path, ts, md); err != nil {
		return err
	}
	return os.Chmod(path, 0o644)
}

// LoadModel reads a model for sampling from path: a model file (Model.Save,
// `windrose train -export`), a training checkpoint (its EMA or raw weights,
// as w says) or a file of PyTorch state_dict weights of the reference
// VelocityNet exported with safetensors (its only weights, whatever w).
// The architecture and sample shape come from the metadata; a file without
// metadata is read as a reference VelocityNet for 1×28×28 images, sized by
// its tensor shapes (in_conv.weight is [Base,1,3,3], time_mlp.0.weight is
// [TimeDim,TimeDim]). Weights that are not finite are refused, naming the
// tensor.
func LoadModel(path string, w Weights) (*Model, error) {
	s, err := nn.ReadSafetensors(path)
	if err != nil {
		return nil, fmt.Errorf("flowmatch: %w", err)
	}
	return modelFrom(path, s, w)
}

// ReadModel is LoadModel for a file's content held in memory (the shipped
// model is embedded in the binary); name is used in error messages.
func ReadModel(name string, content []byte, w Weights) (*Model, error) {
	s, err := nn.DecodeSafetensors(name, content)
	if err != nil {
		return nil, fmt.Errorf("flowmatch: %w", err)
	}
	return modelFrom(name, s, w)
}

func modelFrom(path string, s *nn.Safetensors, w Weights) (*Model, error) {
	prefix := ""
	m := &Model{}
	md := metadata{path: path, m: s.Metadata}
	switch f := s.Metadata["format"]; f {
	case checkpointFormat, modelFormat:
		if err := md.format(f); err != nil {
			return nil, err
		}
		c, err := md.config()
		if err != nil {
			return nil, err
		}
		m.Config = c.withDefaults()
		if m.Shape, err = md.shape(); err != nil {
			return nil, err
		}
		if m.Step, err = md.int("step"); err != nil {
			return nil, err
		}
		if m.Images, err = md.int("images_seen"); err != nil {
			return nil, err
		}
		if f == checkpointFormat && w == EMAWeights {
			prefix = emaPrefix
		}
	case "":
		// PyTorch's export of the reference network: size it by its
		// tensors, within the bounds a Config allows.
		in, ok := s.Get("in_conv.weight")
		if !ok {
			return nil, badFile(path, "tensor %q is missing", "in_conv.weight")
		}
		tm, ok := s.Get("time_mlp.0.weight")
		if !ok {
			return nil, badFile(path, "tensor %q is missing", "time_mlp.0.weight")
		}
		if len(in.Shape) != 4 || len(tm.Shape) != 2 || in.Shape[1] != 1 || in.Shape[2] != 3 || in.Shape[3] != 3 || tm.Shape[1] != tm.Shape[0] {
			return nil, badFile(path, "tensors in_conv.weight %v and time_mlp.0.weight %v are not a VelocityNet's", in.Shape, tm.Shape)
		}
		m.Config = Config{Base: in.Shape[0], TimeDim: tm.Shape[0]}
		if err := m.Config.Validate(); err != nil || m.Config.Base == 0 {
			return nil, badFile(path, "in_conv.weight %v and time_mlp.0.weight %v give Base %d and TimeDim %d, not a VelocityNet with 8 groups (Base a multiple of 8 up to %d, TimeDim even up to %d)",
				in.Shape, tm.Shape, in.Shape[0], tm.Shape[0], maxBase, maxTimeDim)
		}
		m.Config = m.Config.withDefaults()
		m.Shape = [3]int{1, 28, 28}
	default:
		return nil, badFile(path, "metadata format %q, want %q or %q", f, modelFormat, checkpointFormat)
	}
	// Build the network only if the file can hold its weights: the
	// architecture comes from the file, and a few bytes of JSON must not
	// make the loader allocate gigabytes.
	var held float64
	for _, t := range s.Tensors {
		held += float64(len(t.Tensor.Data))
	}
	if need := ParamCount(m.Config, m.Shape); need > held {
		return nil, badFile(path, "its configuration asks for a network of %.0f parameters, the file holds %.0f values", need, held)
	}
	net, err := m.Config.NewNetwork(m.Shape[0], m.Shape[1], m.Shape[2], rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, badFile(path, "%v", err)
	}
	m.Net = net
	dst := make([]*nn.Param, len(net.Params()))
	for i, p := range net.Params() {
		dst[i] = &nn.Param{Name: prefix + p.Name, Value: p.Value}
	}
	// CopyInto refuses non-finite values, naming the tensor and index.
	if err := s.CopyInto(dst); err != nil {
		return nil, fmt.Errorf("flowmatch: %s: %w", path, err)
	}
	return m, nil
}

// SaveModel writes the EMA weights alone, in the model format, to path:
// the small file that sampling needs (what models/mnist.safetensors is).
func (t *Trainer) SaveModel(path string) error {
	if !t.finiteWeights() {
		return fmt.Errorf("flowmatch: not saving %s: the weights are not finite", path)
	}
	return t.Model().Save(path)
}
