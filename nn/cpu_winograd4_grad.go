package nn

import "gonum.org/v1/gonum/blas"

// The weight gradient of a same-size 3×3 convolution by F(4×4, 3×3)
// (Lavin and Gray, CVPR 2016, §4, where the same transforms serve "the
// gradient computations"). The forward pass computes each 4×4 block of
// outputs as Y = Aᵀ [U ⊙ V] A, U = G g Gᵀ and V = Bᵀ d B; Y is linear in
// U, so with dY the block's output gradient
//
//	∂L/∂U = (A dY Aᵀ) ⊙ V,    ∂L/∂g = Gᵀ (∂L/∂U) G,
//
// and summed over the tiles t of the batch, for output channel o and input
// channel i,
//
//	∂L/∂U_ξ[o][i] = Σ_t M_ξ[o][t] · V_ξ[i][t],    M = A dY Aᵀ (6×6),
//
// 36 products of [Cout, T] by [T, Cin]ᵀ. Against the im2col product, 9
// multiplications per output position and channel pair, these take 36 per
// 16 positions (2.25, or 2.57 with a tile row of 28 columns padded to 32),
// for the price of the transforms. V is the forward pass's input
// transform; M is the transpose of its output transform, A dY Aᵀ with
//
//	A = ⎡1  0  0  0⎤
//	    ⎢1  1  1  1⎥
//	    ⎢1 −1  1 −1⎥
//	    ⎢1  2  4  8⎥
//	    ⎢1 −2  4 −8⎥
//	    ⎣0  0  0  1⎦
//
// whose products are by powers of two, so that the assembly
// (wg4GradOutAVX2) and Go (wg4GradOutRowGo) agree bit for bit.

// wg4AT is A·y for one column y of four values of an output-gradient tile,
// grouped as the assembly computes it: y0 + y2 and y1 + y3 shared by rows 1
// and 2, y0 + 4y2 and 2(y1 + 4y3) by rows 3 and 4.
func wg4AT(y0, y1, y2, y3 float32) [6]float32 {
	e, o := y0+y2, y1+y3
	e4, o4 := y0+4*y2, 2*(y1+4*y3)
	return [6]float32{y0, e + o, e - o, e4 + o4, e4 - o4, y3}
}

// wg4GradOutRowGo writes M[ξ][tx] = (A dY Aᵀ)_ξ for the n output-gradient
// tiles of one tile row to m[ξ·mstride + tx]. The four rows of the tiles
// are the phase-buffer rows at src, src + rs, …: column c of tile tx is
// p1[tx], p2[tx], p3[tx], p0[tx+1] for c = 0…3 (phase j at j·we), the
// layout in which wg4Split leaves a plane.
func wg4GradOutRowGo(m []float32, mstride int, src []float32, rs, we, n int) {
	for tx := 0; tx < n; tx++ {
		var t [6][4]float32 // A·dY
		for c := range 4 {
			at := [4]int{we + tx, 2*we + tx, 3*we + tx, tx + 1}[c]
			col := wg4AT(src[at], src[rs+at], src[2*rs+at], src[3*rs+at])
			for i := range 6 {
				t[i][c] = col[i]
			}
		}
		for i := range 6 {
			row := wg4AT(t[i][0], t[i][1], t[i][2], t[i][3])
			for j := range 6 {
				m[(6*i+j)*mstride+tx] = row[j]
			}
		}
	}
}

// winograd4GradOut writes M[ξ][o][t] = (A dY Aᵀ)_ξ for every 4×4 tile of
// the output-gradient planes dy [n][C][H][W], laid out as winograd4Input
// lays out V (k planes side by side, tile t = (group, tile row, tile
// column), the positions past a plane zero), for group-plane indices
// [lo, hi). ph is scratch of winograd4Tmp(H, W).
func winograd4GradOut(m, dy, ph []float32, lo, hi, n, C, H, W, T int) {
	th, tw, we, rs := winograd4Geom(H, W)
	ph = ph[:(4*th+2)*rs]
	clear(ph)
	stride := C * T
	for p := lo; p < hi; p++ {
		g, c := p/C, p%C
		winograd4SplitGroup(ph, dy, g, c, n, C, H, W)
		base := c*T + g*th*tw
		for ty := 0; ty < th; ty++ {
			// Output rows 4ty … 4ty+3 are the padded rows one on.
			wg4GradOutRow(m[base+ty*tw:], stride, ph[(4*ty+1)*rs:], rs, we, tw)
		}
	}
}

