package mnist_test

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/windrose/windrose/mnist"
)

// FuzzReadIDX feeds arbitrary bytes to the decoders. They must never
// panic, must return either a result whose sizes agree with its header or
// an error, and must not allocate much more than the input can hold.
func FuzzReadIDX(f *testing.F) {
	seeds := [][]byte{
		idxBytes(0x803, []uint32{2, 3, 3}, seq(18, 0)),
		idxBytes(0x801, []uint32{4}, []byte{0, 9, 3, 7}),
		idxBytes(0x802, []uint32{2, 2}, seq(4, 250)),
		idxBytes(0x803, []uint32{0xFFFFFFFF, 28, 28}, seq(10, 0)),
		idxBytes(0x803, []uint32{4, 16384, 16384}, seq(10, 0)),
		idxBytes(0x0D01, []uint32{1}, seq(4, 0)),
		{},
		{0x1f, 0x8b},
	}
	for _, s := range seeds {
		f.Add(s)
		f.Add(gzipBytes(s))
	}
	for _, test := range formatCases {
		f.Add(test.file)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x, err := mnist.DecodeIDX(bytes.NewReader(data))
		runtime.ReadMemStats(&after)

		// Raw data hold at most len(data) bytes; deflate expands at most
		// 1032:1 (zlib's technical details, "Maximum compression
		// factor"). The reader allocates at most about four times the
		// data present (a doubling buffer, copied once per doubling)
		// plus fixed buffers well under 1 MiB.
		present := len(data)
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			present *= 1032
		}
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(1<<20+4*present); got > limit {
			t.Errorf("allocated %d bytes for %d input bytes (limit %d)", got, len(data), limit)
		}

		if err != nil {
			var fe *mnist.FormatError
			if !errors.As(err, &fe) || fe.File != "" || !strings.HasPrefix(err.Error(), "mnist: ") {
				t.Errorf("error %q (%T): want a *FormatError without a file name", err, err)
			}
		} else {
			n := 1
			for _, d := range x.Dims {
				n *= d
			}
			if len(x.Dims) == 0 || len(x.Data) != n || n > mnist.MaxDataLen {
				t.Errorf("Dims %v with %d data bytes", x.Dims, len(x.Data))
			}
		}

		// The typed decoders agree with the generic one.
		im, errImages := mnist.DecodeImages(bytes.NewReader(data))
		wantImages := err == nil && len(x.Dims) == 3 && x.Dims[1] > 0 && x.Dims[2] > 0
		if (errImages == nil) != wantImages {
			t.Errorf("DecodeImages error %v, DecodeIDX error %v", errImages, err)
		} else if wantImages && (im.N != x.Dims[0] || im.Rows != x.Dims[1] || im.Cols != x.Dims[2] || !bytes.Equal(im.Pixels, x.Data)) {
			t.Errorf("DecodeImages = %d×%d×%d, DecodeIDX dims %v", im.N, im.Rows, im.Cols, x.Dims)
		}
		labels, errLabels := mnist.DecodeLabels(bytes.NewReader(data))
		wantLabels := err == nil && len(x.Dims) == 1
		if (errLabels == nil) != wantLabels {
			t.Errorf("DecodeLabels error %v, DecodeIDX error %v", errLabels, err)
		} else if wantLabels && !bytes.Equal(labels, x.Data) {
			t.Errorf("DecodeLabels differs from DecodeIDX")
		}
	})
}
