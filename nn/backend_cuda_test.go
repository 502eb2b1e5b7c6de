//go:build cuda

package nn

import (
	"fmt"
	"math"
	"testing"
)

// Tests of the cuda backend's own machinery: the GEMM kernel and its split
// along k, and every operation against the cpu backend on shapes that the
// layer tests do not reach (sizes that are not multiples of the tiles,
// planes larger than a block, several chunks of samples, aliased and nil
// arguments). The layer tests (forEachBackend) cover the rest.

func testCUDA(t *testing.T) *cudaBackend {
	t.Helper()
	b, err := GetBackend("cuda")
	if err != nil {
		t.Fatal(err)
	}
	return b.(*cudaBackend)
}

func TestCUDAPTXParams(t *testing.T) {
	if err := checkPTXParams(cudaPTX); err != nil {
		t.Fatal(err)
	}
}

func TestCUDAGemmSplit(t *testing.T) {
	for _, blocks := range []int{1, 2, 3, 7, 9, 64, 127, 128, 1000} {
		for _, k := range []int{0, 1, 16, 511, 512, 513, 1000, 4096, 200704, 1 << 22} {
			s, kc := gemmSplit(blocks, k)
			if s < 1 || s > splitKMax {
				t.Fatalf("gemmSplit(%d, %d) = %d splits", blocks, k, s)
			}
			if s == 1 {
				if kc != k {
					t.Errorf("gemmSplit(%d, %d) = 1 split of %d", blocks, k, kc)
				}
				continue
			}
			// Every slice non-empty, all of k covered, slices tile-aligned.
			if kc%gemmTK != 0 || (s-1)*kc >= k || s*kc < k {
				t.Errorf("gemmSplit(%d, %d) = %d × %d", blocks, k, s, kc)
			}
			if blocks >= splitKTarget/2 {
				t.Errorf("gemmSplit(%d, %d) split a product of %d tiles", blocks, k, blocks)
			}
		}
	}
}

// gemmOnDevice runs the backend's gemm on tensors.
func gemmOnDevice(c *cudaBackend, tA, tB bool, m, n, k int, alpha float32, a *Tensor, lda int, b *Tensor, ldb int, beta float32, cm *Tensor, ldc int) {
	defer c.enter("test gemm")()
	ap, bp := c.r.in(a), c.r.in(b)
	cp := c.r.inout(cm)
	c.gemm(tA, tB, m, n, k, alpha, ap, lda, bp, ldb, beta, cp, ldc)
}

func TestCUDAGemm(t *testing.T) {
	c := testCUDA(t)
	rng := newRand(11)
	for _, sh := range []struct{ m, n, k int }{
		{1, 1, 1}, {63, 65, 17}, {64, 64, 16}, {130, 7, 300}, {70, 130, 1},
		{5, 3, 5000}, // split along k
		{64, 20, 2049},
	} {
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			for _, ab := range [][2]float32{{1, 0}, {0.5, 1}} {
				tA, tB, alpha, beta := tr[0], tr[1], ab[0], ab[1]
				m, n, k := sh.m, sh.n, sh.k
				name := fmt.Sprintf("m%d_n%d_k%d_tA%v_tB%v_beta%g", m, n, k, tA, tB, beta)
				// Leading dimensions wider than the matrices.
				ar, ac := m, k
				if tA {
					ar, ac = k, m
				}
				br, bc := k, n
				if tB {
					br, bc = n, k
				}
				lda, ldb, ldc := ac+3, bc+1, n+2
				a := randTensor(rng, 1, ar, lda)
				b := randTensor(rng, 1, br, ldb)
				cm := randTensor(rng, 1, m, ldc)
				if beta == 0 {
					for i := range cm.Data {
						cm.Data[i] = float32(math.NaN()) // must not be read
					}
				}
				want := make([]float64, len(cm.Data))
				for i := 0; i < m; i++ {
					for j := 0; j < ldc; j++ {
						if j >= n {
							want[i*ldc+j] = float64(cm.Data[i*ldc+j])
							continue
						}
						var s float64
						for l := 0; l < k; l++ {
							var av, bv float32
							if tA {
								av = a.Data[l*lda+i]
							} else {
								av = a.Data[i*lda+l]
							}
							if tB {
								bv = b.Data[j*ldb+l]
							} else {
								bv = b.Data[l*ldb+j]
							}
							s += float64(av) * float64(bv)
						}
						s *= float64(alpha)
						if beta != 0 {
							s += float64(beta) * float64(cm.Data[i*ldc+j])
						}
						want[i*ldc+j] = s
					}
				}
				gemmOnDevice(c, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
				got := cm.ToHost()
				for i := 0; i < m; i++ {
					for j := n; j < ldc; j++ {
						if g := got[i*ldc+j]; math.Float32bits(g) != math.Float32bits(float32(want[i*ldc+j])) {
							t.Fatalf("%s: C[%d,%d] beyond n changed to %g", name, i, j, g)
						}
						want[i*ldc+j] = 0
						got[i*ldc+j] = 0
					}
				}
				checkClose(t, name, got, want, 1e-5)
			}
		}
	}
}

