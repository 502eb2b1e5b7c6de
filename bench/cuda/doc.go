// Command cudabench measures windrose's nn networks on one backend (by
// default "cuda", in builds with -tags cuda) for a side-by-side comparison
// with PyTorch on the same GPU (torch_cuda.py in this directory).
//
// It measures, after -warmup (3) untimed steps, -steps (20) timed ones:
//
//   - vnet_train_b256: training img/s of the reference network
//     nn.NewVelocityNet(nn.Config{}) (Base 64) at batch 256 with the
//     reference step (x_t and target of the flow-matching path with
//     σmin 0.1, forward, weighted smooth-L1 loss gradient, backward, AdamW
//     lr 2e-4, EMA 0.999), on random images held in memory;
//   - unet_train_b64 and unet_train_b256: the same for the shipped model's
//     U-Net (nn.UNetConfig{Channels: 1}: widths 32/64/128; the default
//     recipe trains the same network at 16/32/64) with σmin 0 and the MSE
//     loss, dL/dv = 2(v−u)/n;
//   - vnet_fwd_b256 and unet_fwd_b256: forward image-evaluations/s.
//
// The batch, x_t and the loss gradient are made on the host, as
// flowmatch.Trainer does; everything else stays on the device. The clock
// stops after reading back (ToHost) the output and the last EMA tensor,
// which waits for every queued kernel. -quick (batches 8 and 2, one step)
// is for smoke tests with -backend cpu; -json FILE writes the results with
// the date, backend, GOMAXPROCS and nvidia-smi's GPU name and driver.
//
// # On the GPU machine
//
// The GPU machine has Python with PyTorch but no Go toolchain, so the Go
// side is built here first, from the repository root:
//
//	bash bench/cuda/prepare.sh
//
// which builds the cuda test binaries of nn and flowmatch, the windrose
// command and this program into bench/cuda/out/ (git-ignored), and copies
// the PyTorch reference network (../shared/bench/torch_velocitynet.py, or
// $REF_PY) beside them. Then the device tool runs, with carry
// ["bench/cuda/out"],
//
//	bash bench/cuda/run.sh
//
// which runs nn's tests on the cuda backend (and stops if they fail), this
// program with -sample-n 10000, torch_cuda.py (the same measurements in
// eager PyTorch, float32 with TF32 off, and the time to sample 10,000 images
// from the shipped model's U-Net twin with RK4 in 5 steps), then this
// program on the cpu backend sampling 1,000 images (scaled by 10 for the
// GPU's speed-up), and prints a Markdown table of windrose beside PyTorch,
// also written to $OUT/cuda_bench.md.
//
// -sample-n N times what `windrose sample -n N` does (the model's EMA
// weights, noise seed 123, RK4 with 5 steps in batches of 256, grey levels)
// through the library, reading the model from -model
// (models/mnist.safetensors): the device tool carries at most 64 MiB with
// the working tree, too little for the windrose binary with its embedded
// model beside the compressed test binary.
package main
