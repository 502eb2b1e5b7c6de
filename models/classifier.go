package models

import _ "embed"

// ClassifierName is the file the MNIST classifier was embedded from,
// relative to the repository root.
const ClassifierName = "models/classifier.safetensors"

// Classifier is the content of classifier.safetensors: the weights of
// package eval's MNIST digit classifier (read it with eval.LoadClassifier),
// whose features "windrose eval" compares to compute FID. How it was trained
// and its test accuracy are in docs/eval.md and in the file's metadata.
// Treat it as read-only.
//
//go:embed classifier.safetensors
var Classifier []byte
