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

// winogradApplies reports whether a Conv2d of geometry g with cout output
// channels runs as Winograd: the 3×3, stride-1, same-size case it handles,
// where it is the faster algorithm. That is a measured rule
// (BenchmarkConvAlgorithm; docs/benchmarks.md, "Convolution algorithm by
// shape"): the 2×2 output tiles cover an odd side only by computing a row
// and a column that are thrown away (64 outputs for the 49 of a 7×7 plane),
// and with fewer than 16 channels on either side the 16 products are too
// thin for the GEMM to pay for the transforms; there im2col is faster, by
// up to 5 times for one input channel.
func winogradApplies(g *geom, cout int) bool {
	return g.KH == 3 && g.KW == 3 && g.Stride == 1 && g.Pad == 1 && g.OH == g.H && g.OW == g.W &&
		g.H%2 == 0 && g.W%2 == 0 && min(g.C, cout) >= winogradMinChannels
}

// winogradMinChannels is the fewest input or output channels for which
// Winograd beats im2col (see winogradApplies).
const winogradMinChannels = 16

// winogradWeights writes U[ξ][o][i] = (G g Gᵀ)_ξ for the 3×3 kernels of w
// [A][Bc][3][3]. Without flip, o runs over A and i over Bc and g = w[o][i]
// (a forward convolution). With flip, o runs over Bc and i over A and
// g = rot180(w[i][o]): the convolution that maps an output gradient to the
// input gradient of a same-size 3×3 convolution.
func winogradWeights(u, w []float32, A, Bc int, flip bool) {
	outC, inC := A, Bc
	if flip {
		outC, inC = Bc, A
	}
	stride := outC * inC
	for o := 0; o < outC; o++ {
		for i := 0; i < inC; i++ {
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
			off := o*inC + i
			for r := 0; r < 4; r++ {
				t0, t1, t2 := t[3*r], t[3*r+1], t[3*r+2]
				u[(4*r+0)*stride+off] = t0
				u[(4*r+1)*stride+off] = 0.5 * (t0 + t1 + t2)
				u[(4*r+2)*stride+off] = 0.5 * (t0 - t1 + t2)
				u[(4*r+3)*stride+off] = t2
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

// winogradInput writes V[ξ][c][t] = (Bᵀ d B)_ξ for every 4×4 tile d of the
// planes x [n][C][H][W] (zero outside the plane), for plane indices
// [lo, hi) of the n·C planes. eo is scratch of (H+3)·rs floats.
func winogradInput(v, x, eo []float32, lo, hi, C, H, W, T int) {
	th, tw8, we, rs := winogradGeom(H, W)
	eo = eo[:(H+3)*rs]
	clear(eo) // the border stays zero: only the image is written below
	stride := C * T
	for p := lo; p < hi; p++ {
		s, c := p/C, p%C
		plane := x[p*H*W:][:H*W]
		for r := 0; r < H; r++ {
			row := plane[r*W:][:W]
			e := eo[(r+1)*rs:][:we]
			o := eo[(r+1)*rs+we:][:we]
			// Padded column q holds image column q−1: even q = 2k is
			// column 2k−1, odd q = 2k+1 is column 2k.
			half := W / 2
			pairs := row[:2*half]
			oo, ee := o[:half], e[1:half+1]
			for k := range oo {
				p := pairs[2*k : 2*k+2 : 2*k+2]
				oo[k], ee[k] = p[0], p[1]
			}
			if W%2 == 1 {
				o[half] = row[W-1]
			}
		}
		base := c*T + s*th*tw8
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

// winogradOutput writes the planes y [n][C][H][W], for plane indices
// [lo, hi), from M: each 2×2 block is Aᵀ·M·A plus bias[c] (if not nil). ob
// is scratch of 2·th·2·tw8 floats: the tile rows are written there whole and
// the plane copied out of it, clipped to H×W.
func winogradOutput(y, m, bias, ob []float32, lo, hi, C, H, W, T int) {
	th, tw8, _, _ := winogradGeom(H, W)
	ow := 2 * tw8
	ob = ob[:2*th*ow]
	stride := C * T
	for p := lo; p < hi; p++ {
		s, c := p/C, p%C
		var b float32
		if bias != nil {
			b = bias[c]
		}
		base := c*T + s*th*tw8
		for ty := 0; ty < th; ty++ {
			wgOutputRow(ob[2*ty*ow:], ow, m[base+ty*tw8:], stride, b, tw8)
		}
		plane := y[p*H*W:][:H*W]
		for r := 0; r < H; r++ {
			copy(plane[r*W:][:W], ob[r*ow:][:W])
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
	th, tw8, _, _ := winogradGeom(H, W)
	T := n * th * tw8
	xs := x[s0*Cin*H*W:][:n*Cin*H*W]
	ys := y[s0*Cout*H*W:][:n*Cout*H*W]
	if r.par {
		r.loop(n*Cin, grainFor(H*W*8), func(lo, hi int) {
			winogradInput(v, xs, make([]float32, winogradTmp(H, W)), lo, hi, Cin, H, W, T)
		})
	} else {
		winogradInput(v, xs, tmp, 0, n*Cin, Cin, H, W, T)
	}
	for xi := 0; xi < 16; xi++ {
		r.gemm.Sgemm(blas.NoTrans, blas.NoTrans, Cout, T, Cin, 1, u[xi*Cout*Cin:], Cin, v[xi*Cin*T:], T, 0, m[xi*Cout*T:], T)
	}
	if r.par {
		r.loop(n*Cout, grainFor(H*W*4), func(lo, hi int) {
			winogradOutput(ys, m, bias, make([]float32, winogradTmp(H, W)), lo, hi, Cout, H, W, T)
		})
	} else {
		winogradOutput(ys, m, bias, tmp, 0, n*Cout, Cout, H, W, T)
	}
}

// winogradTmp is the scratch winogradInput and winogradOutput need, the
// larger of the eo buffer and the output tile rows.
func winogradTmp(H, W int) int {
	th, tw8, _, rs := winogradGeom(H, W)
	return max((H+3)*rs, 2*th*2*tw8)
}

// winogradMinTiles is the fewest tiles a chunk should hold so that the 16
// products are at least 192 columns wide (12 of the GEMM's 16-column
// panels): the 14×14 layers have 49 tiles per image, so their chunks hold
// four images.
const winogradMinTiles = 192

// winograd runs winogradConv over the batch in chunks (see chunked).
func (c *cpuBackend) winograd(y, x, u, bias []float32, B, Cin, Cout, H, W int) {
	th, tw8, _, _ := winogradGeom(H, W)
	tiles := th * tw8
	tmp := winogradTmp(H, W)
	minS := (winogradMinTiles + tiles - 1) / tiles
	c.chunked(B, 16*Cin*tiles+tmp, 16*Cout*tiles, minS, nil, func(r runner, s0, n int, a, b, _ []float32) {
		T := n * tiles
		winogradConv(r, y, x, u, bias, s0, n, Cin, Cout, H, W, a[:16*Cin*T], b[:16*Cout*T], a[16*Cin*T:][:tmp])
	})
}
