// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

// A kernel is a micro-kernel: for t = 0..tiles−1 it multiplies the t-th
// packed mr×depth micro-panel of op(A) in a (they follow each other) by the
// packed depth×nr micro-panel b of op(B) and stores
//
//	C_t = alpha*a_t*b + beta*C_t
//
// into the full mr×nr tile C_t that starts t*mr rows below c, with row
// stride ldc. When beta is zero it must not read C. tiles and depth are at
// least 1.
type kernel func(tiles, depth int, a, b, c []float32, ldc int, alpha, beta float32)

// macroKernel multiplies a packed block of op(A) (rows values, depth deep)
// by a packed block of op(B) (cols values) into the C block that starts at
// c[0], tile by tile. Ragged tiles at the bottom and right edges are
// computed into a scratch tile and merged, so the kernel only ever sees
// full tiles.
//
// The loop order is the one of Goto and van de Geijn (2008): for each B
// micro-panel (which then stays in L1) sweep all A micro-panels of the
// block (which stay in L2). scratch holds the mr×nr scratch tile.
func macroKernel(kern kernel, depth int, ap []float32, rows int, bp []float32, cols int, c []float32, ldc int, alpha, beta float32, scratch []float32) {
	full := rows / mr // full tiles in a column of tiles
	for jr := 0; jr < cols; jr += nr {
		nb := min(nr, cols-jr)
		bpanel := bp[jr*depth : (jr+nr)*depth]
		ir := 0
		if nb == nr && full > 0 {
			kern(full, depth, ap, bpanel, c[jr:], ldc, alpha, beta)
			ir = full * mr
		}
		for ; ir < rows; ir += mr {
			mb := min(mr, rows-ir)
			apanel := ap[ir*depth : (ir+mr)*depth]
			t := scratch[:mr*nr]
			kern(1, depth, apanel, bpanel, t, nr, alpha, 0)
			for i := range mb {
				row := c[(ir+i)*ldc+jr:][:nb]
				ti := t[i*nr:][:nb]
				if beta == 0 {
					copy(row, ti)
					continue
				}
				for j, v := range ti {
					row[j] = v + beta*row[j]
				}
			}
		}
	}
}

// kernelGeneric is the pure-Go micro-kernel, used where the assembly one is
// unavailable. It walks the 6×16 tile in 2×4 sub-tiles: eight accumulators
// plus two A values and one B value are eleven floating-point registers,
// within the fifteen the Go compiler allocates on amd64, so the inner loop
// does not spill.
func kernelGeneric(tiles, depth int, a, b, c []float32, ldc int, alpha, beta float32) {
	for t := range tiles {
		tileGeneric(depth, a[t*mr*depth:], b, c[t*mr*ldc:], ldc, alpha, beta)
	}
}

// tileGeneric computes one tile for kernelGeneric.
func tileGeneric(depth int, a, b, c []float32, ldc int, alpha, beta float32) {
	a = a[:depth*mr]
	b = b[:depth*nr]
	var t [mr * nr]float32
	for i := 0; i < mr; i += 2 {
		for j := 0; j < nr; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			ai := a[i:]
			bj := b[j:]
			for p := range depth {
				ap := ai[p*mr : p*mr+2]
				bp := bj[p*nr : p*nr+4]
				a0, a1 := ap[0], ap[1]
				b0 := bp[0]
				c00 += a0 * b0
				c10 += a1 * b0
				b1 := bp[1]
				c01 += a0 * b1
				c11 += a1 * b1
				b2 := bp[2]
				c02 += a0 * b2
				c12 += a1 * b2
				b3 := bp[3]
				c03 += a0 * b3
				c13 += a1 * b3
			}
			t0 := t[i*nr+j : i*nr+j+4]
			t0[0], t0[1], t0[2], t0[3] = c00, c01, c02, c03
			t1 := t[(i+1)*nr+j : (i+1)*nr+j+4]
			t1[0], t1[1], t1[2], t1[3] = c10, c11, c12, c13
		}
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		ti := t[i*nr : i*nr+nr]
		if beta == 0 {
			for j, v := range ti {
				row[j] = alpha * v
			}
			continue
		}
		for j, v := range ti {
			row[j] = alpha*v + beta*row[j]
		}
	}
}

// HasAVX2FMA reports whether this build runs the AVX2/FMA assembly: the build
// has assembly (amd64 without the noasm tag) and the CPU and the operating
// system support AVX2 and FMA3 (see hasAVX2FMA). Package nn's element-wise
// kernels ask it too, so that the CPU is probed in one place.
func HasAVX2FMA() bool { return asmKernel }
