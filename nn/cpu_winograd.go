package nn

import "gonum.org/v1/gonum/blas"

// Winograd's minimal filtering F(2×2, 3×3) for the 3×3, stride-1, padding-1
// convolutions that carry most of the VelocityNet's arithmetic (Lavin and
// Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, §4.1
// and eq. 8–10): each 2×2 block of outputs is
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A
//
// for the 4×4 input tile d around it and the 3×3 kernel g, with
//
//	Bᵀ = ⎡1  0 −1  0⎤   G = ⎡ 1    0    0 ⎤   Aᵀ = ⎡1 1  1  0⎤
//	     ⎢0  1  1  0⎥       ⎢ ½    ½    ½ ⎥        ⎣0 1 −1 −1⎦
//	     ⎢0 −1  1  0⎥       ⎢ ½   −½    ½ ⎥
//	     ⎣0  1  0 −1⎦       ⎣ 0    0    1 ⎦
//
// Summed over input channels, the element-wise products become 16
// independent matrix products U_ξ·V_ξ (ξ one of the 4×4 positions) of a
// [Cout, Cin] matrix of transformed weights by a [Cin, tiles] matrix of
// transformed inputs: 16 multiplications per 4 outputs and input channel
// instead of 36, 2.25 times fewer. The transforms use only additions and
// halvings, and the points 0, ±1 keep the float32 error within a few times
// that of the direct sum (Lavin and Gray §5; checked against float64
// references by the layer tests).
//
// Layouts: U is [16][Cout][Cin], V is [16][Cin][T] and M is [16][Cout][T]
// for the T tiles of a chunk of n samples, tile t = (sample, tile row, tile
// column) in row-major order.

// convAlg is one of the CPU backend's algorithms for a Conv2d.
type convAlg int

const (
	convIm2col    convAlg = iota // one GEMM over im2col columns
	convWinograd2                // Winograd's F(2×2, 3×3), this file
	convWinograd4                // Winograd's F(4×4, 3×3), cpu_winograd4.go
)

// convAlgorithm returns the algorithm of a Conv2d of geometry g with cout
// output channels over a batch of B: im2col unless it is the 3×3,
// stride-1, same-size case with at least winogradMinChannels channels on
// both sides, and then the algorithm with the fewest multiplications in its
// GEMMs (9 per output for im2col; winogradProducts, winograd4Products),
// ties going to the one with less transform work (im2col, then F(2×2)).
// Both Winograd algorithms compute whole tiles and whole side-by-side
// groups of planes, which the counts include: a 5×5 plane costs both 144
// products (F(4×4) computes 8×8 outputs for it, F(2×2) 6×6), a 6×6 plane
// costs F(2×2) 384 (a tile row is padded to eight tiles), more than
// im2col's 324, and F(4×4) 144.
//
// That is a measured rule (BenchmarkConvAlgorithm; docs/benchmarks.md,
// "Convolution algorithm by shape"): at batch 64, with 16 to 256 channels,
// it picks the algorithm that took the least CPU time on every shape
// measured, F(4×4) on planes of 28, 14, 7, 6, 4 and 3 (1.06 to 2.4 times
// as fast as F(2×2)), F(2×2) on 5×5. With one channel on a side the
// products are too thin for the GEMM to pay for the transforms, and im2col
// is as fast or faster, twice as fast for one input channel. At 8 channels
// F(4×4) took less CPU time than im2col in two runs (1.3 to 1.8 times, one
// tie) but more wall time at 28×28 in both; no network here has 8
// channels, and the threshold stays at 16.
func convAlgorithm(g *geom, cout, B int) convAlg {
	if g.KH != 3 || g.KW != 3 || g.Stride != 1 || g.Pad != 1 || g.OH != g.H || g.OW != g.W ||
		min(g.C, cout) < winogradMinChannels {
		return convIm2col
	}
	alg, best := convIm2col, 9*g.H*g.W*B
	if p := winogradProducts(g.H, g.W, B); p < best {
		alg, best = convWinograd2, p
	}
	if p := winograd4Products(g.H, g.W, B); p < best {
		alg = convWinograd4
	}
	return alg
}

// winogradMinChannels is the fewest input or output channels for which
// Winograd runs (see convAlgorithm).
const winogradMinChannels = 16

// winogradProducts is the number of multiplications per input and output
// channel pair in the GEMMs of F(2×2, 3×3) on B planes of H×W: 16 per tile,
// the tiles of whole tile rows of whole side-by-side groups.
func winogradProducts(H, W, B int) int {
	k := winogradSide(W)
	th, tw8, _, _ := winogradGeom(H, winogradWidth(W, k))
	return 16 * th * tw8 * ((B + k - 1) / k)
}

