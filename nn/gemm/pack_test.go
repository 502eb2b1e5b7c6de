// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPackAsm checks that the assembly packing routines produce the same
// panels as the pure-Go loops, for both transposes, ragged edges and
// depths that are and are not multiples of four.
func TestPackAsm(t *testing.T) {
	if !asmKernel {
		t.Skip("no assembly in this build or on this CPU")
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, trans := range []bool{false, true} {
		for _, d := range [][2]int{{1, 1}, {6, 4}, {13, 7}, {17, 9}, {32, 33}, {97, 130}} {
			rows, depth := d[0], d[1]
			for _, pad := range []int{0, 3} {
				name := fmt.Sprintf("trans=%v/rows=%d/depth=%d/pad=%d", trans, rows, depth, pad)
				// Stored matrix with the packed block at offset (1, 2).
				sr, sc := rows+1, depth+2
				if trans {
					sr, sc = depth+2, rows+1
				}
				ld := sc + pad
				m := make([]float32, sr*ld)
				for i := range m {
					m[i] = rnd.Float32()
				}
				na := (rows + mr - 1) / mr * mr * depth
				goA, asmA := make([]float32, na), make([]float32, na)
				i0, p0 := 1, 2
				packA(goA, m, ld, trans, i0, rows, p0, depth, false)
				packA(asmA, m, ld, trans, i0, rows, p0, depth, true)
				if !slices.Equal(goA, asmA) {
					t.Errorf("packA %s: assembly and Go panels differ", name)
				}
				nb := (rows + nr - 1) / nr * nr * depth
				goB, asmB := make([]float32, nb), make([]float32, nb)
				// For B the block is depth×rows of op(B): op(B) is the
				// stored matrix transposed when trans is false here.
				packB(goB, m, ld, !trans, p0, depth, i0, rows, false)
				packB(asmB, m, ld, !trans, p0, depth, i0, rows, true)
				if !slices.Equal(goB, asmB) {
					t.Errorf("packB %s: assembly and Go panels differ", name)
				}
			}
		}
	}
}
