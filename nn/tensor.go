package nn

import "fmt"

// Tensor is a dense float32 array in row-major order. Image tensors are NCHW:
// Shape is [batch, channels, height, width] and the last index varies fastest.
//
// A Tensor is a plain value holder: layers never keep a Tensor they did not
// allocate beyond the Forward/Backward pair that uses it, and every operation
// documents which arguments it writes.
type Tensor struct {
	Shape []int
	Data  []float32

	// dev is the copy a resident backend keeps on its device (resident.go);
	// nil on host backends. A tensor made by Reshape has base set instead
	// and shares its base's copy.
	dev  deviceCopy
	base *Tensor
}

// Reshape returns a tensor of the given shape over the same elements: it
// shares t's memory and, on a resident backend, t's device copy, so that
// either can be passed to layers and both stay consistent (a flattening
// of NCHW activations for a Linear layer, say). It panics unless the shape
// holds exactly t.Len() elements.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	if numel(shape) != len(t.Data) {
		panic(fmt.Sprintf("nn: cannot reshape %v (%d elements) to %v", t.Shape, len(t.Data), shape))
	}
	b := t
	if t.base != nil {
		b = t.base
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: t.Data, base: b}
}

// NewTensor returns a zeroed tensor of the given shape. It panics if a
// dimension is negative.
func NewTensor(shape ...int) *Tensor {
	n := numel(shape)
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// Len returns the number of elements, the product of Shape.
func (t *Tensor) Len() int { return numel(t.Shape) }

// Dim returns Shape[i].
func (t *Tensor) Dim(i int) int { return t.Shape[i] }

// Resize sets the shape to shape, reusing the backing array when it is large
// enough and allocating a new zeroed one otherwise. The contents are
// unspecified after a Resize. It is how buffers sized for one batch are reused
// for another without allocating in steady state.
func (t *Tensor) Resize(shape ...int) {
	n := numel(shape)
	if cap(t.Data) < n {
		t.Data = make([]float32, n)
	}
	t.Data = t.Data[:n]
	t.Shape = append(t.Shape[:0], shape...)
}

// Zero sets every element to zero, on the host and in a resident backend's
// copy.
func (t *Tensor) Zero() {
	if t.base != nil {
		t.base.Zero()
		return
	}
	clear(t.Data)
	if t.dev != nil {
		t.dev.zero(t)
	}
}

// CopyFrom copies src's shape and data into t, reusing t's storage when possible.
func (t *Tensor) CopyFrom(src *Tensor) {
	t.Resize(src.Shape...)
	copy(t.Data, src.ToHost())
	t.HostChanged()
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	c := &Tensor{}
	c.CopyFrom(t)
	return c
}

// String describes the shape, not the data.
func (t *Tensor) String() string { return fmt.Sprintf("Tensor%v", t.Shape) }

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b *Tensor) bool {
	if len(a.Shape) != len(b.Shape) {
		return false
	}
	for i, d := range a.Shape {
		if b.Shape[i] != d {
			return false
		}
	}
	return true
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("nn: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// checkShape panics with a "nn: ..." message when t's shape is not want.
// It guards every layer entry point: a wrong shape is a caller's mistake.
func checkShape(what string, t *Tensor, want ...int) {
	if t == nil {
		panic(fmt.Sprintf("nn: %s is nil, want shape %v", what, want))
	}
	ok := len(t.Shape) == len(want) && len(t.Data) == numel(want)
	if ok {
		for i, d := range want {
			if t.Shape[i] != d {
				ok = false
				break
			}
		}
	}
	if !ok {
		panic(fmt.Sprintf("nn: %s has shape %v (len %d), want %v", what, t.Shape, len(t.Data), want))
	}
}

// setView points t at data with the given shape, without copying or
// allocating (it reuses t.Shape's storage). data must hold numel(shape)
// elements.
func (t *Tensor) setView(data []float32, shape ...int) {
	n := numel(shape)
	t.Data = data[:n]
	t.Shape = append(t.Shape[:0], shape...)
}
