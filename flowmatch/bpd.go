package flowmatch

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Bits per dimension of 8-bit images.
//
// A grey level p ∈ {0, …, 255} is a discrete value; a density model scores
// it through uniform dequantization (Theis, van den Oord and Bethge 2016,
// "A note on the evaluation of generative models"; Ho et al. 2019,
// Flow++): u ~ U[0, 1) is added, so that x = p + u has a density on
// [0, 256)^D, and log P(p) ≥ E_u[log p(p + u)], so bits per dimension
// measured on dequantized data bound the discrete model's from above. The
// network sees the data scale of training (mnist.ScalePixels), the affine
// map
//
//	y = x/127.5 − 1,
//
// which sends the grey levels p to p/127.5 − 1 exactly as in training
// (0 to −1, 255 to 1) and [0, 256) to [−1, 1 + 1/127.5). Its Jacobian
// dy/dx = 1/127.5 in each of the D dimensions changes the density:
//
//	log p_x(x) = log p_y(y) + D·log(1/127.5) = log p_y(y) − D·ln 127.5,
//
// and the bits per dimension are
//
//	bpd = −log p_x(x) / (D·ln 2) = −log p_y(y) / (D·ln 2) + log₂ 127.5,
//
// log₂ 127.5 ≈ 6.9944: the cost, in bits, of the 127.5 grey levels per
// unit of y that the density must resolve.

// Log2PixelScale is log₂ 127.5, the bits per dimension added by the map
// from grey levels [0, 256) to the data scale (see BitsPerDim).
var Log2PixelScale = math.Log2(127.5)

// BitsPerDim converts logp, the log-density in nats of one sample of d
// dimensions in the data scale y = x/127.5 − 1 of dequantized grey levels
// x ∈ [0, 256), into bits per dimension of x:
// −logp/(d·ln 2) + log₂ 127.5. It panics if d < 1.
func BitsPerDim(logp float64, d int) float64 {
	if d < 1 {
		panic(fmt.Sprintf("flowmatch: BitsPerDim: %d dimensions", d))
	}
	return -logp/(float64(d)*math.Ln2) + Log2PixelScale
}

// Dequantize writes the dequantized data-scale values of the grey levels
// pix into dst: dst[i] = (pix[i] + u_i)/127.5 − 1 with u_i ~ U[0, 1)
// independent, from a PCG seeded with seed (see BitsPerDim). The same seed
// always gives the same values. It panics if the lengths differ.
func Dequantize(dst []float32, pix []uint8, seed uint64) {
	if len(dst) != len(pix) {
		panic(fmt.Sprintf("flowmatch: Dequantize: len(dst) = %d, len(pix) = %d", len(dst), len(pix)))
	}
	r := rand.New(rand.NewPCG(seed, streamDequantize))
	for i, p := range pix {
		dst[i] = float32((float64(p)+r.Float64())/127.5 - 1)
	}
}

// streamDequantize is the PCG stream of Dequantize's uniforms.
const streamDequantize = 0x6465717561 // "dequa"

// BitsPerDimFloor returns the fewest bits per dimension that the density
// the flow-matching path of width sigma aims at can give any image: ½·log₂
// (2πσ²) + log₂ 127.5, 4.998 for σ = SigmaMin = 0.1.
//
// With σ > 0 the path (Path; Lipman et al. 2023, eq. 20) ends at t = 1 on
// the data distribution convolved with N(0, σ²I): p₁(y) = E_{x1}[N(y; x1,
// σ²I)], a mixture of Gaussians, each of which is at most (2πσ²)^(−D/2),
// so p₁(y) ≤ (2πσ²)^(−D/2) everywhere and −log p₁(y)/(D·ln 2) ≥ ½·log₂
// (2πσ²). A trained network only approximates that flow, so it is not held
// to the floor exactly, but a model that fits its training target cannot
// score much below it: its bits per dimension measure the blur of σ as
// much as the model's quality.
func BitsPerDimFloor(sigma float64) float64 {
	return 0.5*math.Log2(2*math.Pi*sigma*sigma) + Log2PixelScale
}