// tensorsOn clones ts, keeping aliasing (the same tensor twice stays one
// tensor) and nil entries.
func tensorsOn(ts []*Tensor) []*Tensor {
	seen := map[*Tensor]*Tensor{}
	out := make([]*Tensor, len(ts))
	for i, x := range ts {
		if x == nil {
			continue
		}
		if y, ok := seen[x]; ok {
			out[i] = y
			continue
		}
		y := &Tensor{Shape: append([]int(nil), x.Shape...), Data: append([]float32(nil), x.ToHost()...)}
		seen[x] = y
		out[i] = y
	}
	return out
}

// compareWithCPU runs op on the cpu backend and on c with copies of ts and
// compares every tensor of ts afterwards (outputs and inputs alike), relative
// to the largest magnitude of each tensor.
func compareWithCPU(t *testing.T, c *cudaBackend, name string, tol float64, ts []*Tensor, op func(b Backend, ts []*Tensor)) {
	t.Helper()
	cpu, err := GetBackend("cpu")
	if err != nil {
		t.Fatal(err)
	}
	want, got := tensorsOn(ts), tensorsOn(ts)
	op(cpu, want)
	op(c, got)
	for i := range ts {
		if ts[i] == nil {
			continue
		}
		checkClose(t, fmt.Sprintf("%s: tensor %d %v", name, i, ts[i].Shape), got[i].ToHost(), f64(want[i].Data), tol)
	}
}

const cudaTol = 2e-5

func TestCUDALinear(t *testing.T) {
	c := testCUDA(t)
	rng := newRand(12)
	for _, s := range [][3]int{{5, 37, 70}, {1, 1, 1}, {300, 64, 128}, {17, 600, 3}} {
		B, in, out := s[0], s[1], s[2]
		x, w, b := randTensor(rng, 1, B, in), randTensor(rng, 1, out, in), randTensor(rng, 1, out)
		y := randTensor(rng, 1, B, out)
		name := fmt.Sprintf("B%d_in%d_out%d", B, in, out)
		compareWithCPU(t, c, "Linear "+name, cudaTol, []*Tensor{y, x, w, b}, func(bk Backend, ts []*Tensor) {
			bk.Linear(ts[0], ts[1], ts[2], ts[3])
		})
		dx, dw, db, dy := randTensor(rng, 1, B, in), randTensor(rng, 1, out, in), randTensor(rng, 1, out), randTensor(rng, 1, B, out)
		compareWithCPU(t, c, "LinearBackward "+name, cudaTol, []*Tensor{dx, dw, db, dy, x, w}, func(bk Backend, ts []*Tensor) {
			bk.LinearBackward(ts[0], ts[1], ts[2], ts[3], ts[4], ts[5])
		})
		compareWithCPU(t, c, "LinearBackward dx only "+name, cudaTol, []*Tensor{dx, dy, x, w}, func(bk Backend, ts []*Tensor) {
			bk.LinearBackward(ts[0], nil, nil, ts[1], ts[2], ts[3])
		})
		compareWithCPU(t, c, "LinearBackward dw only "+name, cudaTol, []*Tensor{dw, dy, x, w}, func(bk Backend, ts []*Tensor) {
			bk.LinearBackward(nil, ts[0], nil, ts[1], ts[2], ts[3])
		})
	}
}

var cudaConvCases = []struct{ B, Cin, Cout, H, W, K, S, P int }{
	{3, 5, 7, 9, 9, 3, 1, 1},     // same-size 3×3
	{2, 4, 6, 10, 10, 4, 2, 1},   // the UNet's down-sampling
	{2, 3, 4, 7, 5, 3, 2, 0},     // odd sizes, no padding
	{1, 2, 3, 6, 7, 4, 1, 2},     // padding wider than half the kernel
	{2, 8, 3, 5, 5, 1, 1, 0},     // 1×1
	{4, 16, 16, 14, 14, 3, 1, 1}, // K = 144
	{8, 4, 4, 16, 16, 3, 1, 1},   // weight gradient split along k
}

