// Package models holds the trained models that ship with windrose, embedded
// in any program that imports it, so that "windrose sample" works from a
// fresh clone in any directory without a training run or a download.
//
// MNIST is the flow-matching velocity network for MNIST digits: a
// safetensors file in the model format of package flowmatch (read it with
// flowmatch.ReadModel) holding the EMA weights of a training run on two CPU
// cores, with the run's configuration, step count and images seen in its
// metadata ("windrose sample" prints them). How it was made and what its
// samples look like is in docs/flowmatch.md. The directory budget/ holds,
// as files (not embedded), the models of the training-budget tables there
// and the previous shipped model; checkpoints/ holds the training
// checkpoint of the shipped model (mnist-unet-STEPS.safetensors, STEPS its
// step count), so that its run can be continued with "windrose train
// -resume".
package models

import _ "embed"

// MNISTName is the file the MNIST model was embedded from, relative to the
// repository root.
const MNISTName = "models/mnist.safetensors"

// MNIST is the content of mnist.safetensors. Treat it as read-only.
//
//go:embed mnist.safetensors
var MNIST []byte
