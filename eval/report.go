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
	// Density and Coverage compare the images' features with the
	// reference's manifold (Manifold.Compare; Naeem et al. 2020): how
	// densely the images sit among real digits (fidelity; about 1 for real
	// digits), and the fraction of real digits with an image nearby
	// (diversity). Both depend on the number of images.
	Density, Coverage float64
}

// Reference is what Evaluate compares images with: the feature statistics
// and the feature manifold (NeighbourK neighbours) of a set of real images.
type Reference struct {
	Gaussian *Gaussian
	Manifold *Manifold
}

// Reference returns the feature statistics and manifold of images (28×28
// bytes each, more than NeighbourK), typically the 10,000 MNIST test
// images, for Evaluate.
func (c *Classifier) Reference(ctx context.Context, images []uint8) (*Reference, error) {
	n := len(images) / imageLen
	f := make([]float32, n*FeatureDim)
	if err := c.Features(ctx, f, images); err != nil {
		return nil, err
	}
	g, err := FitGaussian(f, FeatureDim)
	if err != nil {
		return nil, err
	}
	m, err := NewManifold(ctx, f, FeatureDim, NeighbourK)
	if err != nil {
		return nil, err
	}
	return &Reference{Gaussian: g, Manifold: m}, nil
}

// MNISTReference returns Reference of the 10,000 MNIST test images in dir
// (mnist.DefaultDir finds the copy in the Go module cache): the reference
// of every FID windrose reports.
func (c *Classifier) MNISTReference(ctx context.Context, dir string) (*Reference, error) {
	test, err := mnist.Load(dir, mnist.Test)
	if err != nil {
		return nil, err
	}
	return c.Reference(ctx, test.Images.Pixels)
}

// Evaluate scores images (28×28 bytes each, at least 2) against
// the reference ref: FID, mean confidence, class-histogram entropy,
// density and coverage. Density and coverage depend on the number of
// images: compare them between sets of the same size as well as the same
// reference.
func (c *Classifier) Evaluate(ctx context.Context, images []uint8, ref *Reference) (*Report, error) {
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
	fid, err := FrechetDistance(g, ref.Gaussian)
	if err != nil {
		return nil, err
	}
	r := &Report{N: n, FID: fid, Confidence: MeanConfidence(p), Histogram: ClassHistogram(p)}
	r.Entropy = HistogramEntropy(r.Histogram)
	cmp, err := ref.Manifold.Compare(ctx, f)
	if err != nil {
		return nil, err
	}
	r.Density, r.Coverage = cmp.Density, cmp.Coverage
	return r, nil
}
