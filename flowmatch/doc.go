// Package flowmatch trains a neural velocity field by conditional flow
// matching and samples it with any ODE method of package ode: the
// flagship client of windrose, on MNIST.
//
// If you need to read past the first section to get digits, the command
// line does it for you: "windrose train", "windrose sample" (docs/flowmatch.md).
//
// # The method
//
// Flow matching (Lipman et al., "Flow Matching for Generative Modeling",
// ICLR 2023) learns a time-dependent velocity field v_θ(x, t) whose flow
// carries Gaussian noise at t = 0 to the data at t = 1. Training never
// integrates anything: for a data point x1, noise x0 and a time t, the
// conditional optimal-transport Path gives the point x_t on the straight
// line from x0 to x1 and the velocity u along it, and the network is
// regressed onto u at x_t (Loss). Sampling integrates dx/dt = v_θ(x, t)
// from fresh noise with an ODE solver (Sample).
//
// # Training
//
// A Config describes a run: the network width, batch, learning-rate
// schedule, EMA, loss, seed, limits (epochs, wall time, steps) and
// checkpoint file; every zero value is documented, and the zero Config is
// the reference recipe (ReferenceConfig). DefaultConfig is the recipe that
// windrose ships, chosen by measurement for two CPU cores.
//
// NewTrainer starts a run on a set of images (package mnist), Resume
// continues one from its checkpoint, and Trainer.Train runs steps until a
// limit or the context stops it. It is deterministic: every random draw
// (data order, times, noise) comes from generators seeded by Config.Seed
// whose state is saved, so an interrupted and resumed run ends with the
// same weights, bit for bit, as one that never stopped.
//
// # Checkpoints
//
// A checkpoint is one safetensors file (package nn) holding the weights
// under PyTorch's state_dict names, their EMA ("ema." prefix), AdamW's
// moments ("adam.m.", "adam.v."), the loss of every step, and metadata: the
// Config as JSON, the run's position, the generator state and a format
// version. It is written atomically (temporary file, sync, rename,
// directory sync) every Config.CheckpointEvery, and when training stops,
// including on cancellation; a step with a non-finite loss or non-finite
// weights stops training without writing, so the last good checkpoint
// stays. Resume refuses a file with a missing, misshapen or unknown tensor,
// a truncated file, and bad metadata, naming what is wrong. Trainer.AfterSave runs after each write (the command line draws the loss curve there).
//
// A model file (Model.Save, Trainer.SaveModel) holds only the EMA weights,
// for sampling; LoadModel reads it, a checkpoint, or a state_dict exported
// from PyTorch; ReadModel reads one held in memory, such as the model that
// package models embeds.
//
// # Sampling
//
// A VelocityField presents a network to package ode as an
// ode.VectorField[float32] whose state is a batch of images. Sample
// integrates noise from t = 0 to 1 batch by batch with any Runge–Kutta
// method, fixed or adaptive (SampleSettings, which embeds ode.Settings;
// DefaultSampleSettings is the command line's choice), and records
// trajectories; a GuidedField samples a model by autoguidance, its velocity
// extrapolated away from a weaker model's (Karras et al. 2024;
// DefaultGuidedSampleSettings is its command-line stepping); TutorialField reproduces the reference tutorial's sampler,
// the classical RK4 on the field delayed by half a step. Pixels maps states to grey levels, Noise draws
// initial noise from a seed, and Lerp and Slerp interpolate between noise
// vectors. Package npy exchanges noise and images with NumPy.
//
// # Likelihoods
//
// The flow of a trained network is invertible, and its density can be
// evaluated: Likelihood integrates a batch backward from t = 1 to 0
// together with the divergence of the field (the instantaneous change of
// variables of Chen et al. 2018; FFJORD), exactly or by Hutchinson's
// estimator with Rademacher probes, and returns log-densities, bits per
// dimension of dequantized 8-bit images (BitsPerDim, Dequantize,
// BitsPerDimFloor) and standard errors. Encode and Decode map images to
// noise and back. They work through the Network interface only, at any
// sample shape (FlowSettings), with float64 states (docs/likelihood.md).
//
// # Conventions
//
// Destination arguments come first and are written, never kept. Panics
// with a "flowmatch: ..." message are for a caller's mistakes (mismatched
// lengths); everything that can go wrong at run time, from a bad file to a
// diverging loss, is a returned error naming the file, tensor, key, flag or
// step at fault. Files are written atomically, except into existing
// non-regular files (devices, pipes), which are written in place.
package flowmatch