// withCUDABudgets runs f with cudaColsBudget at its default, at one sample
// per chunk and at two samples per chunk (perSample floats each).
func withCUDABudgets(t *testing.T, perSample int, f func(t *testing.T)) {
	saved := cudaColsBudget
	defer func() { cudaColsBudget = saved }()
	for _, bud := range []int{saved, 1, 2 * perSample} {
		cudaColsBudget = bud
		t.Run(fmt.Sprintf("budget%d", bud), f)
	}
}

func TestCUDAConv2d(t *testing.T) {
	c := testCUDA(t)
	for _, cc := range cudaConvCases {
		OH, OW := (cc.H+2*cc.P-cc.K)/cc.S+1, (cc.W+2*cc.P-cc.K)/cc.S+1
		per := max(max(cc.Cin*cc.K*cc.K, cc.Cout)*OH*OW, cc.Cin*cc.H*cc.W)
		t.Run(fmt.Sprintf("%+v", cc), func(t *testing.T) {
			withCUDABudgets(t, per, func(t *testing.T) {
				rng := newRand(13)
				x := randTensor(rng, 1, cc.B, cc.Cin, cc.H, cc.W)
				w := randTensor(rng, 0.3, cc.Cout, cc.Cin, cc.K, cc.K)
				b := randTensor(rng, 1, cc.Cout)
				y := randTensor(rng, 1, cc.B, cc.Cout, OH, OW)
				compareWithCPU(t, c, "Conv2d", cudaTol, []*Tensor{y, x, w, b}, func(bk Backend, ts []*Tensor) {
					bk.Conv2d(ts[0], ts[1], ts[2], ts[3], cc.S, cc.P)
				})
				compareWithCPU(t, c, "Conv2d no bias", cudaTol, []*Tensor{y, x, w}, func(bk Backend, ts []*Tensor) {
					bk.Conv2d(ts[0], ts[1], ts[2], nil, cc.S, cc.P)
				})
				dy := randTensor(rng, 1, y.Shape...)
				dx, dw, db := randTensor(rng, 1, x.Shape...), randTensor(rng, 1, w.Shape...), randTensor(rng, 1, b.Shape...)
				compareWithCPU(t, c, "Conv2dBackward", cudaTol, []*Tensor{dx, dw, db, dy, x, w}, func(bk Backend, ts []*Tensor) {
					bk.Conv2dBackward(ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], cc.S, cc.P)
				})
				compareWithCPU(t, c, "Conv2dBackward dx only", cudaTol, []*Tensor{dx, dy, x, w}, func(bk Backend, ts []*Tensor) {
					bk.Conv2dBackward(ts[0], nil, nil, ts[1], ts[2], ts[3], cc.S, cc.P)
				})
				compareWithCPU(t, c, "Conv2dBackward dw, db", cudaTol, []*Tensor{dw, db, dy, x, w}, func(bk Backend, ts []*Tensor) {
					bk.Conv2dBackward(nil, ts[0], ts[1], ts[2], ts[3], ts[4], cc.S, cc.P)
				})
			})
		})
	}
}

