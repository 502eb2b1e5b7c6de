package eval

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/windrose/windrose/nn"
)

// Save writes the classifier's weights to path as safetensors (atomically:
// a temporary file renamed into place), with metadata.
func (c *Classifier) Save(path string, metadata map[string]string) error {
	ts := make([]nn.NamedTensor, len(c.params))
	for i, p := range c.params {
		ts[i] = nn.NamedTensor{Name: p.Name, Tensor: p.Value}
	}
	return nn.WriteSafetensors(path, ts, metadata)
}

// LoadClassifier reads a classifier saved by Save from the bytes of a
// safetensors file (name is used in errors), such as models.Classifier.
func LoadClassifier(name string, data []byte) (*Classifier, map[string]string, error) {
	// nn reads safetensors from files only; a temporary copy keeps this
	// package from duplicating its parser.
	dir, err := os.MkdirTemp("", "windrose-eval")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "classifier.safetensors")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return nil, nil, err
	}
	return ReadClassifier(p, name)
}

// ReadClassifier reads a classifier saved by Save from the file path; name,
// if not empty, replaces path in errors.
func ReadClassifier(path, name string) (*Classifier, map[string]string, error) {
	if name == "" {
		name = path
	}
	s, err := nn.ReadSafetensors(path)
	if err != nil {
		return nil, nil, fmt.Errorf("eval: classifier %s: %w", name, err)
	}
	// The initial weights are all overwritten; any seed will do.
	c := NewClassifier(rand.New(rand.NewPCG(0, 0)))
	if err := s.CopyInto(c.params); err != nil {
		return nil, nil, fmt.Errorf("eval: classifier %s: %w", name, err)
	}
	return c, s.Metadata, nil
}
