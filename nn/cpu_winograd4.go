package nn

import (
	"gonum.org/v1/gonum/blas"

	"github.com/windrose/windrose/nn/gemm"
)

// Winograd's F(4×4, 3×3), the larger tile of the same minimal filtering as
// F(2×2, 3×3) in cpu_winograd.go (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", CVPR 2016, §4.2 and eq. 11–13, the
// matrices for the interpolation points 0, ±1, ±2, ∞): each 4×4 block of
// outputs is
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// for the 6×6 input tile d around it and the 3×3 kernel g, with
//
//	Bᵀ = ⎡4  0 −5  0  1  0⎤   G = ⎡ 1/4     0     0  ⎤   Aᵀ = ⎡1  1  1  1  1  0⎤
//	     ⎢0 −4 −4  1  1  0⎥       ⎢−1/6  −1/6  −1/6  ⎥        ⎢0  1 −1  2 −2  0⎥
//	     ⎢0  4 −4 −1  1  0⎥       ⎢−1/6   1/6  −1/6  ⎥        ⎢0  1  1  4  4  0⎥
//	     ⎢0 −2 −1  2  1  0⎥       ⎢ 1/24  1/12  1/6  ⎥        ⎣0  1 −1  8 −8  1⎦
//	     ⎢0  2 −1 −2  1  0⎥       ⎢ 1/24 −1/12  1/6  ⎥
//	     ⎣0  4  0 −5  0  1⎦       ⎣ 0     0     1    ⎦
//
// Summed over input channels, the products become 36 matrix products
// U_ξ·V_ξ (ξ one of the 6×6 positions) of [Cout, Cin] by [Cin, tiles]: 36
// multiplications per 16 outputs and input channel instead of 144 for the
// direct sum, 4 times fewer, where F(2×2, 3×3) saves 2.25 times. The price
// is accuracy: the points ±2 put factors up to 8 into the transforms, and
// the float32 error grows accordingly (Lavin and Gray §5 report F(4×4)
// still accurate enough for training; TestWinograd4 measures it against
// float64), and the transforms cost more per tile (6×6 inputs and 36
// products for 16 outputs, where F(2×2) reads 4×4 for 4).
//
// Layouts: U is [36][Cout][Cin], V is [36][Cin][T] and M is [36][Cout][T]
// for the T tiles of a chunk, tile t = (group, tile row, tile column) in
// row-major order as in cpu_winograd.go.
//
// The transforms are written in the order the AVX2 kernels
// (winograd4_amd64.s) execute them, and only multiply by powers of two:
// Bᵀ's row 4 0 −5 0 1 0 is applied as 4(d0 − d2) + (d4 − d2). A product by
// a power of two is exact, so a fused multiply-add, which Go may use on
// some architectures, rounds the same as the separate operations, and the
// Go and assembly versions agree bit for bit.

// winograd4Weights writes U[ξ][o][i] = (G g Gᵀ)_ξ for the 3×3 kernels of w
// [A][Bc][3][3], oriented as in winogradWeights (flip: o over Bc, i over A,
// g = rot180(w[i][o])). The fractions 1/6, 1/12 and 1/24 are not float32
// numbers, so the transform is computed in float64 and rounded once.
//
// The 36 planes of U are Cout·Cin floats apart, a multiple of 4 KiB for
// the usual channel counts, so they all fall into the same few sets of the
// L1 cache; writing one kernel's 36 values at a time made every store a
// miss (4.4 ms of CPU for 128 → 128 channels, as long as the rest of a 7×7
// convolution of 64 samples). The kernels are therefore transformed
// wg4Block consecutive input channels at a time into a local block, and
// each plane's part of it written as one run.
func winograd4Weights(u, w []float32, A, Bc int, flip bool) {
	outC, inC := A, Bc
	if flip {
		outC, inC = Bc, A
	}
	stride := outC * inC
	var blk [36][wg4Block]float32
	for o := 0; o < outC; o++ {
		for i0 := 0; i0 < inC; i0 += wg4Block {
			nb := min(wg4Block, inC-i0)
			for ib := range nb {
				i := i0 + ib
				var g [9]float64
				if flip {
					k := w[(i*Bc+o)*9:][:9]
					for j := range 9 {
						g[j] = float64(k[8-j])
					}
				} else {
					for j, v := range w[(o*Bc+i)*9:][:9] {
						g[j] = float64(v)
					}
				}
				// t = G·g (6×3), one column at a time, then
				// U = t·Gᵀ (6×6), one row at a time.
				var t [6][3]float64
				for c := range 3 {
					t0, t1, t2, t3, t4, t5 := wg4G(g[c], g[3+c], g[6+c])
					t[0][c], t[1][c], t[2][c], t[3][c], t[4][c], t[5][c] = t0, t1, t2, t3, t4, t5
				}
				for r := range 6 {
					u0, u1, u2, u3, u4, u5 := wg4G(t[r][0], t[r][1], t[r][2])
					b := blk[6*r : 6*r+6 : 6*r+6]
					b[0][ib], b[1][ib], b[2][ib] = float32(u0), float32(u1), float32(u2)
					b[3][ib], b[4][ib], b[5][ib] = float32(u3), float32(u4), float32(u5)
				}
			}
			off := o*inC + i0
			for xi := range 36 {
				copy(u[xi*stride+off:][:nb], blk[xi][:nb])
			}
		}
	}
}

