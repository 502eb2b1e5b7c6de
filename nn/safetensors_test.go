package nn

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSafetensorsBytes checks the exact bytes of a tiny file against the
// format description: an 8-byte little-endian header length, the JSON
// header padded with spaces to a multiple of 8, then little-endian float32s.
func TestSafetensorsBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.safetensors")
	a := &Tensor{Shape: []int{2}, Data: []float32{1, -2}}
	if err := WriteSafetensors(path, []NamedTensor{{"a", a}}, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	padded := header + strings.Repeat(" ", (8-len(header)%8)%8)
	want := make([]byte, 8)
	binary.LittleEndian.PutUint64(want, uint64(len(padded)))
	want = append(want, padded...)
	want = append(want, 0x00, 0x00, 0x80, 0x3f) // 1.0f = 0x3f800000
	want = append(want, 0x00, 0x00, 0x00, 0xc0) // -2.0f = 0xc0000000
	if string(raw) != string(want) {
		t.Errorf("file bytes\n%q\nwant\n%q", raw, want)
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	rng := newRand(11)
	ts := []NamedTensor{
		{"z.last", randTensor(rng, 1, 3, 2)},
		{"a.first", randTensor(rng, 1, 4)},
		{"scalar", &Tensor{Shape: []int{}, Data: []float32{float32(math.Inf(-1))}}},
		{"empty", NewTensor(0, 3)},
	}
	meta := map[string]string{"step": "12", "note": "ünïcode \"quoted\""}
	if err := WriteSafetensors(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	// Overwrite it (atomic replace), and check no temporary is left over.
	if err := WriteSafetensors(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after two writes, want 1", len(entries))
	}
	s, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tensors) != len(ts) {
		t.Fatalf("read %d tensors, want %d", len(s.Tensors), len(ts))
	}
	for i, nt := range ts {
		got := s.Tensors[i] // file order is write order
		if got.Name != nt.Name || !SameShape(got.Tensor, nt.Tensor) {
			t.Fatalf("tensor %d: %s %v, want %s %v", i, got.Name, got.Tensor.Shape, nt.Name, nt.Tensor.Shape)
		}
		for j, v := range nt.Tensor.Data {
			if math.Float32bits(got.Tensor.Data[j]) != math.Float32bits(v) {
				t.Fatalf("%s[%d] = %g, want %g", nt.Name, j, got.Tensor.Data[j], v)
			}
		}
	}
	if len(s.Metadata) != 2 || s.Metadata["step"] != "12" || s.Metadata["note"] != meta["note"] {
		t.Errorf("metadata %v, want %v", s.Metadata, meta)
	}
}

func TestSafetensorsRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "net.safetensors")
	net := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(12))
	if err := net.Save(path, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	hlen := int(binary.LittleEndian.Uint64(raw))

	// Truncations: inside the length, inside the header, inside the data.
	for _, n := range []int{0, 5, 8 + hlen/2, 8 + hlen + 10, len(raw) - 1} {
		p := filepath.Join(dir, "trunc.safetensors")
		os.WriteFile(p, raw[:n], 0o644)
		_, err := ReadSafetensors(p)
		if err == nil || !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("truncated to %d bytes: error %v", n, err)
		}
	}
	// The last tensor in the file is the one the truncation cuts.
	p := filepath.Join(dir, "trunc.safetensors")
	os.WriteFile(p, raw[:len(raw)-1], 0o644)
	if _, err := ReadSafetensors(p); err == nil || !strings.Contains(err.Error(), `"out_conv.bias"`) ||
		!strings.Contains(err.Error(), "byte") {
		t.Errorf("truncated data: error %v does not name out_conv.bias and a byte offset", err)
	}

	// A net of another width: wrong shapes, named.
	other := NewVelocityNet(Config{Base: 4, TimeDim: 8, Groups: 2}, newRand(13))
	before := other.Params()[0].Value.Clone()
	_, err := other.Load(path)
	if err == nil || !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), `"in_conv.weight"`) {
		t.Errorf("loading Base 8 weights into Base 4: error %v", err)
	}
	checkClose(t, "unchanged after a refused load", other.Params()[0].Value.ToHost(), f64(before.Data), 0)

	// A missing tensor, named.
	s, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	var kept []NamedTensor
	for _, nt := range s.Tensors {
		if nt.Name != "rb2.film.1.bias" {
			kept = append(kept, nt)
		}
	}
	if err := WriteSafetensors(p, kept, nil); err != nil {
		t.Fatal(err)
	}
	same := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(14))
	if _, err := same.Load(p); err == nil || !strings.Contains(err.Error(), `"rb2.film.1.bias" is missing`) {
		t.Errorf("missing tensor: error %v", err)
	}

	// A malformed header, a wrong dtype, inconsistent offsets.
	for _, hdr := range []string{
		`{"a":`,
		`{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`,
		`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`,
		`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`,
	} {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, uint64(len(hdr)))
		b = append(b, hdr...)
		b = append(b, make([]byte, 8)...)
		os.WriteFile(p, b, 0o644)
		if _, err := ReadSafetensors(p); err == nil || !errors.Is(err, ErrSafetensors) {
			t.Errorf("header %s: error %v", hdr, err)
		}
	}

	// Round trip through Save and Load.
	same2 := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(15))
	meta, err := same2.Load(path)
	if err != nil || meta["k"] != "v" {
		t.Fatalf("Load: %v, metadata %v", err, meta)
	}
	for i, p := range same2.Params() {
		checkClose(t, p.Name, p.Value.ToHost(), f64(net.Params()[i].Value.Data), 0)
	}
}

// TestSafetensorsWriteFailure: a refused write leaves the existing file
// untouched and no temporary behind.
func TestSafetensorsWriteFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.safetensors")
	good := []NamedTensor{{"a", NewTensor(2)}}
	if err := WriteSafetensors(path, good, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	dup := []NamedTensor{{"a", NewTensor(1)}, {"a", NewTensor(1)}}
	if err := WriteSafetensors(path, dup, nil); err == nil {
		t.Fatal("duplicate names accepted")
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("a refused write changed the existing file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d directory entries after a refused write, want 1", len(entries))
	}
	if err := WriteSafetensors(filepath.Join(dir, "no", "such", "dir.safetensors"), good, nil); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}
