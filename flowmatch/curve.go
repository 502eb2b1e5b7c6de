package flowmatch

import "github.com/windrose/windrose/internal/report"

// WriteCurve writes the loss curve of a run beside the checkpoint at path,
// to its two CurveFiles, with report.WriteLossCurve: the losses are those
// of steps 1, 2, ..., each of batch images from n training images (the last
// batch of an epoch partial). It writes nothing for an empty curve.
//
// It is a stopgap that keeps Trainer.Save drawing the curve until the
// trainer reports its losses through a hook and the CLI draws the curve;
// then it goes, and with it flowmatch's dependence on gonum/plot.
func WriteCurve(path string, losses []float32, batch, n int) error {
	if len(losses) == 0 {
		return nil
	}
	spe := stepsPerEpoch(n, batch)
	images := make([]int, len(losses))
	for i := range images {
		step := i + 1
		e, r := step/spe, step%spe
		images[i] = e*n + min(r*batch, n)
	}
	csvPath, pngPath := CurveFiles(path)
	return report.WriteLossCurve(csvPath, pngPath, losses, images)
}
