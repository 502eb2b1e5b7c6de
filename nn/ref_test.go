package nn

import (
	"math"
)

// Naive float64 reference implementations of every layer, written straight
// from the definitions (PyTorch's documentation of each module) with no
// lowering to GEMM: they are the independent oracle for the float32 forward
// passes, and their central differences are the oracle for the backward
// passes.

func refLinear(x, w, b []float64, B, in, out int) []float64 {
	y := make([]float64, B*out)
	for i := 0; i < B; i++ {
		for o := 0; o < out; o++ {
			s := b[o]
			for k := 0; k < in; k++ {
				s += x[i*in+k] * w[o*in+k]
			}
			y[i*out+o] = s
		}
	}
	return y
}

// refConv2d: y[b,o,i,j] = bias[o] + Σ w[o,c,u,v]·x[b,c,i·s−p+u, j·s−p+v].
func refConv2d(x, w, bias []float64, B, Cin, H, W, Cout, K, s, p int) ([]float64, int, int) {
	OH, OW := (H+2*p-K)/s+1, (W+2*p-K)/s+1
	y := make([]float64, B*Cout*OH*OW)
	for b := 0; b < B; b++ {
		for o := 0; o < Cout; o++ {
			for i := 0; i < OH; i++ {
				for j := 0; j < OW; j++ {
					sum := bias[o]
					for c := 0; c < Cin; c++ {
						for u := 0; u < K; u++ {
							for v := 0; v < K; v++ {
								ih, iw := i*s-p+u, j*s-p+v
								if ih < 0 || ih >= H || iw < 0 || iw >= W {
									continue
								}
								sum += w[((o*Cin+c)*K+u)*K+v] * x[((b*Cin+c)*H+ih)*W+iw]
							}
						}
					}
					y[((b*Cout+o)*OH+i)*OW+j] = sum
				}
			}
		}
	}
	return y, OH, OW
}

// refConvTranspose2d: every input value x[b,c,i,j] adds w[c,o,u,v]·x to
// y[b,o,i·s−p+u, j·s−p+v] (PyTorch's ConvTranspose2d, output_padding 0).
func refConvTranspose2d(x, w, bias []float64, B, Cin, H, W, Cout, K, s, p int) ([]float64, int, int) {
	OH, OW := (H-1)*s-2*p+K, (W-1)*s-2*p+K
	y := make([]float64, B*Cout*OH*OW)
	for b := 0; b < B; b++ {
		for o := 0; o < Cout; o++ {
			for i := 0; i < OH*OW; i++ {
				y[(b*Cout+o)*OH*OW+i] = bias[o]
			}
		}
		for c := 0; c < Cin; c++ {
			for i := 0; i < H; i++ {
				for j := 0; j < W; j++ {
					xv := x[((b*Cin+c)*H+i)*W+j]
					for o := 0; o < Cout; o++ {
						for u := 0; u < K; u++ {
							for v := 0; v < K; v++ {
								oi, oj := i*s-p+u, j*s-p+v
								if oi < 0 || oi >= OH || oj < 0 || oj >= OW {
									continue
								}
								y[((b*Cout+o)*OH+oi)*OW+oj] += xv * w[((c*Cout+o)*K+u)*K+v]
							}
						}
					}
				}
			}
		}
	}
	return y, OH, OW
}

func refSiLU(x float64) float64 { return x / (1 + math.Exp(-x)) }

// refGroupNorm with a two-pass mean and biased variance.
func refGroupNorm(x, gamma, beta []float64, B, C, HW, G int, eps float64, silu bool) []float64 {
	y := make([]float64, len(x))
	cpg := C / G
	n := cpg * HW
	for b := 0; b < B; b++ {
		for g := 0; g < G; g++ {
			xs := x[(b*C+g*cpg)*HW:][:n]
			var mean float64
			for _, v := range xs {
				mean += v
			}
			mean /= float64(n)
			var variance float64
			for _, v := range xs {
				variance += (v - mean) * (v - mean)
			}
			variance /= float64(n)
			for k := 0; k < cpg; k++ {
				c := g*cpg + k
				for p := 0; p < HW; p++ {
					i := (b*C+c)*HW + p
					z := (x[i]-mean)/math.Sqrt(variance+eps)*gamma[c] + beta[c]
					if silu {
						z = refSiLU(z)
					}
					y[i] = z
				}
			}
		}
	}
	return y
}

