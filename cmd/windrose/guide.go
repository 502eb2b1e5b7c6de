package main

import (
	"flag"
	"fmt"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/models"
	"github.com/windrose/windrose/ode"
)

// guideDescription is the help paragraph of the commands that take
// guideFlags.
const guideDescription = `The shipped model is integrated with autoguidance (Karras et al., "Guiding
a Diffusion Model with a Bad Version of Itself", 2024): its velocity is
pushed away from that of a weaker model of the same recipe, the shipped
guide, v = v_guide + w·(v_model − v_guide) with w = -guidance (default 2.5),
which turns its few malformed digits into clean ones (docs/flowmatch.md
measures it). -guidance 1 integrates the model alone. A model from -ckpt is
integrated alone unless -guide FILE names its guide. Each evaluation of a
guided field runs both networks, so with a guide -steps defaults to 5: the
20 network passes per sample of the unguided default.`

// guideFlags are the autoguidance flags -guide and -guidance of the
// commands that integrate a model (sample, interpolate).
type guideFlags struct {
	file   string
	weight float64
}

// addGuideFlags declares -guide and -guidance.
func addGuideFlags(fs *flag.FlagSet, g *guideFlags) {
	fs.StringVar(&g.file, "guide", "", "autoguidance: a weaker model `file` of the same data to steer away from (default: the shipped guide, "+models.MNISTGuideName+", with the shipped model only)")
	fs.Float64Var(&g.weight, "guidance", models.MNISTGuidance, "autoguidance `weight` w: v = v_guide + w·(v_model − v_guide); 1 is the model alone")
}

// check refuses a weight out of range, and -guidance for a model from
// -ckpt without its -guide; with a guide and no -steps it sets the guided
// default stepping in solver. ckpt is the command's -ckpt.
func (g *guideFlags) check(ckpt string, given map[string]bool, solver *steppingFlags) error {
	if flowmatch.CheckGuidance(g.weight) != nil {
		return usagef("-guidance %v: want a weight in [0, %d]", g.weight, flowmatch.MaxGuidance)
	}
	if ckpt != "" && g.file == "" && given["guidance"] {
		return usagef("-guidance needs -guide FILE with -ckpt: the shipped guide goes with the shipped model only")
	}
	if g.guided(ckpt) && !given["steps"] {
		// Each step of the guided field runs two networks: its default
		// stepping keeps the network passes of the unguided default.
		solver.steps = len(flowmatch.DefaultGuidedSampleSettings().Grid) - 1
	}
	return nil
}

// guided tells whether the flags ask for autoguidance of the model of the
// command's -ckpt: a weight other than 1, and a guide, given or the shipped
// one that goes with the shipped model (ckpt empty).
func (g *guideFlags) guided(ckpt string) bool {
	return g.weight != 1 && (g.file != "" || ckpt == "")
}

// load returns the guide that the flags ask for and its name for the
// output, or nil when there is none (guided): at weight 1 the guided field
// is the model's own, and no guide is loaded.
func (g *guideFlags) load(ckpt string) (*flowmatch.Model, string, error) {
	if !g.guided(ckpt) {
		return nil, "", nil
	}
	if g.file == "" {
		m, err := flowmatch.ReadModel(models.MNISTGuideName, models.MNISTGuide, flowmatch.EMAWeights)
		if err != nil {
			return nil, "", fmt.Errorf("the shipped guide: %w", err)
		}
		return m, "shipped " + models.MNISTGuideName, nil
	}
	m, err := flowmatch.LoadModel(g.file, flowmatch.EMAWeights)
	if err != nil {
		return nil, "", err
	}
	return m, g.file, nil
}

// field returns the field to integrate: the model's own when guide (named
// name) is nil, else its autoguidance by guide, or an error naming the
// guide when the two do not go together.
func (g *guideFlags) field(model, guide *flowmatch.Model, name string) (ode.VectorField[float32], error) {
	if guide == nil {
		return model.Field(), nil
	}
	f, err := model.Guided(guide, g.weight)
	if err != nil {
		return nil, fmt.Errorf("-guide %s: %w", name, err)
	}
	return f, nil
}

// describe names the guide for a command's output: "guide NAME (S training
// steps, I images), weight W".
func (g *guideFlags) describe(guide *flowmatch.Model, name string) string {
	return fmt.Sprintf("guide %s (%d training steps, %d images), weight %v", name, guide.Step, guide.Images, g.weight)
}
