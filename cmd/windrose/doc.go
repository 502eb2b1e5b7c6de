// Command windrose is the command-line face of the windrose library: each
// subcommand parses its flags and calls the library's packages.
//
// Usage:
//
//	windrose <command> [flags]
//	windrose help [command]
//
// Commands:
//
//	solve        solve a built-in problem of package field with any method of
//	             package ode, and report the final state, the error against the
//	             exact solution where one is known, the work done and the wall time
//	train        train the flow-matching velocity network on MNIST (resumable)
//	sample       integrate the velocity network from noise: digits as a PNG mosaic
//	             or .npy, with any ode method (the shipped model by default,
//	             autoguided by the weaker model shipped with it)
//	interpolate  decode a walk between two noise vectors (linear and spherical)
//	eval         score generated images: FID, density and coverage against the
//	             MNIST test set with the shipped classifier, mean confidence,
//	             class-histogram entropy
//	likelihood   log-likelihoods of MNIST test images (or an .npy file) under a
//	             model, in bits per dimension, exact or with Hutchinson's estimator
//	encode       map images to noise with the model's flow (t = 1 → 0)
//	decode       map noise to images (t = 0 → 1); both report the round-trip error
//
// Run "windrose help <command>" for a command's flags.
//
// # Exit status
//
// 0 on success (and for help), 2 for a usage error (an unknown command, an
// unknown method or problem name, a bad or missing flag value, a combination
// of flags that does not make sense, a size flag whose memory would exceed
// 16 GiB), 1 for a failure at run time (a solve that stops early, a file
// that cannot be written). A training run stopped by SIGINT or SIGTERM
// exits with 130 or 143 (128 + the signal number) once its checkpoint is
// written, and with 1 when the checkpoint could not be written.
//
// # Adding a command
//
// A command lives in its own file, NAME.go, with its own flag.FlagSet: it
// declares a command value and registers it from an init function. main.go
// does not change.
package main