// winogradWeights writes U[ξ][o][i] = (G g Gᵀ)_ξ for the 3×3 kernels of w
// [A][Bc][3][3]. Without flip, o runs over A and i over Bc and g = w[o][i]
// (a forward convolution). With flip, o runs over Bc and i over A and
// g = rot180(w[i][o]): the convolution that maps an output gradient to the
// input gradient of a same-size 3×3 convolution.
//
// The 16 planes of U are Cout·Cin floats apart, a multiple of 4 KiB for the
// usual channel counts, so they fall into the same few sets of the L1
// cache: the kernels are transformed wg4Block input channels at a time into
// a local block and each plane's part written as one run (see
// winograd4Weights; 128 → 128 channels took 1.1 ms of CPU kernel by kernel).
func winogradWeights(u, w []float32, A, Bc int, flip bool) {
	outC, inC := A, Bc
	if flip {
		outC, inC = Bc, A
	}
	stride := outC * inC
	var blk [16][wg4Block]float32
	for o := 0; o < outC; o++ {
		for i0 := 0; i0 < inC; i0 += wg4Block {
			nb := min(wg4Block, inC-i0)
			for ib := range nb {
				i := i0 + ib
				var g [9]float32
				if flip {
					k := w[(i*Bc+o)*9:][:9]
					for j := range 9 {
						g[j] = k[8-j]
					}
				} else {
					copy(g[:], w[(o*Bc+i)*9:][:9])
				}
				// t = G·g (4×3), then U = t·Gᵀ (4×4).
				var t [12]float32
				for c := 0; c < 3; c++ {
					g0, g1, g2 := g[c], g[3+c], g[6+c]
					t[c] = g0
					t[3+c] = 0.5 * (g0 + g1 + g2)
					t[6+c] = 0.5 * (g0 - g1 + g2)
					t[9+c] = g2
				}
				for r := 0; r < 4; r++ {
					t0, t1, t2 := t[3*r], t[3*r+1], t[3*r+2]
					b := blk[4*r : 4*r+4 : 4*r+4]
					b[0][ib] = t0
					b[1][ib] = 0.5 * (t0 + t1 + t2)
					b[2][ib] = 0.5 * (t0 - t1 + t2)
					b[3][ib] = t2
				}
			}
			off := o*inC + i0
			for xi := range 16 {
				copy(u[xi*stride+off:][:nb], blk[xi][:nb])
			}
		}
	}
}

// Tiles are processed a tile row at a time, eight tiles to a vector: each
// tile row is padded to tw8 = ⌈⌈W/2⌉/8⌉·8 tiles (the extra tiles read zeros
// and their outputs are dropped), so T = n·⌈H/2⌉·tw8 and a tile row's
// transforms are whole vectors. The 14% of extra columns this costs the 28×28
// and 14×14 layers (16 tiles for 14, 8 for 7) is cheaper than a scalar tail.
//
// The input transform reads each plane from a copy split into even and odd
// columns ("eo": per padded row, we = tw8+1 even then we odd values of the
// plane with its one-pixel zero border), so that the four columns 2tx…2tx+3
// of eight consecutive tiles are four contiguous loads: even[tx], odd[tx],
// even[tx+1], odd[tx+1].

// winogradGeom returns the tile rows, tiles per padded tile row, and the
// even/odd half-width and row stride of the eo buffer for an H×W plane.
func winogradGeom(H, W int) (th, tw8, we, rs int) {
	th = (H + 1) / 2
	tw8 = ((W+1)/2 + 7) / 8 * 8
	we = tw8 + 1
	return th, tw8, we, 2 * we
}

// Planes of odd width go side by side. A tile row of a 7×7 plane is four
// tiles, padded to eight, so half of the work would be padding; instead
// winogradSide(7) = 2 planes of the same channel, consecutive samples, share
// a tile row, one zero column apart: a "row" of width 2·8−1 = 15 holding
// columns 0–6 of the first plane, a zero, columns 0–6 of the second. The
// zero column is the right border of the first plane and the left border
// of the second, and since W+1 is even every tile stays within one plane's
// outputs: the tile over output columns 6 and 7 reads input columns 5–8,
// and its column 6 (the first plane's last) depends only on 5–7, column 7
// (the zero column's output) is dropped. So the k planes of a group are
// transformed, multiplied and transformed back as one plane of width
// k·(W+1)−1, with no padded tiles at all when k·(W+1)/2 is a multiple of 8.

// winogradSide returns how many planes of width W go side by side: 1 for
// an even width, otherwise the fewest k that make k·(W+1)/2 tiles a whole
// number of eight-tile vectors (2 for W = 7, 8 for W = 5).
func winogradSide(W int) int {
	if W%2 == 0 {
		return 1
	}
	t := (W + 1) / 2
	k := 1
	for k*t%8 != 0 {
		k *= 2
	}
	return k
}

