package nn

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Safetensors I/O (format: https://github.com/huggingface/safetensors, the
// "Format" section of its README): an 8-byte little-endian unsigned header
// length N, N bytes of a JSON object mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (byte offsets into the
// data that follows the header) plus an optional "__metadata__" object of
// strings, then the raw little-endian tensor data. It is how windrose
// checkpoints are stored, and what PyTorch reads with safetensors.torch.
// Only dtype "F32" is supported, the only one windrose produces.

// ErrSafetensors is wrapped by every error about a malformed or mismatched
// safetensors file, so callers can tell a bad file from an I/O failure with
// errors.Is.
var ErrSafetensors = errors.New("invalid safetensors file")

// maxHeader bounds the JSON header we are willing to parse; the reference
// implementation refuses headers over 100 MB (safetensors' MAX_HEADER_SIZE).
const maxHeader = 100 << 20

// maxRank bounds the number of dimensions of a tensor. windrose writes
// tensors of rank at most 4 (convolution weights) and PyTorch's state dicts
// rarely go beyond 5; a longer shape is a crafted or corrupt header.
const maxRank = 8

// NamedTensor is a tensor and its name in a file.
type NamedTensor struct {
	Name   string
	Tensor *Tensor
}

// Safetensors is the content of a safetensors file.
type Safetensors struct {
	// Tensors in the order of their data in the file.
	Tensors []NamedTensor
	// Metadata is the "__metadata__" map; nil if the file has none.
	Metadata map[string]string
}

// Get returns the tensor called name.
func (s *Safetensors) Get(name string) (*Tensor, bool) {
	for _, t := range s.Tensors {
		if t.Name == name {
			return t.Tensor, true
		}
	}
	return nil, false
}

type stEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteSafetensors writes tensors, in the given order, and metadata (may be
// nil) to path. The write is atomic: the file is written to a temporary file
// in the same directory, synced to disk and renamed over path, so a crash
// leaves either the old file or the new one, never a torn one. Names must be
// unique, non-empty and not "__metadata__".
func WriteSafetensors(path string, tensors []NamedTensor, metadata map[string]string) (err error) {
	for _, nt := range tensors {
		if nt.Tensor != nil {
			nt.Tensor.ToHost()
		}
	}
	header, err := stHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	start := time.Now()
	f, err := os.CreateTemp(dir, tmpPrefix(base)+"*")
	if err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	w.Write(lenBuf[:])
	w.Write(header)
	var buf [4]byte
	for _, nt := range tensors {
		for _, v := range nt.Tensor.Data {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			w.Write(buf[:])
		}
	}
	if err = w.Flush(); err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	// Make the rename itself durable.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	removeStaleTemps(dir, base, start.Add(-staleGrace))
	return nil
}

// tmpPrefix is the name of WriteSafetensors' temporary files for base
// before os.CreateTemp's random part.
func tmpPrefix(base string) string { return "." + base + ".tmp-" }

// staleGrace is how much older than the start of a write a temporary file
// must be for that write to remove it: a concurrent writer of the same path
// keeps its temporary's modification time recent while it writes, so only
// temporaries orphaned by a killed process are removed.
const staleGrace = time.Minute

// removeStaleTemps removes the temporary files of earlier writes of base in
// dir that a killed process left behind: regular files named exactly as
// WriteSafetensors names them (the prefix, then the decimal digits that
// os.CreateTemp puts for "*") and last modified before cutoff. Nothing else
// is touched: not another file's temporaries, not a directory or a link. It
// runs after a successful write, and failing to remove a stale file is not
// an error of that write.
func removeStaleTemps(dir, base string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tmpPrefix(base)
	for _, e := range entries {
		name := e.Name()
		if !isTempName(name, prefix) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue
		}
		os.Remove(filepath.Join(dir, name))
	}
}

// isTempName reports whether name is prefix followed by one or more decimal
// digits and nothing else.
func isTempName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// stHeader builds the JSON header, tensors in the given order, padded with
// spaces to a multiple of 8 bytes as the reference implementation does (so
// the data that follows is aligned for float32 and float64 views).
func stHeader(tensors []NamedTensor, metadata map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			b.WriteByte(',')
		}
		first = false
	}
	if metadata != nil {
		m, err := json.Marshal(metadata) // keys sorted: the header is deterministic
		if err != nil {
			return nil, err
		}
		sep()
		b.WriteString(`"__metadata__":`)
		b.Write(m)
	}
	seen := map[string]bool{}
	var off int64
	for _, nt := range tensors {
		if nt.Name == "" || nt.Name == "__metadata__" || seen[nt.Name] {
			return nil, fmt.Errorf("%w: bad or duplicate tensor name %q", ErrSafetensors, nt.Name)
		}
		seen[nt.Name] = true
		if nt.Tensor == nil || len(nt.Tensor.Data) != nt.Tensor.Len() {
			return nil, fmt.Errorf("%w: tensor %q: data does not match its shape", ErrSafetensors, nt.Name)
		}
		size := int64(4 * len(nt.Tensor.Data))
		shape := nt.Tensor.Shape
		if shape == nil {
			shape = []int{}
		}
		e, err := json.Marshal(stEntry{Dtype: "F32", Shape: shape, DataOffsets: [2]int64{off, off + size}})
		if err != nil {
			return nil, err
		}
		name, _ := json.Marshal(nt.Name)
		sep()
		b.Write(name)
		b.WriteByte(':')
		b.Write(e)
		off += size
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

// ReadSafetensors reads a safetensors file of F32 tensors. A truncated or
// malformed file is refused with an error wrapping ErrSafetensors that names
// the file and the offending tensor or byte offset (see DecodeSafetensors);
// so is a path that is not a regular file (opening a FIFO blocks until a
// writer comes; a device may never end).
func ReadSafetensors(path string) (*Safetensors, error) {
	// Stat before opening: open(2) itself blocks on a FIFO.
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("nn: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(path, info)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("nn: %w", err)
	}
	defer f.Close()
	// The path may have been replaced between the two calls.
	if info, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("nn: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(path, info)
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("nn: %s: %w", path, err)
	}
	return DecodeSafetensors(path, raw)
}

func notRegular(path string, info os.FileInfo) error {
	return fmt.Errorf("nn: %s: %w: not a regular file (mode %v)", path, ErrSafetensors, info.Mode())
}

// DecodeSafetensors decodes the content b of a safetensors file of F32
// tensors; name (a path, or what b is, such as the name of an embedded
// file) is used in errors. The tensors are copied out of b, which is not
// retained.
//
// A truncated or malformed content is refused with an error, starting
// "nn: name: ", that wraps ErrSafetensors and names the offending tensor or
// byte offset. No allocation exceeds what b can hold: a tensor's data must
// lie within b, tensors must not overlap, a shape's product must not
// overflow and a shape has at most 8 dimensions. A tensor of zero size
// has no data to bound its shape, so each of its dimensions must be at most
// the number of float32 values b can hold (at least 1): it cannot carry an
// absurd width that a caller would size a model by. Non-finite values are
// read as they are; CopyInto refuses them.
func DecodeSafetensors(name string, b []byte) (*Safetensors, error) {
	s, err := parseSafetensors(b)
	if err != nil {
		return nil, fmt.Errorf("nn: %s: %w", name, err)
	}
	return s, nil
}

func parseSafetensors(raw []byte) (*Safetensors, error) {
	if len(raw) < 8 {
		return nil, fmt.Errorf("%w: truncated: %d bytes, the header length alone takes 8", ErrSafetensors, len(raw))
	}
	n := binary.LittleEndian.Uint64(raw[:8])
	if n > maxHeader {
		return nil, fmt.Errorf("%w: header length %d exceeds the %d-byte limit", ErrSafetensors, n, maxHeader)
	}
	if 8+n > uint64(len(raw)) {
		return nil, fmt.Errorf("%w: truncated: the header ends at byte %d, the file at byte %d", ErrSafetensors, 8+n, len(raw))
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+n], &entries); err != nil {
		return nil, fmt.Errorf("%w: header (bytes 8 to %d): %v", ErrSafetensors, 8+n, err)
	}
	data := raw[8+n:]
	// capacity is the number of float32 values the data can hold: no
	// tensor holds more, and no dimension exceeds it (or 1).
	capacity := int64(len(data) / 4)
	s := &Safetensors{}
	type span struct {
		name       string
		begin, end int64
		shape      []int
	}
	var spans []span
	for name, msg := range entries {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &s.Metadata); err != nil {
				return nil, fmt.Errorf("%w: __metadata__ is not a map of strings: %v", ErrSafetensors, err)
			}
			continue
		}
		var e stEntry
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%w: tensor %q: %v", ErrSafetensors, name, err)
		}
		if e.Dtype != "F32" {
			return nil, fmt.Errorf("%w: tensor %q: dtype %q, only F32 is supported", ErrSafetensors, name, e.Dtype)
		}
		if len(e.Shape) > maxRank {
			return nil, fmt.Errorf("%w: tensor %q: shape %v has %d dimensions, at most %d are supported", ErrSafetensors, name, e.Shape, len(e.Shape), maxRank)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 {
				return nil, fmt.Errorf("%w: tensor %q: negative dimension in shape %v", ErrSafetensors, name, e.Shape)
			}
			// 4·count must not overflow: count·d ≤ MaxInt64/4, checked
			// without overflowing. A larger count could never match the
			// data offsets, but an overflowed one could (4·2^62 is 0).
			if d > 0 && count > math.MaxInt64/4/int64(d) {
				return nil, fmt.Errorf("%w: tensor %q: the product of shape %v overflows", ErrSafetensors, name, e.Shape)
			}
			count *= int64(d)
		}
		if count == 0 {
			// A tensor of zero size has no data to bound its other
			// dimensions; a caller that reads an architecture from the
			// shapes would allocate by them.
			for _, d := range e.Shape {
				if int64(d) > max(capacity, 1) {
					return nil, fmt.Errorf("%w: tensor %q: dimension %d of the zero-size shape %v exceeds the %d float32 values the file's data can hold",
						ErrSafetensors, name, d, e.Shape, capacity)
				}
			}
		}
		b, end := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || end < b || end-b != 4*count {
			return nil, fmt.Errorf("%w: tensor %q: data_offsets [%d, %d] do not hold shape %v of F32", ErrSafetensors, name, b, end, e.Shape)
		}
		if end > int64(len(data)) {
			// In uint64: end < 2^63 and n ≤ maxHeader, so the sum fits.
			return nil, fmt.Errorf("%w: truncated: tensor %q ends at byte %d, the file at byte %d",
				ErrSafetensors, name, 8+n+uint64(end), len(raw))
		}
		spans = append(spans, span{name, b, end, e.Shape})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	for i := 1; i < len(spans); i++ {
		if spans[i].begin < spans[i-1].end {
			return nil, fmt.Errorf("%w: tensors %q and %q overlap", ErrSafetensors, spans[i-1].name, spans[i].name)
		}
	}
	for _, sp := range spans {
		t := &Tensor{Shape: append([]int{}, sp.shape...), Data: make([]float32, (sp.end-sp.begin)/4)}
		src := data[sp.begin:sp.end]
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
		s.Tensors = append(s.Tensors, NamedTensor{sp.name, t})
	}
	return s, nil
}

