package nn

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
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
	header, err := stHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
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
	return nil
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
// the offending tensor or byte offset.
func ReadSafetensors(path string) (*Safetensors, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nn: %w", err)
	}
	s, err := parseSafetensors(raw)
	if err != nil {
		return nil, fmt.Errorf("nn: %s: %w", path, err)
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
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 {
				return nil, fmt.Errorf("%w: tensor %q: negative dimension in shape %v", ErrSafetensors, name, e.Shape)
			}
			count *= int64(d)
		}
		b, end := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || end < b || end-b != 4*count {
			return nil, fmt.Errorf("%w: tensor %q: data_offsets [%d, %d] do not hold shape %v of F32", ErrSafetensors, name, b, end, e.Shape)
		}
		if end > int64(len(data)) {
			return nil, fmt.Errorf("%w: truncated: tensor %q ends at byte %d, the file at byte %d",
				ErrSafetensors, name, int64(8+n)+end, len(raw))
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
// shape; otherwise the error names the first missing or mismatched tensor.
// Tensors of s that match no parameter are ignored (a checkpoint may hold
// more than one model's tensors).
func (s *Safetensors) CopyInto(params []*Param) error {
	src := make([]*Tensor, len(params))
	for i, p := range params {
		t, ok := s.Get(p.Name)
		if !ok {
			return fmt.Errorf("%w: tensor %q is missing", ErrSafetensors, p.Name)
		}
		if !SameShape(t, p.Value) {
			return fmt.Errorf("%w: tensor %q has shape %v, want %v", ErrSafetensors, p.Name, t.Shape, p.Value.Shape)
		}
		src[i] = t
	}
	for i, p := range params {
		copy(p.Value.Data, src[i].Data)
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
