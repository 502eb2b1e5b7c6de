// Package eval measures what a generative model of MNIST produces: a small
// convolutional classifier trained on MNIST supplies features and class
// probabilities, from which it computes the Fréchet distance between two
// image sets (FID, Heusel et al., "GANs Trained by a Two Time-Scale Update
// Rule Converge to a Local Nash Equilibrium", NeurIPS 2017, with this
// classifier in place of Inception-v3), the density and coverage of samples
// against the k-nearest-neighbour manifold of real features (Naeem et al.,
// ICML 2020, on the manifold of Kynkäänniemi et al., NeurIPS 2019; see
// Manifold), the mean top-class confidence and the entropy of the
// predicted-class histogram.
//
// # Classifier
//
// Classifier is built from package nn's layers:
//
//	conv1 Conv2d(1→16, 3×3, pad 1) → SiLU → conv2 Conv2d(16→32, 4×4, stride 2, pad 1) → SiLU
//	→ conv3 Conv2d(32→64, 4×4, stride 2, pad 1) → SiLU → flatten (64·7·7 = 3136)
//	→ fc1 Linear(3136→128) → SiLU → fc2 Linear(128→10)
//
// The 128 values after fc1's SiLU are the features FID compares. Inputs are
// images scaled to [−1, 1] as mnist.ScalePixels does. TrainClassifier trains
// one with AdamW and a softmax cross-entropy loss; package models ships a
// trained one (docs/eval.md says how it was made and how accurate it is).
//
// # FID and its numbers
//
// FID depends on the feature extractor: numbers computed here are comparable
// with each other (same shipped classifier), never with Inception-based FIDs
// in papers. Statistics are accumulated in float64. The matrix square root
// uses the symmetric form Tr((S1 S2)^½) = Tr((√S1 S2 √S1)^½), whose argument
// is symmetric positive semi-definite, so a symmetric eigendecomposition
// (gonum's mat.EigenSym) suffices.
//
// # Errors
//
// Wrong shapes or lengths are programming errors and panic with an
// "eval: ..." message; data that cannot be evaluated (too few samples,
// non-finite values) and I/O failures are returned errors.
package eval