// winogradWidth returns the width of the row k planes of width W form side
// by side.
func winogradWidth(W, k int) int {
	if k == 1 {
		return W
	}
	return k*(W+1) - 1
}

// winogradInput writes V[ξ][c][t] = (Bᵀ d B)_ξ for every 4×4 tile d of the
// planes x [n][C][H][W] (zero outside the plane), k planes side by side
// (winogradSide), for group-plane indices [lo, hi) of the ⌈n/k⌉·C groups
// (group g, channel c holds the planes of samples g·k … g·k+k−1, those
// beyond n zero). eo is scratch of (H+3)·rs floats for the row width
// winogradWidth(W, k).
func winogradInput(v, x, eo []float32, lo, hi, n, C, H, W, k, T int) {
	th, tw8, we, rs := winogradGeom(H, winogradWidth(W, k))
	eo = eo[:(H+3)*rs]
	clear(eo) // the borders stay zero: only the planes are written below
	stride := C * T
	half := W / 2
	for p := lo; p < hi; p++ {
		g, c := p/C, p%C
		for j := range k {
			s := g*k + j
			// Plane j starts at column off = j·(W+1) of the row, an
			// even column, so its halves start at off/2.
			off := j * (W + 1) / 2
			for r := 0; r < H; r++ {
				e := eo[(r+1)*rs:][:we]
				o := eo[(r+1)*rs+we:][:we]
				// Padded column q holds row column q−1: even q = 2i
				// is column 2i−1, odd q = 2i+1 is column 2i.
				oo, ee := o[off:][:half+W%2], e[off+1:][:half]
				if s >= n {
					// A short last group: zeros, not the
					// previous plane's values (their outputs are
					// dropped either way).
					clear(oo)
					clear(ee)
					continue
				}
				row := x[((s*C+c)*H+r)*W:][:W]
				pairs := row[:2*half]
				for i := range ee {
					p := pairs[2*i : 2*i+2 : 2*i+2]
					oo[i], ee[i] = p[0], p[1]
				}
				if W%2 == 1 {
					oo[half] = row[W-1]
				}
			}
		}
		base := c*T + g*th*tw8
		for ty := 0; ty < th; ty++ {
			wgInputRow(v[base+ty*tw8:], stride, eo[2*ty*rs:], rs, we, tw8)
		}
	}
}

// wgInputRowGo is the input transform of the n tiles of one tile row, read
// from the eo rows starting at src (row stride rs, odd half at +we), into
// v[ξ·vstride + tx].
func wgInputRowGo(v []float32, vstride int, src []float32, rs, we, n int) {
	for tx := 0; tx < n; tx++ {
		var d [4][4]float32
		for k := 0; k < 4; k++ {
			row := src[k*rs:]
			d[k] = [4]float32{row[tx], row[we+tx], row[tx+1], row[we+tx+1]}
		}
		for i := 0; i < 4; i++ {
			var m [4]float32
			for j := 0; j < 4; j++ {
				switch i {
				case 0:
					m[j] = d[0][j] - d[2][j]
				case 1:
					m[j] = d[1][j] + d[2][j]
				case 2:
					m[j] = d[2][j] - d[1][j]
				case 3:
					m[j] = d[1][j] - d[3][j]
				}
			}
			v[(4*i+0)*vstride+tx] = m[0] - m[2]
			v[(4*i+1)*vstride+tx] = m[1] + m[2]
			v[(4*i+2)*vstride+tx] = m[2] - m[1]
			v[(4*i+3)*vstride+tx] = m[1] - m[3]
		}
	}
}

// winogradOutput writes the planes y [n][C][H][W], k side by side as in
// winogradInput, for group-plane indices [lo, hi), from M: each 2×2 block
// is Aᵀ·M·A plus bias[c] (if not nil). ob is scratch of 2·th·2·tw8 floats:
// the tile rows are written there whole and the planes copied out of it,
// clipped to H×W.
func winogradOutput(y, m, bias, ob []float32, lo, hi, n, C, H, W, k, T int) {
	th, tw8, _, _ := winogradGeom(H, winogradWidth(W, k))
	ow := 2 * tw8
	ob = ob[:2*th*ow]
	stride := C * T
	for p := lo; p < hi; p++ {
		g, c := p/C, p%C
		var b float32
		if bias != nil {
			b = bias[c]
		}
		base := c*T + g*th*tw8
		for ty := 0; ty < th; ty++ {
			wgOutputRow(ob[2*ty*ow:], ow, m[base+ty*tw8:], stride, b, tw8)
		}
		for j := range min(k, n-g*k) {
			plane := y[((g*k+j)*C+c)*H*W:][:H*W]
			for r := 0; r < H; r++ {
				copy(plane[r*W:][:W], ob[r*ow+j*(W+1):][:W])
			}
		}
	}
}

