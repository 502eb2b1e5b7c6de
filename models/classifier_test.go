package models_test

import (
	"strconv"
	"testing"

	"github.com/windrose/windrose/eval"
	"github.com/windrose/windrose/models"
)

// TestClassifierLoads checks that the embedded classifier loads into
// eval's architecture (every tensor present with its shape) and records a
// training run whose test accuracy was measured.
func TestClassifierLoads(t *testing.T) {
	_, meta, err := eval.LoadClassifier(models.ClassifierName, models.Classifier)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := strconv.ParseFloat(meta["test_accuracy"], 64)
	// docs/eval.md reports the measured accuracy; 0.98 is a floor well
	// below it that any usable feature extractor clears.
	if err != nil || acc < 0.98 {
		t.Errorf("shipped classifier's test_accuracy %q (%v)", meta["test_accuracy"], err)
	}
}
