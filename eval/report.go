package eval

import (
	"context"
	"fmt"

	"github.com/windrose/windrose/mnist"
)

// Report is what Evaluate measures on a set of images.
type Report struct {
	// N is the number of images scored.
	N int
	// FID is the Fréchet distance between the images' features and the
	// reference's.
	FID float64
	// Confidence is the mean top-class probability (MeanConfidence).
	Confidence float64
	// Histogram counts the images predicted as each digit.
	Histogram [Classes]int
	// Entropy is HistogramEntropy(Histogram), in nats.
	Entropy float64
}

// Reference returns the feature statistics of images (28×28 bytes each),
// typically the 10,000 MNIST test images, for Evaluate.
func (c *Classifier) Reference(ctx context.Context, images []uint8) (*Gaussian, error) {
	n := len(images) / imageLen
	f := make([]float32, n*FeatureDim)
	if err := c.Features(ctx, f, images); err != nil {
		return nil, err
	}
	return FitGaussian(f, FeatureDim)
}

// MNISTReference returns Reference of the 10,000 MNIST test images in dir
// (mnist.DefaultDir finds the copy in the Go module cache): the reference
// of every FID windrose reports.
func (c *Classifier) MNISTReference(ctx context.Context, dir string) (*Gaussian, error) {
	test, err := mnist.Load(dir, mnist.Test)
	if err != nil {
		return nil, err
	}
	return c.Reference(ctx, test.Images.Pixels)
}

// Evaluate scores images (28×28 bytes each, at least 2) against the
// reference statistics ref: FID, mean confidence and class-histogram
// entropy.
func (c *Classifier) Evaluate(ctx context.Context, images []uint8, ref *Gaussian) (*Report, error) {
	n := len(images) / imageLen
	f := make([]float32, n*FeatureDim)
	p := make([]float64, n*Classes)
	if err := c.Classify(ctx, f, p, images); err != nil {
		return nil, err
	}
	g, err := FitGaussian(f, FeatureDim)
	if err != nil {
		return nil, fmt.Errorf("eval: %d images: %w", n, err)
	}
	fid, err := FrechetDistance(g, ref)
	if err != nil {
		return nil, err
	}
	r := &Report{N: n, FID: fid, Confidence: MeanConfidence(p), Histogram: ClassHistogram(p)}
	r.Entropy = HistogramEntropy(r.Histogram)
	return r, nil
}
