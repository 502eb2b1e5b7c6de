// Package models holds the trained models that ship with windrose, embedded
// in any program that imports it, so that "windrose sample" works from a
// fresh clone in any directory without a training run or a download.
//
// MNIST is the flow-matching velocity network for MNIST digits: a
// safetensors file in the model format of package flowmatch (read it with
// flowmatch.ReadModel) holding the EMA weights of a training run on two CPU
// cores, with the run's configuration, step count and images seen in its
// metadata ("windrose sample" prints them). How it was made and what its
// samples look like is in docs/flowmatch.md. MNISTGuide is the weaker
// model that "windrose sample" guides it with (autoguidance, weight
// MNISTGuidance). The directory budget/ holds, as files (not embedded
// except the guide), the models of the training-budget tables there and
// the previous shipped model; checkpoints/ holds the training
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

// MNISTGuideName is the file the MNIST model's guide was embedded from,
// relative to the repository root: the same recipe at half the width
// (widths 16/32/64, 458,721 parameters against 1,582,785) trained for 30
// minutes (765,696 images against 9,779,136), one of the training-budget
// models.
const MNISTGuideName = "models/budget/default-30min.safetensors"

// MNISTGuide is the content of MNISTGuideName: the weaker model that
// "windrose sample" steers the MNIST model away from by autoguidance
// (flowmatch.GuidedField), with weight MNISTGuidance. Treat it as
// read-only.
//
//go:embed budget/default-30min.safetensors
var MNISTGuide []byte

// MNISTGuidance is the autoguidance weight of MNIST by MNISTGuide that
// "windrose sample" uses by default, chosen by the FID and density study
// of docs/flowmatch.md ("Autoguidance").
const MNISTGuidance = 2.5
