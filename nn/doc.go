// Package nn is windrose's neural-network engine: float32 tensors, layers with
// exact forward and backward passes, the AdamW optimiser, an exponential
// moving average of weights, safetensors checkpoints, and the flow-matching
// VelocityNet of the reference recipe (docs/reference.md) built from them.
//
// # Tensors and layers
//
// A Tensor is a shape and a []float32 in row-major order; images are NCHW.
// The layers are Linear, Conv2d, ConvTranspose2d, GroupNorm (optionally
// fused with the SiLU that follows it), SiLU, FiLM, TimeEmbedding and Add;
// ResBlock, VelocityNet and UNet compose them. Every layer is used the same way:
//
//	layer.Forward(y, x)    // writes y, keeps x for Backward
//	layer.Backward(dx, dy) // adds parameter gradients, writes dx
//
// Destinations come first and are allocated by the caller, so buffers are
// sized once and reused across steps. Parameter gradients accumulate (+=)
// until ZeroGrad, as in PyTorch; input gradients are overwritten, and a nil
// input gradient is skipped. Backward must follow the Forward whose input is
// still unchanged. Wrong shapes are programming errors and panic with an
// "nn: ..." message; I/O and malformed files are returned errors.
//
// VelocityNet and UNet, which are sampled at large batches, also have a pass
// for inference alone: Infer gives Forward's output bit for bit but keeps
// nothing for Backward, its layers sharing a few buffers per resolution, so
// it needs a fraction of Forward's memory. flowmatch's sampler uses it.
//
// Parameters are initialised as PyTorch initialises the same modules, from
// an injected *rand.Rand (math/rand/v2), never a global source. A model's
// parameters carry PyTorch's state_dict names (rb1.conv1.weight, …), so
// safetensors files move between windrose and PyTorch in both directions.
//
// # Backends
//
// Layers hold no arithmetic: they call a Backend, which computes whole
// operations (a convolution, a GroupNorm, an AdamW step). Backends register
// themselves by name: "cpu" (pure Go, the products on nn/gemm's AVX2/FMA
// or AVX-512 GEMM) in every build, "openblas" (cgo, products on OpenBLAS) with
// -tags openblas and "cuda" (an NVIDIA GPU) with -tags cuda, where each
// becomes the default. DefaultBackend honours UseBackend, then
// $WINDROSE_NN_BACKEND; each layer and VelocityNet's Config can name one.
// The exported API is the same in every build, and one test body runs on
// every backend that is built.
//
// A backend may compute in memory of its own: "cuda" (-tags cuda, through
// gorgonia.org/cu) keeps every tensor it touches on the GPU, so weights,
// activations, gradients and optimiser moments stay there from one step to
// the next. Host code then follows two rules: call Tensor.ToHost before
// reading Data that a backend wrote, and Tensor.HostChanged after writing
// Data that a backend has seen. Both cost nothing on the CPU backends. Every
// layer, AdamW, EMA, the safetensors functions and package flowmatch keep
// them; the test-only backend "devsim" (-tags devsim) checks that they do
// by overwriting host copies with NaN whenever the "device" copy is newer.
// A program built with -tags cuda needs an NVIDIA driver and GPU to start.
//
// The CPU backend lowers convolutions to GEMM, by Winograd's F(4×4, 3×3) or
// F(2×2, 3×3) for the same-size 3×3 convolutions with at least 16 channels
// on both sides (forward and input gradient: 4 or 2.25 times fewer
// multiplications, the one with fewer for the shape; narrow planes go side
// by side so that few tiles are padding) and by im2col for the rest and for
// weight gradients. It runs convolutions sample-parallel, one worker per core with
// a single-threaded GEMM (one fork and join per operation), runs the
// element-wise work through AVX2/FMA kernels (GroupNorm fused with SiLU, a
// vectorised exponential), and keeps its temporaries in pools, so a
// training step allocates nothing large once the first step has sized the
// buffers.
//
// # Numbers
//
// Forward passes and gradients are checked against float64 reference
// implementations written from the definitions (finite differences for
// every gradient) and against PyTorch on the exact reference network
// (testdata/torch/gen.py): outputs agree to a few 1e-6 and gradients to
// under 1e-5 relative (about 1e-6 for both before F(4×4), whose float32
// error is about 15 times F(2×2)'s).
package nn
