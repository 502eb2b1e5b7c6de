package nn

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// FuzzDecodeSafetensors feeds arbitrary bytes to DecodeSafetensors. It must
// never panic, must return either tensors whose data agree with their
// shapes and fit in the input, or an error wrapping ErrSafetensors, and
// must not allocate much more than the input holds. The seeds are a real
// file and the crafted cases of issue 11 (TestDecodeSafetensorsHostile);
// `go test` runs them.
func FuzzDecodeSafetensors(f *testing.F) {
	path := filepath.Join(f.TempDir(), "net.safetensors")
	net := NewVelocityNet(Config{Base: 8, TimeDim: 8, Groups: 2}, newRand(31))
	if err := net.Save(path, map[string]string{"format": "x"}); err != nil {
		f.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(raw[:len(raw)/2])
	for _, tc := range hostile {
		f.Add(stBytes(tc.header, tc.data))
	}
	f.Add(stBytes(`{"__metadata__":{"a":"b"},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, 8))
	f.Add([]byte{})
	f.Add(stBytes(`{}`, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := DecodeSafetensors("fuzz", b)
		runtime.ReadMemStats(&after)
		// The JSON decoder's working set is a small multiple of the
		// header; tensors copy at most the data.
		if d := after.TotalAlloc - before.TotalAlloc; d > 64*uint64(len(b))+1<<20 {
			t.Errorf("allocated %d bytes for %d bytes of input", d, len(b))
		}
		if err != nil {
			if !errors.Is(err, ErrSafetensors) {
				t.Errorf("error %v does not wrap ErrSafetensors", err)
			}
			return
		}
		total := 0
		for _, nt := range s.Tensors {
			if len(nt.Tensor.Shape) > maxRank || nt.Tensor.Len() != len(nt.Tensor.Data) {
				t.Errorf("tensor %q: shape %v with %d values", nt.Name, nt.Tensor.Shape, len(nt.Tensor.Data))
			}
			total += 4 * len(nt.Tensor.Data)
		}
		if total > len(b) {
			t.Errorf("%d bytes of tensor data from %d bytes of input", total, len(b))
		}
	})
}
