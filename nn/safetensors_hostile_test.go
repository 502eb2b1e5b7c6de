package nn

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// stBytes is a safetensors file with the given JSON header and data bytes.
func stBytes(header string, data int) []byte {
	b := make([]byte, 8, 8+len(header)+data)
	binary.LittleEndian.PutUint64(b, uint64(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, data)...)
}

// hostile lists crafted files that must be refused with an error naming the
// tensor (issue 11): shapes whose product overflows, a zero dimension beside
// a huge one, absurd ranks and offsets.
var hostile = []struct {
	name, header string
	data         int
	want         string
}{
	{"product overflows to 0 bytes", `{"w":{"dtype":"F32","shape":[4611686018427387904,1],"data_offsets":[0,0]}}`, 0, `"w": the product of shape [4611686018427387904 1] overflows`},
	{"product overflows", `{"w":{"dtype":"F32","shape":[65536,65536,65536,65536],"data_offsets":[0,0]}}`, 1 << 20, `"w": the product of shape [65536 65536 65536 65536] overflows`},
	{"product overflows, small dims", `{"w":{"dtype":"F32","shape":[1024,1024,1024,1024,1024,1024,1024],"data_offsets":[0,16]}}`, 16 << 10, `"w": the product of shape [1024`},
	{"zero dimension, huge width", `{"time_mlp.0.weight":{"dtype":"F32","shape":[200000,0],"data_offsets":[0,0]}}`, 64, `"time_mlp.0.weight": dimension 200000 of the zero-size shape [200000 0] exceeds the 16 float32 values`},
	{"zero dimension last, huge width", `{"w":{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}}`, 64, `"w": dimension 9223372036854775807`},
	{"rank 9", `{"w":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}`, 4, `"w": shape [1 1 1 1 1 1 1 1 1] has 9 dimensions`},
	{"more values than the data", `{"w":{"dtype":"F32","shape":[3,3],"data_offsets":[0,36]}}`, 32, `truncated: tensor "w" ends at byte 101, the file at byte 97`},
	{"offsets past the end", `{"w":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775800,9223372036854775804]}}`, 8, `truncated: tensor "w" ends at byte 9223372036854775902, the file at byte 106`},
	{"negative offsets", `{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, 8, `"w": data_offsets`},
	{"offset beyond int64", `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}`, 8, `"w"`},
	{"dimension beyond int64", `{"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}}`, 8, `"w"`},
	{"negative dimension", `{"w":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}`, 16, `"w": negative dimension`},
}

func TestDecodeSafetensorsHostile(t *testing.T) {
	for _, tc := range hostile {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := DecodeSafetensors("crafted.safetensors", stBytes(tc.header, tc.data))
		runtime.ReadMemStats(&after)
		if err == nil || !errors.Is(err, ErrSafetensors) || !strings.HasPrefix(err.Error(), "nn: crafted.safetensors: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one wrapping ErrSafetensors naming the file and %s", tc.name, err, tc.want)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20+uint64(16*tc.data) {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", tc.name, d, len(tc.header)+tc.data)
		}
	}
}

// TestDecodeSafetensorsMatchesRead: decoding a file's bytes gives what
// reading the file gives, and its errors name the given name.
func TestDecodeSafetensorsMatchesRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "net.safetensors")
	net := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(21))
	if err := net.Save(path, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSafetensors("embedded model", raw)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Tensor{})); d != "" {
		t.Errorf("DecodeSafetensors differs from ReadSafetensors (-read +decode):\n%s", d)
	}
	_, err = DecodeSafetensors("embedded model", raw[:len(raw)-1])
	if err == nil || !strings.HasPrefix(err.Error(), "nn: embedded model: ") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated content: error %v", err)
	}
}