// wg4Block is the number of input channels winograd4Weights transforms at a
// time: one 64-byte cache line of each plane of U.
const wg4Block = 16

// wg4G is G·x for one column x of three kernel values, the rows of G
// (Lavin and Gray, F(4×4, 3×3)) grouped so that each costs about two
// operations: −(x0+x1+x2)/6, −(x0−x1+x2)/6, (x0/4 + x1/2 + x2)/6 and
// (x0/4 − x1/2 + x2)/6 share x0+x2, x0/4+x2 and x1/2.
func wg4G(x0, x1, x2 float64) (y0, y1, y2, y3, y4, y5 float64) {
	const sixth = 1.0 / 6
	s, q, h := x0+x2, x0/4+x2, x1/2
	return x0 / 4, -(s + x1) * sixth, -(s - x1) * sixth, (q + h) * sixth, (q - h) * sixth, x2
}

// The tiles of F(4×4) are laid out like those of F(2×2): a tile row at a
// time, eight tiles to a vector, tw = 8·j tiles to a row. Tile tx covers
// output columns 4tx … 4tx+3 and reads the six padded columns 4tx … 4tx+5
// (input columns 4tx−1 … 4tx+4). The input transform reads each plane from
// a copy split into four phases (per padded row, phase j holds the padded
// columns 4i+j, each phase we = tw+1 long), so that the six columns of
// eight consecutive tiles are six contiguous loads: p0[tx], p1[tx], p2[tx],
// p3[tx], p0[tx+1], p1[tx+1].
//
// Planes go side by side whenever a row of tiles is wider than one plane:
// plane j of a row starts at column j·S with S = ⌈(W+1)/4⌉·4, so at least
// one zero column follows each plane, the right border of that plane and
// the left one of the next. Every output of a tile is the exact 3×3
// correlation of the buffer at its position, so each kept output (a
// plane's column c < W) reads its own plane and zeros only, whatever tile
// it lies in. k planes share a row, the fewest that make k·S/4 tiles a
// whole number of vectors: W = 28: S = 32, 8 tiles, k = 1; W = 14: S = 16,
// k = 2; W = 7: S = 8, k = 4. Tile rows are ⌈H/4⌉, the outputs of the rows
// past H dropped.

// winograd4Side returns k, the number of planes of width W in a row, and S,
// the column stride between them.
func winograd4Side(W int) (k, S int) {
	S = (W + 4) / 4 * 4 // ⌈(W+1)/4⌉·4
	k = 1
	for k*S/4%8 != 0 {
		k *= 2
	}
	return k, S
}

// winograd4Geom returns the tile rows, the tiles per tile row, and the phase
// length and row stride of the phase buffer for an H×W plane (k planes side
// by side, winograd4Side).
func winograd4Geom(H, W int) (th, tw, we, rs int) {
	k, S := winograd4Side(W)
	th = (H + 3) / 4
	tw = k * S / 4
	we = tw + 1
	return th, tw, we, 4 * we
}

// winograd4Products is the number of multiplications per input and output
// channel pair in the GEMMs of F(4×4, 3×3) on B planes of H×W: 36 per tile,
// the tiles of whole tile rows of whole side-by-side groups.
func winograd4Products(H, W, B int) int {
	k, _ := winograd4Side(W)
	th, tw, _, _ := winograd4Geom(H, W)
	return 36 * th * tw * ((B + k - 1) / k)
}

