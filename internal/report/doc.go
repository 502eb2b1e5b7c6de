// Package report draws what windrose's programs show people: mosaics of
// images as PNG files, the loss curve of a training run as CSV and PNG, and
// a progress bar on the terminal.
//
// It is internal: the library packages (ode, field, nn, flowmatch, npy,
// eval) compute and leave the showing to their callers, so that importing
// them does not pull in a plotting library; the windrose command, the
// examples and the benchmarks import this package.
//
// Mosaic lays images out as torchvision's make_grid does; WriteMosaicPNG
// writes one. WriteLossCurve writes the per-step losses of a run with their
// trailing mean. ProgressPrinter shows Progress as a bar redrawn in place
// on a terminal (IsTerminal) and as log lines elsewhere. Files are written
// atomically with package atomicfile.
package report