// TestCopyIntoRefusals: CopyInto refuses NaN and infinite values, naming the
// tensor and the index, and a zero-size tensor for a parameter that has
// values; it changes no parameter when it refuses.
func TestCopyIntoRefusals(t *testing.T) {
	good := &Tensor{Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}
	for _, tc := range []struct {
		name string
		t    *Tensor
		want string
	}{
		{"NaN", &Tensor{Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, float32(math.NaN()), 6}}, `tensor "b": value NaN at index 4`},
		{"+Inf", &Tensor{Shape: []int{2, 3}, Data: []float32{float32(math.Inf(1)), 2, 3, 4, 5, 6}}, `tensor "b": value +Inf at index 0`},
		{"-Inf", &Tensor{Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, float32(math.Inf(-1))}}, `tensor "b": value -Inf at index 5`},
		{"zero dimension", &Tensor{Shape: []int{2, 0}, Data: []float32{}}, `tensor "b" has shape [2 0], with a zero dimension, want [2 3]`},
	} {
		s := &Safetensors{Tensors: []NamedTensor{{"a", good}, {"b", tc.t}}}
		a, b := NewTensor(2, 3), NewTensor(2, 3)
		err := s.CopyInto([]*Param{{Name: "a", Value: a}, {Name: "b", Value: b}})
		if err == nil || !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
		if d := cmp.Diff(make([]float32, 6), a.Data); d != "" {
			t.Errorf("%s: a refused CopyInto changed another parameter:\n%s", tc.name, d)
		}
	}

	// Through a file: a model with a NaN weight is refused by Load.
	dir := t.TempDir()
	path := filepath.Join(dir, "nan.safetensors")
	net := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(22))
	p := net.Params()[3]
	p.Value.Data[1] = float32(math.NaN())
	if err := net.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	other := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(23))
	if _, err := other.Load(path); err == nil || !strings.Contains(err.Error(), path) ||
		!strings.Contains(err.Error(), `"`+p.Name+`": value NaN at index 1`) {
		t.Errorf("loading a NaN weight: error %v", err)
	}
}

// TestReadSafetensorsNotRegular: a FIFO or a directory is refused at once
// instead of blocking (a FIFO without a writer blocks a reader forever).
func TestReadSafetensorsNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.safetensors")
	paths := []string{dir}
	if err := mkfifo(fifo); err == nil {
		paths = append(paths, fifo)
	} else {
		t.Logf("no FIFO: %v", err)
	}
	for _, p := range paths {
		done := make(chan error, 1)
		go func() {
			_, err := ReadSafetensors(p)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: error %v", p, err)
			}
		case <-time.After(10 * time.Second):
			// The goroutine stays blocked in open(2); open the FIFO for
			// writing to release it.
			if w, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
				w.Close()
			}
			t.Fatalf("%s: ReadSafetensors blocked", p)
		}
	}
}

// TestWriteSafetensorsRemovesStaleTemps: a successful write removes the
// temporaries that a killed earlier write of the same file left behind,
// and nothing else.
func TestWriteSafetensorsRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.safetensors")
	old := time.Now().Add(-time.Hour)
	mk := func(name string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	mk(".ck.safetensors.tmp-123456", old) // stale: removed
	mk(".ck.safetensors.tmp-7", old)      // stale: removed
	kept := []string{
		".ck.safetensors.tmp-999",       // recent: a concurrent writer's
		".ck.safetensors.tmp-12a",       // not os.CreateTemp's digits
		".ck.safetensors.tmp-",          // no random part
		".ck.safetensors.tmp-1.bak",     // a suffix
		"ck.safetensors.tmp-1",          // no leading dot
		".other.safetensors.tmp-1",      // another file's
		".ck.safetensors.tmp-1/x",       // inside a directory of that name
		"notes.txt",                     // unrelated
		".ck.safetensors.tmp-55-link",   // placeholder for the link below
		".ck.safetensors.tmp-56.ck.tmp", // a suffix again
	}
	for _, name := range kept {
		switch name {
		case ".ck.safetensors.tmp-999":
			mk(name, time.Now())
		case ".ck.safetensors.tmp-1/x":
			if err := os.Mkdir(filepath.Join(dir, ".ck.safetensors.tmp-1"), 0o755); err != nil {
				t.Fatal(err)
			}
			mk(name, old)
			os.Chtimes(filepath.Join(dir, ".ck.safetensors.tmp-1"), old, old)
		default:
			mk(name, old)
		}
	}
	// A symbolic link with a temporary's name, to a file that must survive.
	// Its own modification time is recent, so removeStaleTemps is called
	// below with a cutoff in the future to show that its type keeps it.
	link := ".ck.safetensors.tmp-88"
	if err := os.Symlink("notes.txt", filepath.Join(dir, link)); err == nil {
		kept = append(kept, link)
	}
	if err := WriteSafetensors(path, []NamedTensor{{"a", NewTensor(2)}}, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	want := append([]string{"ck.safetensors"}, kept...)
	less := func(a, b string) bool { return a < b }
	if d := cmp.Diff(want, got, cmpopts.SortSlices(less)); d != "" {
		t.Errorf("files after the write (-want +got):\n%s", d)
	}

	// With every file older than the cutoff, only the recent temporary
	// goes: the link, the directory and the near misses stay.
	removeStaleTemps(dir, "ck.safetensors", time.Now().Add(time.Hour))
	if _, err := os.Stat(filepath.Join(dir, ".ck.safetensors.tmp-999")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the recent temporary survived a cutoff after it: %v", err)
	}
	for _, name := range append([]string{"ck.safetensors", ".ck.safetensors.tmp-1"}, kept[1:]...) {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
