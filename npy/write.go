package npy

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/windrose/windrose/internal/atomicfile"
)

// WriteUint8 writes data as an .npy array of dtype uint8 ('|u1') and the
// given shape to path, atomically. It panics if the shape does not hold
// len(data) values.
func WriteUint8(path string, data []uint8, shape ...int) error {
	checkShape(len(data), shape)
	return atomicfile.Write(path, func(w io.Writer) error {
		if err := writeHeader(w, "|u1", shape); err != nil {
			return err
		}
		_, err := w.Write(data)
		return err
	})
}

// WriteFloat32 writes data as an .npy array of dtype float32 ('<f4')
// and the given shape to path, atomically. It panics if the shape does not
// hold len(data) values.
func WriteFloat32(path string, data []float32, shape ...int) error {
	checkShape(len(data), shape)
	return atomicfile.Write(path, func(w io.Writer) error {
		if err := writeHeader(w, "<f4", shape); err != nil {
			return err
		}
		var b [4]byte
		for _, v := range data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			if _, err := w.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkShape(n int, shape []int) {
	c := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("npy: shape %v has a negative dimension", shape))
		}
		c *= d
	}
	if c != n {
		panic(fmt.Sprintf("npy: shape %v holds %d values, have %d", shape, c, n))
	}
}

func writeHeader(w io.Writer, descr string, shape []int) error {
	var dims []string
	for _, d := range shape {
		dims = append(dims, strconv.Itoa(d))
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += "," // a Python 1-tuple
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	// Pad with spaces so that magic (6) + version (2) + length (2) +
	// header, ending in '\n', is a multiple of 64.
	total := 10 + len(h) + 1
	pad := (64 - total%64) % 64
	h += strings.Repeat(" ", pad) + "\n"
	var pre [10]byte
	copy(pre[:], magic)
	pre[6], pre[7] = 1, 0
	binary.LittleEndian.PutUint16(pre[8:], uint16(len(h)))
	if _, err := w.Write(pre[:]); err != nil {
		return err
	}
	_, err := io.WriteString(w, h)
	return err
}