func TestCUDAConvTranspose2d(t *testing.T) {
	c := testCUDA(t)
	// x [B,Cin,h,w] → y [B,Cout,H,W], H = (h−1)·S − 2P + K + extra.
	for _, cc := range []struct{ B, Cin, Cout, h, w, K, S, P, extra int }{
		{2, 6, 4, 5, 5, 4, 2, 1, 0}, // the UNet's up-sampling
		{2, 3, 5, 4, 3, 3, 2, 1, 0},
		{2, 3, 5, 4, 3, 3, 2, 1, 1}, // output_padding 1
		{3, 4, 2, 6, 6, 3, 1, 1, 0},
		{1, 2, 3, 3, 4, 1, 1, 0, 0},
		{4, 16, 8, 7, 7, 4, 2, 1, 0},
	} {
		H, W := (cc.h-1)*cc.S-2*cc.P+cc.K+cc.extra, (cc.w-1)*cc.S-2*cc.P+cc.K+cc.extra
		per := max(max(cc.Cout*cc.K*cc.K, cc.Cin)*cc.h*cc.w, cc.Cout*H*W)
		t.Run(fmt.Sprintf("%+v", cc), func(t *testing.T) {
			withCUDABudgets(t, per, func(t *testing.T) {
				rng := newRand(14)
				x := randTensor(rng, 1, cc.B, cc.Cin, cc.h, cc.w)
				w := randTensor(rng, 0.3, cc.Cin, cc.Cout, cc.K, cc.K)
				b := randTensor(rng, 1, cc.Cout)
				y := randTensor(rng, 1, cc.B, cc.Cout, H, W)
				compareWithCPU(t, c, "ConvTranspose2d", cudaTol, []*Tensor{y, x, w, b}, func(bk Backend, ts []*Tensor) {
					bk.ConvTranspose2d(ts[0], ts[1], ts[2], ts[3], cc.S, cc.P)
				})
				compareWithCPU(t, c, "ConvTranspose2d no bias", cudaTol, []*Tensor{y, x, w}, func(bk Backend, ts []*Tensor) {
					bk.ConvTranspose2d(ts[0], ts[1], ts[2], nil, cc.S, cc.P)
				})
				dy := randTensor(rng, 1, y.Shape...)
				dx, dw, db := randTensor(rng, 1, x.Shape...), randTensor(rng, 1, w.Shape...), randTensor(rng, 1, b.Shape...)
				compareWithCPU(t, c, "ConvTranspose2dBackward", cudaTol, []*Tensor{dx, dw, db, dy, x, w}, func(bk Backend, ts []*Tensor) {
					bk.ConvTranspose2dBackward(ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], cc.S, cc.P)
				})
				compareWithCPU(t, c, "ConvTranspose2dBackward dx only", cudaTol, []*Tensor{dx, dy, x, w}, func(bk Backend, ts []*Tensor) {
					bk.ConvTranspose2dBackward(ts[0], nil, nil, ts[1], ts[2], ts[3], cc.S, cc.P)
				})
				compareWithCPU(t, c, "ConvTranspose2dBackward dw only", cudaTol, []*Tensor{dw, dy, x, w}, func(bk Backend, ts []*Tensor) {
					bk.ConvTranspose2dBackward(nil, ts[0], nil, ts[1], ts[2], ts[3], cc.S, cc.P)
				})
			})
		})
	}
}

func TestCUDAGroupNorm(t *testing.T) {
	c := testCUDA(t)
	for _, gc := range []struct {
		shape []int
		G     int
	}{
		{[]int{2, 16, 7, 7}, 4},
		{[]int{3, 8, 17, 19}, 8}, // one channel per group, planes over a block
		{[]int{2, 32, 28, 28}, 8},
		{[]int{5, 12}, 3}, // no spatial dimensions
	} {
		for _, silu := range []bool{false, true} {
			name := fmt.Sprintf("%v_G%d_silu%v", gc.shape, gc.G, silu)
			rng := newRand(15)
			B, C := gc.shape[0], gc.shape[1]
			x := randTensor(rng, 1, gc.shape...)
			for i := range x.Data {
				x.Data[i] += 0.5 // a mean away from 0
			}
			gamma, beta := randTensor(rng, 1, C), randTensor(rng, 1, C)
			y, stats := randTensor(rng, 1, gc.shape...), randTensor(rng, 1, B, gc.G, 2)
			fwd := func(bk Backend, ts []*Tensor) { bk.GroupNorm(ts[0], ts[1], ts[2], ts[3], ts[4], 1e-5, silu) }
			compareWithCPU(t, c, "GroupNorm "+name, cudaTol, []*Tensor{y, x, gamma, beta, stats}, fwd)
			compareWithCPU(t, c, "GroupNorm in place "+name, cudaTol, []*Tensor{x, x, gamma, beta, stats}, fwd)

			// The backward pass at the statistics the forward pass wrote.
			cpu, _ := GetBackend("cpu")
			cpu.GroupNorm(y, x, gamma, beta, stats, 1e-5, silu)
			dy := randTensor(rng, 1, gc.shape...)
			dx, dg, db := randTensor(rng, 1, gc.shape...), randTensor(rng, 1, C), randTensor(rng, 1, C)
			compareWithCPU(t, c, "GroupNormBackward "+name, 1e-4, []*Tensor{dx, dg, db, dy, x, gamma, beta, stats}, func(bk Backend, ts []*Tensor) {
				bk.GroupNormBackward(ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], silu)
			})
			compareWithCPU(t, c, "GroupNormBackward dx = dy "+name, 1e-4, []*Tensor{dy, dg, db, dy, x, gamma, beta, stats}, func(bk Backend, ts []*Tensor) {
				bk.GroupNormBackward(ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], silu)
			})
			compareWithCPU(t, c, "GroupNormBackward no dx "+name, 1e-4, []*Tensor{dg, db, dy, x, gamma, beta, stats}, func(bk Backend, ts []*Tensor) {
				bk.GroupNormBackward(nil, ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], silu)
			})
			compareWithCPU(t, c, "GroupNormBackward dx only "+name, 1e-4, []*Tensor{dx, dy, x, gamma, beta, stats}, func(bk Backend, ts []*Tensor) {
				bk.GroupNormBackward(ts[0], nil, nil, ts[1], ts[2], ts[3], ts[4], ts[5], silu)
			})
		}
	}
}

