// Copyright ©2026 The windrose Authors. All rights reserved.

package gemm

// Packing copies a block of op(A) or op(B) into the order the micro-kernel
// reads it, so that the kernel walks memory strictly forward with unit
// stride whatever the transposes and leading dimensions were
// (Goto and van de Geijn 2008, §6).
//
// A packed block of op(A) with rows [i0, i0+rows) and depth [p0, p0+depth)
// is a sequence of micro-panels of mr rows; inside a micro-panel, element
// (r, p) sits at p*mr + r. A packed block of op(B) with depth
// [p0, p0+depth) and columns [j0, j0+cols) is a sequence of micro-panels of
// nr columns; inside one, element (p, c) sits at p*nr + c. Rows or columns
// past the end of the matrix are zero, so the kernel never needs a bound
// and the extra results are simply not stored.

// packA packs rows [i0, i0+rows) and depth [p0, p0+depth) of op(A) into dst,
// which must hold ceil(rows/mr)*mr*depth values. With asm set, full
// micro-panels go to the assembly routines where there are some.
func packA(dst, a []float32, lda int, trans bool, i0, rows, p0, depth int, asm bool) {
	for ir := 0; ir < rows; ir += mr {
		mb := min(mr, rows-ir)
		d := dst[:mr*depth]
		dst = dst[mr*depth:]
		i := i0 + ir
		switch {
		case trans:
			// op(A)(i, p) = a[p*lda + i]: each depth step is mb
			// consecutive values.
			if mb == mr {
				if asm && packPanelATrans(d, a[p0*lda+i:], lda, depth) == depth {
					continue
				}
				for p := range depth {
					off := (p0+p)*lda + i
					*(*[mr]float32)(d[p*mr:]) = *(*[mr]float32)(a[off : off+mr])
				}
				continue
			}
			for p := range depth {
				off := (p0+p)*lda + i
				dp := d[p*mr : p*mr+mr]
				copy(dp, a[off:off+mb])
				clear(dp[mb:])
			}
		case mb == mr:
			// op(A)(i, p) = a[i*lda + p]: interleave six rows.
			start := 0
			if asm {
				start = packPanelANoTrans(d, a[i*lda+p0:], lda, depth)
			}
			r0 := a[i*lda+p0:][:depth]
			r1 := a[(i+1)*lda+p0:][:depth]
			r2 := a[(i+2)*lda+p0:][:depth]
			r3 := a[(i+3)*lda+p0:][:depth]
			r4 := a[(i+4)*lda+p0:][:depth]
			r5 := a[(i+5)*lda+p0:][:depth]
			for p := start; p < depth; p++ {
				dp := (*[mr]float32)(d[p*mr:])
				dp[0] = r0[p]
				dp[1] = r1[p]
				dp[2] = r2[p]
				dp[3] = r3[p]
				dp[4] = r4[p]
				dp[5] = r5[p]
			}
		default:
			clear(d)
			for r := range mb {
				row := a[(i+r)*lda+p0:][:depth]
				for p, v := range row {
					d[p*mr+r] = v
				}
			}
		}
	}
}

// packB packs depth [p0, p0+depth) and columns [j0, j0+cols) of op(B) into
// dst, which must hold ceil(cols/nr)*nr*depth values. asm is as for packA.
func packB(dst, b []float32, ldb int, trans bool, p0, depth, j0, cols int, asm bool) {
	if !trans && asm {
		// Full micro-panels row by row of B, so that B is read forward.
		done := packPanelsBNoTrans(dst, b[p0*ldb+j0:], ldb, depth, cols/nr) * nr
		dst = dst[done*depth:]
		j0 += done
		cols -= done
	}
	for jr := 0; jr < cols; jr += nr {
		nb := min(nr, cols-jr)
		d := dst[:nr*depth]
		dst = dst[nr*depth:]
		j := j0 + jr
		switch {
		case !trans && nb == nr:
			// op(B)(p, j) = b[p*ldb + j]: each depth step is one
			// 16-value copy.
			for p := range depth {
				off := (p0+p)*ldb + j
				*(*[nr]float32)(d[p*nr:]) = *(*[nr]float32)(b[off : off+nr])
			}
		case !trans:
			for p := range depth {
				off := (p0+p)*ldb + j
				dp := d[p*nr : p*nr+nr]
				copy(dp, b[off:off+nb])
				clear(dp[nb:])
			}
		default:
			// op(B)(p, j) = b[j*ldb + p]: gather four columns at a
			// time so each pass reads four rows of b forward.
			if nb < nr {
				clear(d)
			}
			start := 0
			if asm && nb == nr {
				start = packPanelBTrans(d, b[j*ldb+p0:], ldb, depth)
			}
			c := 0
			for ; c+4 <= nb; c += 4 {
				r0 := b[(j+c)*ldb+p0:][:depth]
				r1 := b[(j+c+1)*ldb+p0:][:depth]
				r2 := b[(j+c+2)*ldb+p0:][:depth]
				r3 := b[(j+c+3)*ldb+p0:][:depth]
				for p := start; p < depth; p++ {
					dp := (*[4]float32)(d[p*nr+c:])
					dp[0] = r0[p]
					dp[1] = r1[p]
					dp[2] = r2[p]
					dp[3] = r3[p]
				}
			}
			for ; c < nb; c++ {
				row := b[(j+c)*ldb+p0:][:depth]
				for p := start; p < depth; p++ {
					d[p*nr+c] = row[p]
				}
			}
		}
	}
}