// winograd4Tmp is the scratch winograd4Input and winograd4Output need, the
// larger of the phase buffer (4·th+2 padded rows) and the output tile rows.
func winograd4Tmp(H, W int) int {
	th, tw, _, rs := winograd4Geom(H, W)
	return max((4*th+2)*rs, 4*th*4*tw)
}

// winograd4Input writes V[ξ][c][t] = (Bᵀ d B)_ξ for every 6×6 tile d of the
// planes x [n][C][H][W], k side by side, for group-plane indices [lo, hi)
// of the ⌈n/k⌉·C groups (group g, channel c holds the planes of samples
// g·k … g·k+k−1, those beyond n zero). ph is scratch of winograd4Tmp(H, W).
// With packed, V[ξ] is written in gemm's packed form (gemm.PackedBIndex,
// C rows of T columns; each V[ξ] then takes C·Tp values, Tp = T rounded up
// to 16), so that the products read it as it is.
func winograd4Input(v, x, ph []float32, lo, hi, n, C, H, W, T int, packed bool) {
	th, tw, we, rs := winograd4Geom(H, W)
	ph = ph[:(4*th+2)*rs]
	clear(ph) // borders and gaps stay zero: only the planes are written below
	stride := C * T
	if packed {
		stride = C * packedCols(T)
	}
	for p := lo; p < hi; p++ {
		g, c := p/C, p%C
		winograd4SplitGroup(ph, x, g, c, n, C, H, W)
		if !packed {
			base := c*T + g*th*tw
			for ty := 0; ty < th; ty++ {
				wg4InputRow(v[base+ty*tw:], stride, ph[4*ty*rs:], rs, we, tw)
			}
			continue
		}
		// tw is a multiple of 8 (winograd4Side), so every run of eight
		// tiles from a multiple of 8 lies in one packed panel.
		for ty := 0; ty < th; ty++ {
			for tx := 0; tx < tw; tx += 8 {
				t0 := g*th*tw + ty*tw + tx
				wg4InputRow(v[gemm.PackedBIndex(C, c, t0):], stride, ph[4*ty*rs+tx:], rs, we, 8)
			}
		}
	}
}

// winograd4SplitGroup writes the planes of group g, channel c of x
// [n][C][H][W] (samples g·k … g·k+k−1, k = winograd4Side(W)) into the
// phase buffer ph (winograd4Input's layout), zeros for samples past n. ph's
// borders and gaps must be zero; they stay so.
func winograd4SplitGroup(ph, x []float32, g, c, n, C, H, W int) {
	k, S := winograd4Side(W)
	_, _, we, rs := winograd4Geom(H, W)
	for j := range k {
		s := g*k + j
		off := j * S / 4 // plane j's padded column 1 + jS is phase 1 at off
		if s >= n {
			// A short last group: zeros, not the previous plane's
			// values.
			for r := 0; r < H; r++ {
				pr := ph[(r+1)*rs:][:rs]
				clear(pr[off+1:][:W/4])
				clear(pr[we+off:][:(W+3)/4])
				clear(pr[2*we+off:][:(W+2)/4])
				clear(pr[3*we+off:][:(W+1)/4])
			}
			continue
		}
		wg4Split(ph[rs+off:], rs, we, x[(s*C+c)*H*W:][:H*W], W, H)
	}
}

// packedCols is T rounded up to whole panels of gemm's packed form.
func packedCols(T int) int { return gemm.PackedBLen(1, T) }

// packedGEMM returns g as a packedSgemmer when it is one and the products
// of Cin input channels fit one packed block: the one test of whether V is
// written packed, shared by the sizing of its buffer and its writing.
func packedGEMM(g sgemmer, Cin int) (packedSgemmer, bool) {
	pg, ok := g.(packedSgemmer)
	return pg, ok && Cin <= gemm.MaxPackedDepth
}

// packedSgemmer is a GEMM that reads B, and A, in gemm's packed forms
// (gemm.Implementation); winograd4Conv uses it when the backend's has it.
type packedSgemmer interface {
	SgemmPackedB(tA blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, bp []float32, beta float32, c []float32, ldc int)
	PackA(dst []float32, tA blas.Transpose, m, k int, a []float32, lda int)
	SgemmPackedAB(m, n, k int, alpha float32, ap, bp []float32, beta float32, c []float32, ldc int)
}