func TestCUDAElementwise(t *testing.T) {
	c := testCUDA(t)
	rng := newRand(16)
	for _, shape := range [][]int{{3, 5, 7, 9}, {2, 64, 28, 28}, {1, 1, 1, 1}} {
		name := fmt.Sprint(shape)
		x, y, dy, dx := randTensor(rng, 3, shape...), randTensor(rng, 1, shape...), randTensor(rng, 1, shape...), randTensor(rng, 1, shape...)
		compareWithCPU(t, c, "SiLU "+name, 1e-6, []*Tensor{y, x}, func(bk Backend, ts []*Tensor) { bk.SiLU(ts[0], ts[1]) })
		compareWithCPU(t, c, "SiLU in place "+name, 1e-6, []*Tensor{x, x}, func(bk Backend, ts []*Tensor) { bk.SiLU(ts[0], ts[1]) })
		compareWithCPU(t, c, "SiLUBackward "+name, 1e-6, []*Tensor{dx, dy, x}, func(bk Backend, ts []*Tensor) { bk.SiLUBackward(ts[0], ts[1], ts[2]) })
		compareWithCPU(t, c, "SiLUBackward dx = dy "+name, 1e-6, []*Tensor{dy, dy, x}, func(bk Backend, ts []*Tensor) { bk.SiLUBackward(ts[0], ts[1], ts[2]) })
		compareWithCPU(t, c, "Add "+name, 1e-7, []*Tensor{y, x, dy}, func(bk Backend, ts []*Tensor) { bk.Add(ts[0], ts[1], ts[2]) })
		compareWithCPU(t, c, "Add y = a "+name, 1e-7, []*Tensor{y, dy}, func(bk Backend, ts []*Tensor) { bk.Add(ts[0], ts[0], ts[1]) })
		compareWithCPU(t, c, "Add y = b "+name, 1e-7, []*Tensor{y, dy}, func(bk Backend, ts []*Tensor) { bk.Add(ts[0], ts[1], ts[0]) })

		B, C := shape[0], shape[1]
		ss, dss := randTensor(rng, 0.5, B, 2*C), randTensor(rng, 1, B, 2*C)
		compareWithCPU(t, c, "FiLM "+name, 1e-6, []*Tensor{y, x, ss}, func(bk Backend, ts []*Tensor) { bk.FiLM(ts[0], ts[1], ts[2]) })
		compareWithCPU(t, c, "FiLMBackward "+name, 1e-5, []*Tensor{dx, dss, dy, x, ss}, func(bk Backend, ts []*Tensor) {
			bk.FiLMBackward(ts[0], ts[1], ts[2], ts[3], ts[4])
		})
		compareWithCPU(t, c, "FiLMBackward dh = dy "+name, 1e-5, []*Tensor{dy, dss, x, ss}, func(bk Backend, ts []*Tensor) {
			bk.FiLMBackward(ts[0], ts[1], ts[0], ts[2], ts[3])
		})
		compareWithCPU(t, c, "FiLMBackward no dh "+name, 1e-5, []*Tensor{dss, dy, x, ss}, func(bk Backend, ts []*Tensor) {
			bk.FiLMBackward(nil, ts[0], ts[1], ts[2], ts[3])
		})
		compareWithCPU(t, c, "FiLMBackward no dss "+name, 1e-6, []*Tensor{dx, dy, x, ss}, func(bk Backend, ts []*Tensor) {
			bk.FiLMBackward(ts[0], nil, ts[1], ts[2], ts[3])
		})
	}
}

