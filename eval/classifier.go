package eval

import (
	"fmt"
	"math/rand/v2"

	"github.com/windrose/windrose/nn"
)

// Image size and number of classes of MNIST.
const (
	imageSide = 28
	imageLen  = imageSide * imageSide
	// Classes is the number of digit classes.
	Classes = 10
	// FeatureDim is the length of a feature vector, the width of fc1.
	FeatureDim = 128
)

// Spatial sizes after conv2 and conv3: ⌊(28 + 2 − 4)/2⌋ + 1 = 14, then 7.
const (
	side2   = 14
	side3   = 7
	flatLen = 64 * side3 * side3
)

// Classifier is the MNIST digit classifier whose penultimate layer supplies
// the features of FID (the architecture is in the package doc). Its
// parameters are named like a PyTorch module with attributes conv1, conv2,
// conv3, fc1 and fc2 ("conv1.weight", …).
//
// A Classifier holds its activations for Backward, so one Classifier must not
// be used by two goroutines at once.
type Classifier struct {
	Conv1, Conv2, Conv3 *nn.Conv2d
	FC1, FC2            *nn.Linear

	// Progress, when not nil, is called by Classify (and so by Features,
	// Reference, Evaluate and Accuracy) after each batch of inference with
	// the number of images done and the number of images of the call, for
	// a progress display on long runs (a million generated images).
	Progress func(done, total int)

	act1, act2, act3, act4 nn.SiLU
	params                 []*nn.Param

	// Activations of the last Forward, sized by batch and reused.
	h1, a1, h2, a2, h3, a3, h4, a4 *nn.Tensor
	// Gradient buffers for Backward.
	g1, g2, g3, g4 *nn.Tensor
}

// NewClassifier returns a Classifier initialised as PyTorch initialises the
// same modules, from rng.
func NewClassifier(rng *rand.Rand) *Classifier {
	c := &Classifier{
		Conv1: nn.NewConv2d(1, 16, 3, 1, 1, rng),
		Conv2: nn.NewConv2d(16, 32, 4, 2, 1, rng),
		Conv3: nn.NewConv2d(32, 64, 4, 2, 1, rng),
		FC1:   nn.NewLinear(flatLen, FeatureDim, rng),
		FC2:   nn.NewLinear(FeatureDim, Classes, rng),
	}
	add := func(name string, ps []*nn.Param) {
		for _, p := range ps {
			p.Name = name + "." + p.Name
			c.params = append(c.params, p)
		}
	}
	add("conv1", c.Conv1.Params())
	add("conv2", c.Conv2.Params())
	add("conv3", c.Conv3.Params())
	add("fc1", c.FC1.Params())
	add("fc2", c.FC2.Params())
	for _, t := range []**nn.Tensor{&c.h1, &c.a1, &c.h2, &c.a2, &c.h3, &c.a3, &c.h4, &c.a4, &c.g1, &c.g2, &c.g3, &c.g4} {
		*t = nn.NewTensor(0)
	}
	return c
}

// Params returns the parameters in state_dict order.
func (c *Classifier) Params() []*nn.Param { return c.params }

// Forward computes the logits [B,10] of the images x [B,1,28,28] (scaled to
// [−1, 1]) into logits, and keeps the activations for Backward and Features.
func (c *Classifier) Forward(logits, x *nn.Tensor) {
	if len(x.Shape) != 4 || x.Shape[1] != 1 || x.Shape[2] != imageSide || x.Shape[3] != imageSide {
		panic(fmt.Sprintf("eval: classifier input %v, want [B,1,28,28]", x.Shape))
	}
	b := x.Shape[0]
	if len(logits.Shape) != 2 || logits.Shape[0] != b || logits.Shape[1] != Classes {
		panic(fmt.Sprintf("eval: logits %v, want [%d,%d]", logits.Shape, b, Classes))
	}
	c.h1.Resize(b, 16, imageSide, imageSide)
	c.a1.Resize(b, 16, imageSide, imageSide)
	c.h2.Resize(b, 32, side2, side2)
	c.a2.Resize(b, 32, side2, side2)
	c.h3.Resize(b, 64, side3, side3)
	c.a3.Resize(b, 64, side3, side3)
	c.h4.Resize(b, FeatureDim)
	c.a4.Resize(b, FeatureDim)
	c.Conv1.Forward(c.h1, x)
	c.act1.Forward(c.a1, c.h1)
	c.Conv2.Forward(c.h2, c.a1)
	c.act2.Forward(c.a2, c.h2)
	c.Conv3.Forward(c.h3, c.a2)
	c.act3.Forward(c.a3, c.h3)
	c.FC1.Forward(c.h4, flatten(c.a3))
	c.act4.Forward(c.a4, c.h4)
	c.FC2.Forward(logits, c.a4)
}

// flatten returns a [B, C·H·W] view of the NCHW tensor t, sharing its data:
// NCHW rows are already contiguous per sample, so flattening (and its
// backward pass, the same view of the gradient) is a change of shape only.
func flatten(t *nn.Tensor) *nn.Tensor {
	return t.Reshape(t.Shape[0], t.Len()/t.Shape[0])
}

// LastFeatures returns the features (fc1 after SiLU, [B,128]) of the last
// Forward. The tensor is the classifier's own and changes with the next
// Forward.
func (c *Classifier) LastFeatures() *nn.Tensor { return c.a4 }

// Backward adds the parameter gradients for the logits' gradient dlogits
// [B,10] of the last Forward. It computes no input gradient.
func (c *Classifier) Backward(dlogits *nn.Tensor) {
	b := c.h1.Shape[0]
	c.g4.Resize(b, FeatureDim)
	c.g3.Resize(b, 64, side3, side3)
	c.g2.Resize(b, 32, side2, side2)
	c.g1.Resize(b, 16, imageSide, imageSide)
	c.FC2.Backward(c.g4, dlogits)
	c.act4.Backward(c.g4, c.g4)
	c.FC1.Backward(flatten(c.g3), c.g4)
	c.act3.Backward(c.g3, c.g3)
	c.Conv3.Backward(c.g2, c.g3)
	c.act2.Backward(c.g2, c.g2)
	c.Conv2.Backward(c.g1, c.g2)
	c.act1.Backward(c.g1, c.g1)
	c.Conv1.Backward(nil, c.g1)
}