// wg4SplitGo writes the H rows of the plane x (W values each) to the
// phase-buffer rows at ph[r·rs …]: columns 4q, 4q+1, 4q+2, 4q+3 of a row go
// to p1[q], p2[q], p3[q], p0[q+1], phase j at j·we (winograd4Input's
// layout, ph starting at the plane's phase-1 column).
func wg4SplitGo(ph []float32, rs, we int, x []float32, W, H int) {
	for r := 0; r < H; r++ {
		pr := ph[r*rs:]
		p0, p1, p2, p3 := pr[1:we], pr[we:2*we], pr[2*we:3*we], pr[3*we:4*we]
		row := x[r*W:][:W]
		q := 0
		for ; 4*q+3 < W; q++ {
			quad := row[4*q : 4*q+4 : 4*q+4]
			p1[q], p2[q], p3[q], p0[q] = quad[0], quad[1], quad[2], quad[3]
		}
		if i := 4 * q; i < W {
			p1[q] = row[i]
			if i+1 < W {
				p2[q] = row[i+1]
			}
			if i+2 < W {
				p3[q] = row[i+2]
			}
		}
	}
}

// wg4CopyRowsGo copies H rows of W values, xs apart in x, to dst[:H·W].
func wg4CopyRowsGo(dst, x []float32, xs, W, H int) {
	for r := 0; r < H; r++ {
		copy(dst[r*W:][:W], x[r*xs:][:W])
	}
}

// wg4CopyAddRowsGo is wg4CopyRowsGo adding res[:H·W] to what it copies.
func wg4CopyAddRowsGo(dst, x []float32, xs int, res []float32, W, H int) {
	for r := 0; r < H; r++ {
		d, s, a := dst[r*W:][:W], x[r*xs:][:W], res[r*W:][:W]
		for i := range d {
			d[i] = s[i] + a[i]
		}
	}
}

// wg4InputRowGo is the input transform of the n tiles of one tile row,
// read from the six phase-buffer rows starting at src (row stride rs,
// phase j at j·we), into v[ξ·vstride + tx].
func wg4InputRowGo(v []float32, vstride int, src []float32, rs, we, n int) {
	for tx := 0; tx < n; tx++ {
		var d [6][6]float32
		for r := range 6 {
			row := src[r*rs:]
			d[r] = [6]float32{row[tx], row[we+tx], row[2*we+tx], row[3*we+tx], row[tx+1], row[we+tx+1]}
		}
		// t = Bᵀ·d, one column at a time, then V = t·B, one row at a
		// time: the same 1-D transform both ways.
		var t [6][6]float32
		for j := range 6 {
			b := wg4B(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j])
			for i := range 6 {
				t[i][j] = b[i]
			}
		}
		for i := range 6 {
			b := wg4B(t[i][0], t[i][1], t[i][2], t[i][3], t[i][4], t[i][5])
			for j := range 6 {
				v[(6*i+j)*vstride+tx] = b[j]
			}
		}
	}
}

// wg4B is Bᵀ·x for one column x of six values, each row of Bᵀ grouped as
// the assembly computes it (products by powers of two only).
func wg4B(x0, x1, x2, x3, x4, x5 float32) [6]float32 {
	return [6]float32{
		4*(x0-x2) + (x4 - x2),
		(x3 + x4) - 4*(x1+x2),
		(x4 - x3) + 4*(x1-x2),
		(x4 - x2) + 2*(x3-x1),
		(x4 - x2) - 2*(x3-x1),
		4*(x1-x3) + (x5 - x3),
	}
}