func TestCUDASinusoidalEmbedding(t *testing.T) {
	c := testCUDA(t)
	for _, D := range []int{4, 6, 128} {
		ts := []float64{0, 1, 0.37, 1e-3, 0.999, 0.5}
		y := NewTensor(len(ts), D)
		compareWithCPU(t, c, fmt.Sprintf("SinusoidalEmbedding D=%d", D), 1e-6, []*Tensor{y}, func(bk Backend, tt []*Tensor) {
			bk.SinusoidalEmbedding(tt[0], ts)
		})
	}
}

// AdamW and Lerp round every operation as the CPU backend does, so they
// agree to the bit unless the Go compiler fuses a multiply-add on the host.
func TestCUDAAdamWLerp(t *testing.T) {
	c := testCUDA(t)
	rng := newRand(17)
	n := 1000
	p, g, m, v := randTensor(rng, 1, n), randTensor(rng, 1, n), randTensor(rng, 0.1, n), randTensor(rng, 0.01, n)
	for i := range v.Data {
		v.Data[i] *= v.Data[i]
	}
	compareWithCPU(t, c, "AdamW", 1e-6, []*Tensor{p, g, m, v}, func(bk Backend, ts []*Tensor) {
		for range 3 {
			bk.AdamW(ts[0], ts[1], ts[2], ts[3], 1-1e-3*0.01, 0.9, 0.999, 1e-3/(1-0.9), float32(math.Sqrt(1-0.999)), 1e-8)
		}
	})
	dst := randTensor(rng, 1, n)
	compareWithCPU(t, c, "Lerp", 1e-7, []*Tensor{dst, p}, func(bk Backend, ts []*Tensor) { bk.Lerp(ts[0], ts[1], 0.999) })
}

// TestCUDADeterminism repeats a backward pass whose weight gradient is
// split along k and checks that the results agree to the bit.
func TestCUDADeterminism(t *testing.T) {
	c := testCUDA(t)
	rng := newRand(18)
	x, w, dy := randTensor(rng, 1, 8, 4, 16, 16), randTensor(rng, 1, 4, 4, 3, 3), randTensor(rng, 1, 8, 4, 16, 16)
	var first []float32
	for i := range 3 {
		dx, dw, db := NewTensor(x.Shape...), NewTensor(w.Shape...), NewTensor(4)
		c.Conv2dBackward(dx, dw, db, dy, x, w, 1, 1)
		got := append(append(append([]float32(nil), dx.ToHost()...), dw.ToHost()...), db.ToHost()...)
		if i == 0 {
			first = got
			continue
		}
		for j := range got {
			if math.Float32bits(got[j]) != math.Float32bits(first[j]) {
				t.Fatalf("run %d: element %d = %g, first run %g", i, j, got[j], first[j])
			}
		}
	}
}

// TestCUDAAttention compares Attention and AttentionBackward with the cpu
// backend at the U-Net's size (7×7 positions, 64 channels) and with rows
// longer than a block of the softmax kernels (300 positions > RB), with
// logits large enough that subtracting the maximum matters.
func TestCUDAAttention(t *testing.T) {
	c := testCUDA(t)
	rng := newRand(63)
	for _, s := range []struct {
		B, C, N int
		sd      float64
	}{{3, 64, 49, 1}, {2, 5, 300, 1}, {2, 3, 7, 30}} {
		name := fmt.Sprintf("B%d_C%d_N%d_sd%g", s.B, s.C, s.N, s.sd)
		scale := float32(1 / math.Sqrt(float64(s.C)))
		qkv := randTensor(rng, s.sd, s.B, 3*s.C, s.N)
		o, p := randTensor(rng, 1, s.B, s.C, s.N), randTensor(rng, 1, s.B, s.N, s.N)
		compareWithCPU(t, c, "Attention "+name, cudaTol, []*Tensor{o, p, qkv}, func(bk Backend, ts []*Tensor) {
			bk.Attention(ts[0], ts[1], ts[2], scale)
		})
		cpu, _ := GetBackend("cpu")
		cpu.Attention(o, p, qkv, scale)
		dqkv, do := randTensor(rng, 1, qkv.Shape...), randTensor(rng, 1, o.Shape...)
		compareWithCPU(t, c, "AttentionBackward "+name, cudaTol, []*Tensor{dqkv, do, p, qkv}, func(bk Backend, ts []*Tensor) {
			bk.AttentionBackward(ts[0], ts[1], ts[2], ts[3], scale)
		})
	}
}
