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
	ckpt   string // the command's -ckpt, recorded by check
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
	g.ckpt = ckpt
	// 0 is the guide alone; beyond 100 the guided velocity is mostly the
	// amplified difference of two models, and float32 overflows sooner.
	if !(g.weight >= 0 && g.weight <= 100) {
		return usagef("-guidance %v: want a weight in [0, 100]", g.weight)
	}
	if ckpt != "" && g.file == "" && given["guidance"] {
		return usagef("-guidance needs -guide FILE with -ckpt: the shipped guide goes with the shipped model only")
	}
	if g.guided() && !given["steps"] {
		// Each step of the guided field runs two networks: its default
		// stepping keeps the network passes of the unguided default.
		solver.steps = len(flowmatch.DefaultGuidedSampleSettings().Grid) - 1
	}
	return nil
}

// guided tells whether the flags ask for autoguidance: a weight other than
// 1, and a guide, given or the shipped one that goes with the shipped
// model.
func (g *guideFlags) guided() bool {
	return g.weight != 1 && (g.file != "" || g.ckpt == "")
}

// load returns the guide that the flags ask for and its name for the
// output, or nil when there is none (guided): at weight 1 the guided field
// is the model's own, and no guide is loaded.
func (g *guideFlags) load(model *flowmatch.Model) (*flowmatch.Model, string, error) {
	if !g.guided() {
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
	if m.Shape != model.Shape {
		return nil, "", fmt.Errorf("-guide %s: samples of shape %d×%d×%d, the model's are %d×%d×%d", g.file, m.Shape[0], m.Shape[1], m.Shape[2], model.Shape[0], model.Shape[1], model.Shape[2])
	}
	return m, g.file, nil
}

// field returns the field to integrate: the model's own when guide is nil,
// else its autoguidance by guide.
func (g *guideFlags) field(model, guide *flowmatch.Model) ode.VectorField[float32] {
	if guide == nil {
		return model.Field()
	}
	return flowmatch.NewGuidedField(model.Field(), guide.Field(), g.weight)
}

// describe names the guide for a command's output: "guide NAME (S training
// steps, I images), weight W".
func (g *guideFlags) describe(guide *flowmatch.Model, name string) string {
	return fmt.Sprintf("guide %s (%d training steps, %d images), weight %v", name, guide.Step, guide.Images, g.weight)
}