// winograd4WeightGrad adds to dw [Cout][Cin][3][3] the weight gradient of
// the same-size 3×3 convolution of x [B][Cin][H][W] whose output gradient
// is dy [B][Cout][H][W], by the transforms above: per chunk of the batch,
// V and M and the 36 products into ∂L/∂U (summed over the chunks in a fixed
// order, see chunked), then dw += Gᵀ (∂L/∂U) G in float64.
func (c *cpuBackend) winograd4WeightGrad(dw, x, dy []float32, B, Cin, Cout, H, W int) {
	k, _ := winograd4Side(W)
	th, tw, _, _ := winograd4Geom(H, W)
	tiles := th * tw // per group
	tmp := winograd4Tmp(H, W)
	minG := (winogradMinTiles + tiles - 1) / tiles
	groups := (B + k - 1) / k
	du := c.pool.get(36 * Cout * Cin)
	clear(du)
	c.chunked(groups, 36*Cin*tiles+tmp, 36*Cout*tiles, minG, du, func(r runner, g0, ng int, a, b, acc []float32) {
		T := ng * tiles
		s0 := g0 * k
		n := min(ng*k, B-s0)
		v, m, ph := a[:36*Cin*T], b[:36*Cout*T], a[36*Cin*T:][:tmp]
		xs := x[s0*Cin*H*W:][:n*Cin*H*W]
		dys := dy[s0*Cout*H*W:][:n*Cout*H*W]
		if r.par {
			r.loop(ng*Cin, grainFor(k*H*W*8), func(lo, hi int) {
				winograd4Input(v, xs, make([]float32, tmp), lo, hi, n, Cin, H, W, T, false)
			})
			r.loop(ng*Cout, grainFor(k*H*W*4), func(lo, hi int) {
				winograd4GradOut(m, dys, make([]float32, tmp), lo, hi, n, Cout, H, W, T)
			})
		} else {
			winograd4Input(v, xs, ph, 0, ng*Cin, n, Cin, H, W, T, false)
			winograd4GradOut(m, dys, ph, 0, ng*Cout, n, Cout, H, W, T)
		}
		for xi := range 36 {
			r.gemm.Sgemm(blas.NoTrans, blas.Trans, Cout, Cin, T, 1, m[xi*Cout*T:], T, v[xi*Cin*T:], T, 1, acc[xi*Cout*Cin:], Cin)
		}
	})
	winograd4GradWeights(dw, du, Cout, Cin)
	c.pool.put(du)
}

// winograd4GradWeights adds Gᵀ·dU[o][i]·G to the 3×3 kernels dw[o][i] for
// dU [36][Cout][Cin], the adjoint of winograd4Weights without flip (G of
// Lavin and Gray's F(4×4, 3×3), in float64 like the forward transform).
func winograd4GradWeights(dw, du []float32, Cout, Cin int) {
	stride := Cout * Cin
	for o := range Cout {
		for i := range Cin {
			off := o*Cin + i
			// s = dU·G (6×3), one row at a time, then Gᵀ·s, one
			// column at a time: the adjoint of wg4G both ways.
			var s [6][3]float64
			for a := range 6 {
				var row [6]float64
				for b := range 6 {
					row[b] = float64(du[(6*a+b)*stride+off])
				}
				s[a][0], s[a][1], s[a][2] = wg4GT(row)
			}
			k := dw[off*9:][:9]
			for col := range 3 {
				g0, g1, g2 := wg4GT([6]float64{s[0][col], s[1][col], s[2][col], s[3][col], s[4][col], s[5][col]})
				k[col] += float32(g0)
				k[3+col] += float32(g1)
				k[6+col] += float32(g2)
			}
		}
	}
}

// wg4GT is Gᵀ·x for six values x, the adjoint of wg4G: the columns of G
// are (1/4, −1/6, −1/6, 1/24, 1/24, 0), (0, −1/6, 1/6, 1/12, −1/12, 0) and
// (0, −1/6, −1/6, 1/6, 1/6, 1).
func wg4GT(x [6]float64) (y0, y1, y2 float64) {
	const sixth = 1.0 / 6
	s12, d12 := x[1]+x[2], x[2]-x[1]
	s34, d34 := x[3]+x[4], x[3]-x[4]
	y0 = x[0]/4 - s12*sixth + s34/24
	y1 = d12*sixth + d34/12
	y2 = -s12*sixth + s34*sixth + x[5]
	return y0, y1, y2
}
