package flowmatch_test

import (
	"context"
	"fmt"
	"log"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
)

// Sampling the model shipped with windrose with the command line's
// settings (the midpoint method, 10 steps on the early grid): four digits
// from seed 1.
func ExampleDefaultSampleSettings() {
	model, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		log.Fatal(err)
	}
	noise := make([]float32, 4*model.Dim())
	flowmatch.Noise(noise, 1)
	x := make([]float32, len(noise))
	set := flowmatch.DefaultSampleSettings()
	res, err := flowmatch.Sample(context.Background(), x, model.Field(), noise, &set)
	if err != nil {
		log.Fatal(err)
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)

	// Most of an MNIST digit is black background.
	var ink int
	for _, p := range pix {
		if p >= 128 {
			ink++
		}
	}
	// About an eighth of the pixels are ink (12.5% here; printed to one
	// decimal of the fraction, far from a rounding boundary, since the
	// last bits of the arithmetic may differ between machines).
	fmt.Printf("%d images, %d field evaluations, ink fraction %.1f\n", len(pix)/model.Dim(), res.Stats.FieldEvals, float64(ink)/float64(len(pix)))
	// Output:
	// 4 images, 20 field evaluations, ink fraction 0.1
}

// Sampling the shipped model as the command line does by default: guided
// by the weaker model shipped with it (autoguidance), with the guided
// stepping (the midpoint method, 5 steps on the early grid). Each of the 5
// steps evaluates the guided field twice, and each evaluation runs both
// networks.
func ExampleGuidedField() {
	model, err := flowmatch.ReadModel(models.MNISTName, models.MNIST, flowmatch.EMAWeights)
	if err != nil {
		log.Fatal(err)
	}
	guide, err := flowmatch.ReadModel(models.MNISTGuideName, models.MNISTGuide, flowmatch.EMAWeights)
	if err != nil {
		log.Fatal(err)
	}
	field := flowmatch.NewGuidedField(model.Field(), guide.Field(), models.MNISTGuidance)
	noise := make([]float32, 4*model.Dim())
	flowmatch.Noise(noise, 1)
	x := make([]float32, len(noise))
	set := flowmatch.DefaultGuidedSampleSettings()
	res, err := flowmatch.Sample(context.Background(), x, field, noise, &set)
	if err != nil {
		log.Fatal(err)
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	var ink int
	for _, p := range pix {
		if p >= 128 {
			ink++
		}
	}
	// About an eighth of the pixels are ink, as in MNIST (14.0% here;
	// printed as a range, since the last bits of the arithmetic may differ
	// between machines).
	frac := float64(ink) / float64(len(pix))
	fmt.Printf("weight %v, %d images, %d field evaluations, ink fraction between 0.08 and 0.2: %v\n", field.Weight, len(pix)/model.Dim(), res.Stats.FieldEvals, frac > 0.08 && frac < 0.2)
	// Output:
	// weight 2.5, 4 images, 10 field evaluations, ink fraction between 0.08 and 0.2: true
}