// SaveParams writes the values of params, under their names, to a
// safetensors file (atomically; see WriteSafetensors).
func SaveParams(path string, params []*Param, metadata map[string]string) error {
	ts := make([]NamedTensor, len(params))
	for i, p := range params {
		ts[i] = NamedTensor{p.Name, p.Value}
	}
	return WriteSafetensors(path, ts, metadata)
}

// CopyInto copies the tensors of s into the values of params, matched by
// name. It changes nothing unless every parameter has a tensor of its exact
// shape whose values are all finite; otherwise the error names the first
// missing or mismatched tensor, or the tensor and the index of its first NaN
// or infinity (every caller loads weights or optimizer state to compute
// with, where a non-finite value would only surface later as NaN samples or
// losses). Tensors of s that match no parameter are ignored (a checkpoint
// may hold more than one model's tensors).
func (s *Safetensors) CopyInto(params []*Param) error {
	src := make([]*Tensor, len(params))
	for i, p := range params {
		t, ok := s.Get(p.Name)
		if !ok {
			return fmt.Errorf("%w: tensor %q is missing", ErrSafetensors, p.Name)
		}
		if !SameShape(t, p.Value) {
			if t.Len() == 0 && p.Value.Len() != 0 {
				return fmt.Errorf("%w: tensor %q has shape %v, with a zero dimension, want %v", ErrSafetensors, p.Name, t.Shape, p.Value.Shape)
			}
			return fmt.Errorf("%w: tensor %q has shape %v, want %v", ErrSafetensors, p.Name, t.Shape, p.Value.Shape)
		}
		for j, v := range t.ToHost() {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: tensor %q: value %v at index %d (of %d, shape %v); weights must be finite",
					ErrSafetensors, p.Name, v, j, len(t.Data), t.Shape)
			}
		}
		src[i] = t
	}
	for i, p := range params {
		copy(p.Value.Data, src[i].Data)
		p.Value.HostChanged()
	}
	return nil
}

// LoadParams reads a safetensors file into params (see CopyInto) and returns
// its metadata.
func LoadParams(path string, params []*Param) (map[string]string, error) {
	s, err := ReadSafetensors(path)
	if err != nil {
		return nil, err
	}
	if err := s.CopyInto(params); err != nil {
		return nil, fmt.Errorf("nn: %s: %w", path, err)
	}
	return s.Metadata, nil
}