func refFiLM(h, ss []float64, B, C, HW int) []float64 {
	y := make([]float64, len(h))
	for b := 0; b < B; b++ {
		for c := 0; c < C; c++ {
			for p := 0; p < HW; p++ {
				i := (b*C+c)*HW + p
				y[i] = h[i]*(1+ss[b*2*C+c]) + ss[b*2*C+C+c]
			}
		}
	}
	return y
}

func refEmbedding(t []float64, D int) []float64 {
	half := D / 2
	y := make([]float64, len(t)*D)
	for b, tb := range t {
		for i := 0; i < half; i++ {
			f := math.Exp(-math.Log(10000) * float64(i) / float64(half-1))
			y[b*D+i] = math.Sin(tb * f * 2 * math.Pi)
			y[b*D+half+i] = math.Cos(tb * f * 2 * math.Pi)
		}
	}
	return y
}

func addVec(a, b []float64) []float64 {
	y := make([]float64, len(a))
	for i := range a {
		y[i] = a[i] + b[i]
	}
	return y
}

func mapVec(a []float64, f func(float64) float64) []float64 {
	y := make([]float64, len(a))
	for i, v := range a {
		y[i] = f(v)
	}
	return y
}

// refResBlock is ResBlock.Forward by the definitions; p maps the block's
// state_dict names to values.
func refResBlock(p map[string][]float64, x, temb []float64, B, C, H, W, T, G int) []float64 {
	HW := H * W
	a1 := refGroupNorm(x, p["norm1.weight"], p["norm1.bias"], B, C, HW, G, 1e-5, true)
	h1, _, _ := refConv2d(a1, p["conv1.weight"], p["conv1.bias"], B, C, H, W, C, 3, 1, 1)
	ss := refLinear(mapVec(temb, refSiLU), p["film.1.weight"], p["film.1.bias"], B, T, 2*C)
	h2 := refFiLM(h1, ss, B, C, HW)
	a2 := refGroupNorm(h2, p["norm2.weight"], p["norm2.bias"], B, C, HW, G, 1e-5, true)
	h3, _, _ := refConv2d(a2, p["conv2.weight"], p["conv2.bias"], B, C, H, W, C, 3, 1, 1)
	return addVec(x, h3)
}

// sub returns the entries of p under prefix pre + ".", with pre stripped.
func sub(p map[string][]float64, pre string) map[string][]float64 {
	q := map[string][]float64{}
	for k, v := range p {
		if len(k) > len(pre) && k[:len(pre)+1] == pre+"." {
			q[k[len(pre)+1:]] = v
		}
	}
	return q
}

// refVelocityNet is VelocityNet.Forward by the definitions (docs/reference.md).
func refVelocityNet(p map[string][]float64, x, t []float64, B, H, W, C, T, G int) []float64 {
	emb := refEmbedding(t, T)
	m := refLinear(emb, p["time_mlp.0.weight"], p["time_mlp.0.bias"], B, T, T)
	temb := refLinear(mapVec(m, refSiLU), p["time_mlp.2.weight"], p["time_mlp.2.bias"], B, T, T)
	h0, _, _ := refConv2d(x, p["in_conv.weight"], p["in_conv.bias"], B, 1, H, W, C, 3, 1, 1)
	h1 := refResBlock(sub(p, "rb1"), h0, temb, B, C, H, W, T, G)
	d, H2, W2 := refConv2d(h1, p["down.weight"], p["down.bias"], B, C, H, W, 2*C, 4, 2, 1)
	h2 := refResBlock(sub(p, "rb2"), d, temb, B, 2*C, H2, W2, T, G)
	h2 = refResBlock(sub(p, "mid"), h2, temb, B, 2*C, H2, W2, T, G)
	u, _, _ := refConvTranspose2d(h2, p["up.weight"], p["up.bias"], B, 2*C, H2, W2, C, 4, 2, 1)
	h3 := refResBlock(sub(p, "rb3"), addVec(u, h1), temb, B, C, H, W, T, G)
	o := refGroupNorm(h3, p["out_norm.weight"], p["out_norm.bias"], B, C, H*W, G, 1e-5, true)
	v, _, _ := refConv2d(o, p["out_conv.weight"], p["out_conv.bias"], B, C, H, W, 1, 3, 1, 1)
	return v
}
