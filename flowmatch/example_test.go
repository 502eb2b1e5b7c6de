package flowmatch_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"time"

	"github.com/windrose/windrose/flowmatch"
	"github.com/windrose/windrose/mnist"
	"github.com/windrose/windrose/npy"
	"github.com/windrose/windrose/ode"
)

// The conditional OT path for one pixel: noise 2, data 0.5. At t = 0 the
// point is the noise, at t = 1 the data plus σ times the noise; the target
// velocity is the same everywhere on the line.
func ExamplePath_Interpolate() {
	x0, x1 := []float32{2}, []float32{0.5}
	xt, u := make([]float32, 1), make([]float32, 1)
	for _, t := range []float64{0, 0.5, 1} {
		flowmatch.ReferencePath.Interpolate(xt, u, x0, x1, []float64{t})
		fmt.Printf("t = %.1f: x_t = %.2f, u = %.2f\n", t, xt[0], u[0])
	}
	// Output:
	// t = 0.0: x_t = 2.00, u = -1.30
	// t = 0.5: x_t = 1.35, u = -1.30
	// t = 1.0: x_t = 0.70, u = -1.30
}

// The learning rate of windrose's default recipe over a run whose cosine
// horizon is 1,000 steps: a 200-step linear warm-up, then half a cosine.
func ExampleConfig_LearningRate() {
	c := flowmatch.DefaultConfig()
	for _, n := range []int{0, 99, 199, 600, 1000} {
		fmt.Printf("step %4d: %.2e\n", n, c.LearningRate(n, 1000))
	}
	// Output:
	// step    0: 1.00e-05
	// step   99: 1.00e-03
	// step  199: 2.00e-03
	// step  600: 1.00e-03
	// step 1000: 0.00e+00
}

// Sample integrates any vector field over a batch of samples. Here the
// field is the exact flow-matching velocity for one-dimensional data
// distributed as N(3, 0.5²): from noise x0 the flow ends at
// 3 + √(σ² + 0.5²)·x0, which dopri5 reproduces.
func ExampleSample() {
	const sigma, s, m = flowmatch.SigmaMin, 0.5, 3.0
	field := ode.Func[float32](func(dst []float32, t float64, x []float32) {
		a := 1 - (1-sigma)*t
		k := (-a*(1-sigma) + t*s*s) / (a*a + t*t*s*s) // σ_t'/σ_t
		for i := range x {
			dst[i] = float32(m + k*(float64(x[i])-t*m))
		}
	})
	noise := []float32{-1, 0, 1}
	x := make([]float32, len(noise))
	res, err := flowmatch.Sample(context.Background(), x, field, noise,
		&flowmatch.SampleSettings{Method: ode.DOPRI5, Dim: 1, Settings: ode.Settings{RTol: 1e-6, ATol: 1e-6}})
	if err != nil {
		log.Fatal(err)
	}
	for i, x0 := range noise {
		exact := m + math.Sqrt(sigma*sigma+s*s)*float64(x0)
		fmt.Printf("x0 = %+.0f: x(1) = %.4f (exact %.4f)\n", x0, x[i], exact)
	}
	fmt.Println("field evaluations > 0:", res.Stats.FieldEvals > 0)
	// Output:
	// x0 = -1: x(1) = 2.4901 (exact 2.4901)
	// x0 = +0: x(1) = 3.0000 (exact 3.0000)
	// x0 = +1: x(1) = 3.5099 (exact 3.5099)
	// field evaluations > 0: true
}

// Slerp keeps the length of two equally long noise vectors along the
// way; Lerp's midpoint is 1/√2 as long.
func ExampleSlerp() {
	a := []float32{1, 0}
	b := []float32{0, 1}
	mid := make([]float32, 2)
	flowmatch.Slerp(mid, a, b, 0.5)
	fmt.Printf("slerp: (%.4f, %.4f)\n", mid[0], mid[1])
	flowmatch.Lerp(mid, a, b, 0.5)
	fmt.Printf("lerp:  (%.4f, %.4f)\n", mid[0], mid[1])
	// Output:
	// slerp: (0.7071, 0.7071)
	// lerp:  (0.5000, 0.5000)
}

// Training windrose's default recipe on MNIST for 15 minutes with a
// checkpoint, continuing it later, and sampling the result with 10 midpoint
// steps. (Not run as a test: it trains for real.)
func ExampleTrainer() {
	dir, err := mnist.DefaultDir()
	if err != nil {
		log.Fatal(err)
	}
	ds, err := mnist.Load(dir, mnist.Train)
	if err != nil {
		log.Fatal(err)
	}
	cfg := flowmatch.DefaultConfig() // 15 minutes
	cfg.Checkpoint = "fm.safetensors"
	tr, err := flowmatch.NewTrainer(cfg, ds.Images)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tr.Train(context.Background()); err != nil {
		log.Fatal(err)
	}

	// Later, or after Ctrl-C: ten more minutes.
	tr, err = flowmatch.Resume("fm.safetensors", ds.Images, flowmatch.Config{Duration: 10 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tr.Train(context.Background()); err != nil {
		log.Fatal(err)
	}

	noise := make([]float32, 64*784)
	flowmatch.Noise(noise, 1)
	x := make([]float32, len(noise))
	field := tr.Model().Field()
	set := flowmatch.DefaultSampleSettings() // midpoint, 10 steps, early grid
	if _, err := flowmatch.Sample(context.Background(), x, field, noise, &set); err != nil {
		log.Fatal(err)
	}
	pix := make([]uint8, len(x))
	flowmatch.Pixels(pix, x)
	// 64 grey images for NumPy: np.load("samples.npy").shape == (64, 28, 28).
	if err := npy.WriteUint8("samples.npy", pix, 64, 28, 28); err != nil {
		log.Fatal(err)
	}
}