// winograd4Output writes the planes y [n][C][H][W], k side by side as in
// winograd4Input, for group-plane indices [lo, hi), from M: each 4×4 block
// is Aᵀ·M·A plus bias[c] (if not nil), plus the same value of res (if not
// nil, shaped like y). ob is scratch of winograd4Tmp(H, W): the tile rows
// are written there whole and the planes copied out of it, clipped to H×W.
func winograd4Output(y, m, bias, res, ob []float32, lo, hi, n, C, H, W, T int) {
	k, S := winograd4Side(W)
	th, tw, _, _ := winograd4Geom(H, W)
	ow := 4 * tw
	ob = ob[:4*th*ow]
	stride := C * T
	// Planes 28 wide and a multiple of 4 high, one to a row of eight tiles
	// of which seven are kept, are written straight from the transform
	// (wg4Output7), without the copy out of ob.
	direct := W == 28 && k == 1 && tw == 8 && 4*th == H
	for p := lo; p < hi; p++ {
		g, c := p/C, p%C
		var b float32
		if bias != nil {
			b = bias[c]
		}
		base := c*T + g*th*tw
		if direct {
			at := (g*C + c) * H * W
			var r []float32
			if res != nil {
				r = res[at:][:H*W]
			}
			wg4Output7(y[at:][:H*W], W, m[base:], stride, b, r, th)
			continue
		}
		for ty := 0; ty < th; ty++ {
			wg4OutputRow(ob[4*ty*ow:], ow, m[base+ty*tw:], stride, b, tw)
		}
		for j := range min(k, n-g*k) {
			at := ((g*k+j)*C + c) * H * W
			if res != nil {
				wg4CopyAddRows(y[at:][:H*W], ob[j*S:], ow, res[at:][:H*W], W, H)
			} else {
				wg4CopyRows(y[at:][:H*W], ob[j*S:], ow, W, H)
			}
		}
	}
}

// wg4Output7Go is the output transform of n tile rows of seven tiles
// (eight in M, tile row i at columns 8i … 8i+7), written straight to a plane
// 28 columns wide: tile row i's output rows at out[(4i+r)·ow …], plus
// res's values at the same offsets when res is not nil.
func wg4Output7Go(out []float32, ow int, m []float32, mstride int, bias float32, res []float32, n int) {
	var tmp [4 * 32]float32
	for i := range n {
		wg4OutputRowGo(tmp[:], 32, m[8*i:], mstride, bias, 8)
		for r := range 4 {
			o := out[(4*i+r)*ow:][:28]
			copy(o, tmp[32*r:][:28])
			if res != nil {
				for j, v := range res[(4*i+r)*ow:][:28] {
					o[j] += v
				}
			}
		}
	}
}

// wg4OutputRowGo is the output transform of the n tiles of one tile row from
// m[ξ·mstride + tx], writing the four output rows out[r·ow : r·ow+4n].
func wg4OutputRowGo(out []float32, ow int, m []float32, mstride int, bias float32, n int) {
	for tx := 0; tx < n; tx++ {
		// a = Aᵀ·M, one column at a time, then Y = a·A, one row at a
		// time.
		var a [4][6]float32
		for j := range 6 {
			col := wg4A(m[j*mstride+tx], m[(6+j)*mstride+tx], m[(12+j)*mstride+tx],
				m[(18+j)*mstride+tx], m[(24+j)*mstride+tx], m[(30+j)*mstride+tx])
			for r := range 4 {
				a[r][j] = col[r]
			}
		}
		for r := range 4 {
			y := wg4A(a[r][0], a[r][1], a[r][2], a[r][3], a[r][4], a[r][5])
			o := out[r*ow+4*tx:][:4]
			o[0], o[1], o[2], o[3] = y[0]+bias, y[1]+bias, y[2]+bias, y[3]+bias
		}
	}
}

// wg4A is Aᵀ·x for one column x of six values, grouped as the assembly
// computes it.
func wg4A(x0, x1, x2, x3, x4, x5 float32) [4]float32 {
	return [4]float32{
		(x0 + (x1 + x2)) + (x3 + x4),
		(x1 - x2) + 2*(x3-x4),
		(x1 + x2) + 4*(x3+x4),
		((x1 - x2) + 8*(x3-x4)) + x5,
	}
}

