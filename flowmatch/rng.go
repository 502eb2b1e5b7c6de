package flowmatch

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
)

// Every random draw of a run comes from a PCG (math/rand/v2) seeded with
// Config.Seed and one of these stream constants, so the draws of one
// purpose never depend on how many another purpose made. The values are
// arbitrary distinct tags (ASCII of the purpose's name).
const (
	streamInit  = 0x494e4954     // "INIT": initial weights
	streamNoise = 0x4e4f495345   // "NOISE": training times and noise x0
	streamPerm  = 0x5045524d0000 // "PERM" + epoch: the data order of each epoch
	streamDraw  = 0x44524157     // "DRAW": sampling noise (Noise)
)

// permutation returns the data order of epoch e: a Fisher–Yates shuffle of
// 0…n−1 drawn from its own PCG, so the order of any epoch is known from the
// seed and the epoch number alone and a resumed run needs to store only
// its position in it.
func permutation(seed uint64, epoch, n int) []int {
	r := rand.New(rand.NewPCG(seed, streamPerm+uint64(epoch)))
	return r.Perm(n)
}

// marshalPCG returns the state of p as hex text for checkpoint metadata.
func marshalPCG(p *rand.PCG) string {
	b, err := p.MarshalBinary()
	if err != nil {
		panic("flowmatch: internal error: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// unmarshalPCG restores a state written by marshalPCG.
func unmarshalPCG(p *rand.PCG, s string) error {
	b, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("not hex: %v", err)
	}
	return p.UnmarshalBinary(b)
}

// Noise fills dst with independent standard normal draws (float32) from a
// PCG seeded with seed: the initial points x(0) of sampling. The same seed
// always gives the same noise, and the first k values do not depend on
// len(dst), so sample i of a run of n is the same for every n ≥ i.
// NoiseStream draws the same values in pieces.
func Noise(dst []float32, seed uint64) {
	NewNoiseStream(seed).Fill(dst)
}

// NoiseStream draws the values of Noise piece by piece, for runs whose
// noise is too large to hold at once: successive Fills continue where the
// last one stopped, so filling pieces of any sizes gives, one after the
// other, exactly the values of one Noise call for their total length, and
// the noise of sample i does not depend on how the samples are batched.
type NoiseStream struct {
	r *rand.Rand
}

// NewNoiseStream returns the stream of Noise(·, seed).
func NewNoiseStream(seed uint64) *NoiseStream {
	return &NoiseStream{r: rand.New(rand.NewPCG(seed, streamDraw))}
}

// Fill fills dst with the stream's next len(dst) values.
func (s *NoiseStream) Fill(dst []float32) {
	for i := range dst {
		dst[i] = float32(s.r.NormFloat64())
	}
}
