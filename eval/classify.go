package eval

import (
	"context"
	"fmt"

	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/nn"
)

// evalBatch is the batch size for inference: large enough to keep the
// convolutions' GEMMs efficient, small enough (about 10 MB of activations)
// to stay in memory cheaply.
const evalBatch = 250

// Classify runs the classifier on n = len(images)/784 images of 28×28 bytes
// (0 background to 255 ink, as MNIST and `windrose sample -npy` store them)
// and writes, for each image i, its features into features[i*128:(i+1)*128]
// and its class probabilities into probs[i*10:(i+1)*10]. Either destination
// may be nil to skip it. ctx is checked between batches.
func (c *Classifier) Classify(ctx context.Context, features []float32, probs []float64, images []uint8) error {
	if len(images)%imageLen != 0 {
		panic(fmt.Sprintf("eval: %d pixels is not a whole number of 28×28 images", len(images)))
	}
	n := len(images) / imageLen
	if features != nil && len(features) != n*FeatureDim {
		panic(fmt.Sprintf("eval: features length %d for %d images, want %d", len(features), n, n*FeatureDim))
	}
	if probs != nil && len(probs) != n*Classes {
		panic(fmt.Sprintf("eval: probabilities length %d for %d images, want %d", len(probs), n, n*Classes))
	}
	x := nn.NewTensor(0)
	logits := nn.NewTensor(0)
	for lo := 0; lo < n; lo += evalBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(n, lo+evalBatch)
		b := hi - lo
		x.Resize(b, 1, imageSide, imageSide)
		logits.Resize(b, Classes)
		mnist.ScalePixels(x.Data, images[lo*imageLen:hi*imageLen])
		x.HostChanged()
		c.Forward(logits, x)
		if features != nil {
			copy(features[lo*FeatureDim:hi*FeatureDim], c.a4.ToHost()[:b*FeatureDim])
		}
		if probs != nil {
			l := logits.ToHost()
			for i := range b {
				softmax(probs[(lo+i)*Classes:(lo+i+1)*Classes], l[i*Classes:(i+1)*Classes])
			}
		}
		if c.Progress != nil {
			c.Progress(hi, n)
		}
	}
	return nil
}

// Features writes the features of the images (28×28 bytes each) into dst,
// 128 per image; see Classify.
func (c *Classifier) Features(ctx context.Context, dst []float32, images []uint8) error {
	return c.Classify(ctx, dst, nil, images)
}

// Accuracy returns the fraction of images whose most probable class is
// their label.
func (c *Classifier) Accuracy(ctx context.Context, images []uint8, labels []uint8) (float64, error) {
	n := len(images) / imageLen
	if len(labels) != n {
		panic(fmt.Sprintf("eval: %d labels for %d images", len(labels), n))
	}
	probs := make([]float64, n*Classes)
	if err := c.Classify(ctx, nil, probs, images); err != nil {
		return 0, err
	}
	right := 0
	for i := range n {
		if argmax(probs[i*Classes:(i+1)*Classes]) == int(labels[i]) {
			right++
		}
	}
	return float64(right) / float64(n), nil
}

func argmax(p []float64) int {
	k := 0
	for j, v := range p {
		if v > p[k] {
			k = j
		}
	}
	return k
}