// winograd4Conv computes, for samples [s0, s0+n) of x [B][Cin][H][W], the
// same-size 3×3 convolution with transformed weights u (winograd4Weights)
// into y [B][Cout][H][W], adding bias (may be nil) and res (may be nil;
// shaped like y). v and m are scratch of 36·Cin·T and 36·Cout·T floats
// (36·Cin·packedCols(T) for v when r's GEMM takes packed operands and Cin
// is at most gemm.MaxPackedDepth), tmp of winograd4Tmp(H, W). In that case
// up holds the 36 planes of u in gemm's packed form (winograd4PackWeights),
// packed once for all the chunks of a batch.
func winograd4Conv(r runner, y, x, u, up, bias, res []float32, s0, n, Cin, Cout, H, W int, v, m, tmp []float32) {
	k, _ := winograd4Side(W)
	th, tw, _, _ := winograd4Geom(H, W)
	groups := (n + k - 1) / k
	T := groups * th * tw
	xs := x[s0*Cin*H*W:][:n*Cin*H*W]
	ys := y[s0*Cout*H*W:][:n*Cout*H*W]
	var rs []float32
	if res != nil {
		rs = res[s0*Cout*H*W:][:n*Cout*H*W]
	}
	pg, packed := packedGEMM(r.gemm, Cin)
	packed = packed && up != nil
	if r.par {
		r.loop(groups*Cin, grainFor(k*H*W*8), func(lo, hi int) {
			winograd4Input(v, xs, make([]float32, winograd4Tmp(H, W)), lo, hi, n, Cin, H, W, T, packed)
		})
	} else {
		winograd4Input(v, xs, tmp, 0, groups*Cin, n, Cin, H, W, T, packed)
	}
	if !packed {
		for xi := 0; xi < 36; xi++ {
			r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cout, T, Cin, 1, u[xi*Cout*Cin:], Cin, v[xi*Cin*T:], T, 0, m[xi*Cout*T:], T)
		}
	} else {
		Tp, la := packedCols(T), gemm.PackedALen(Cout, Cin)
		for xi := 0; xi < 36; xi++ {
			vx := v[xi*Cin*Tp:][:Cin*Tp]
			if T < Tp {
				// The last panel's columns past T must be zero.
				for c := 0; c < Cin; c++ {
					clear(vx[gemm.PackedBIndex(Cin, c, T):][:Tp-T])
				}
			}
			pg.SgemmPackedAB(Cout, T, Cin, 1, up[xi*la:], vx, 0, m[xi*Cout*T:], T)
		}
	}
	if r.par {
		r.loop(groups*Cout, grainFor(k*H*W*4), func(lo, hi int) {
			winograd4Output(ys, m, bias, rs, make([]float32, winograd4Tmp(H, W)), lo, hi, n, Cout, H, W, T)
		})
	} else {
		winograd4Output(ys, m, bias, rs, tmp, 0, groups*Cout, n, Cout, H, W, T)
	}
}

// winograd4 runs winograd4Conv over the batch in chunks (see chunked) of
// whole side-by-side groups of k samples, at least winogradMinTiles tiles
// wide where the batch allows.
func (c *cpuBackend) winograd4(y, x, u, bias, res []float32, B, Cin, Cout, H, W int) {
	k, _ := winograd4Side(W)
	th, tw, _, _ := winograd4Geom(H, W)
	tiles := th * tw // per group
	tmp := winograd4Tmp(H, W)
	minG := (winogradMinTiles + tiles - 1) / tiles
	groups := (B + k - 1) / k
	// A packed V is T rounded up to 16 columns wide: up to 8 more per
	// chunk, allowed for in every group when its tiles are not a multiple
	// of 16.
	pad := 0
	if _, ok := packedGEMM(c.gemm, Cin); ok && tiles%16 != 0 {
		pad = 36 * Cin * 8
	}
	var up []float32
	if pg, ok := packedGEMM(c.gemm, Cin); ok {
		up = c.pool.get(36 * gemm.PackedALen(Cout, Cin))
		defer c.pool.put(up)
		winograd4PackWeights(pg, up, u, Cin, Cout)
	}
	c.chunked(groups, 36*Cin*tiles+pad+tmp, 36*Cout*tiles, minG, nil, func(r runner, g0, ng int, a, b, _ []float32) {
		T := ng * tiles
		s0 := g0 * k
		vn := 36 * Cin * T
		if _, ok := packedGEMM(r.gemm, Cin); ok && up != nil {
			vn = 36 * Cin * packedCols(T)
		}
		winograd4Conv(r, y, x, u, up, bias, res, s0, min(ng*k, B-s0), Cin, Cout, H, W, a[:vn], b[:36*Cout*T], a[vn:][:tmp])
	})
}

// winograd4PackWeights writes the 36 planes U_ξ [Cout][Cin] of u to up in
// gemm's packed form of A, gemm.PackedALen(Cout, Cin) values a plane.
func winograd4PackWeights(pg packedSgemmer, up, u []float32, Cin, Cout int) {
	la := gemm.PackedALen(Cout, Cin)
	for xi := range 36 {
		pg.PackA(up[xi*la:][:la], blas.NoTrans, Cout, Cin, u[xi*Cout*Cin:], Cin)
	}
}
