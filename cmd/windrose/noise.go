package main

import (
	"fmt"
	"math"

	"github.com/windrose/windrose/npy"
)

// readNoise reads the initial noise of `windrose sample -noise` from an
// .npy file of float32 with shape [N, 1, 28, 28] (NumPy's
// np.random.randn(N, 1, 28, 28).astype(np.float32), or
// torch.randn(N, 1, 28, 28).numpy()) and returns the N·784 values and N.
// Any other dtype or shape, or a value that is not finite, is refused with
// an error naming the file and what was found.
func readNoise(path string) ([]float32, int, error) {
	a, err := npy.Read(path)
	if err != nil {
		return nil, 0, err
	}
	if a.F32 == nil {
		return nil, 0, fmt.Errorf("%s: %w: noise must be float32, the file holds uint8", path, npy.ErrFormat)
	}
	s := a.Shape
	if len(s) != 4 || s[1] != 1 || s[2] != 28 || s[3] != 28 || s[0] == 0 {
		return nil, 0, fmt.Errorf("%s: %w: noise of shape %v, want [N, 1, 28, 28] with N ≥ 1", path, npy.ErrFormat, s)
	}
	for i, v := range a.F32 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, 0, fmt.Errorf("%s: %w: noise value %d (sample %d) is %v", path, npy.ErrFormat, i, i/784, v)
		}
	}
	return a.F32, s[0], nil
}