// wgOutputRowGo is the output transform of the n tiles of one tile row from
// m[ξ·mstride + tx], writing output rows out[0:2n] and out[ow:ow+2n].
func wgOutputRowGo(out []float32, ow int, m []float32, mstride int, bias float32, n int) {
	for tx := 0; tx < n; tx++ {
		var a [8]float32
		for j := 0; j < 4; j++ {
			m0, m1, m2, m3 := m[j*mstride+tx], m[(4+j)*mstride+tx], m[(8+j)*mstride+tx], m[(12+j)*mstride+tx]
			a[j] = m0 + m1 + m2
			a[4+j] = m1 - m2 - m3
		}
		out[2*tx] = a[0] + a[1] + a[2] + bias
		out[2*tx+1] = a[1] - a[2] - a[3] + bias
		out[ow+2*tx] = a[4] + a[5] + a[6] + bias
		out[ow+2*tx+1] = a[5] - a[6] - a[7] + bias
	}
}

// winogradConv computes, for samples [s0, s0+n) of x [B][Cin][H][W], the
// same-size 3×3 convolution with transformed weights u (see winogradWeights)
// into y [B][Cout][H][W], adding bias (may be nil). v and m are scratch of
// 16·Cin·T and 16·Cout·T floats, tmp of winogradTmp(H, W).
func winogradConv(r runner, y, x, u, bias []float32, s0, n, Cin, Cout, H, W int, v, m, tmp []float32) {
	k := winogradSide(W)
	th, tw8, _, _ := winogradGeom(H, winogradWidth(W, k))
	groups := (n + k - 1) / k
	T := groups * th * tw8
	xs := x[s0*Cin*H*W:][:n*Cin*H*W]
	ys := y[s0*Cout*H*W:][:n*Cout*H*W]
	if r.par {
		r.loop(groups*Cin, grainFor(k*H*W*8), func(lo, hi int) {
			winogradInput(v, xs, make([]float32, winogradTmp(H, W)), lo, hi, n, Cin, H, W, k, T)
		})
	} else {
		winogradInput(v, xs, tmp, 0, groups*Cin, n, Cin, H, W, k, T)
	}
	for xi := 0; xi < 16; xi++ {
		r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cout, T, Cin, 1, u[xi*Cout*Cin:], Cin, v[xi*Cin*T:], T, 0, m[xi*Cout*T:], T)
	}
	if r.par {
		r.loop(groups*Cout, grainFor(k*H*W*4), func(lo, hi int) {
			winogradOutput(ys, m, bias, make([]float32, winogradTmp(H, W)), lo, hi, n, Cout, H, W, k, T)
		})
	} else {
		winogradOutput(ys, m, bias, tmp, 0, groups*Cout, n, Cout, H, W, k, T)
	}
}

// winogradTmp is the scratch winogradInput and winogradOutput need, the
// larger of the eo buffer and the output tile rows.
func winogradTmp(H, W int) int {
	th, tw8, _, rs := winogradGeom(H, winogradWidth(W, winogradSide(W)))
	return max((H+3)*rs, 2*th*2*tw8)
}

// winogradMinTiles is the fewest tiles a chunk should hold so that the 16
// products are at least 192 columns wide (12 of the GEMM's 16-column
// panels): the 14×14 layers have 49 tiles per image, so their chunks hold
// four images.
const winogradMinTiles = 192

// winograd runs winogradConv over the batch in chunks (see chunked) of
// whole side-by-side groups of k samples (one sample for an even width).
func (c *cpuBackend) winograd(y, x, u, bias []float32, B, Cin, Cout, H, W int) {
	k := winogradSide(W)
	th, tw8, _, _ := winogradGeom(H, winogradWidth(W, k))
	tiles := th * tw8 // per group
	tmp := winogradTmp(H, W)
	minG := (winogradMinTiles + tiles - 1) / tiles
	groups := (B + k - 1) / k
	c.chunked(groups, 16*Cin*tiles+tmp, 16*Cout*tiles, minG, nil, func(r runner, g0, ng int, a, b, _ []float32) {
		T := ng * tiles
		s0 := g0 * k
		winogradConv(r, y, x, u, bias, s0, min(ng*k, B-s0), Cin, Cout, H, W, a[:16*Cin*T], b[:16*Cout*T], a[16*Cin*T:][:tmp])
	})
}
