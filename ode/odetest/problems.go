package odetest

import (
	"math"

	"github.com/windrose/windrose/field"
	"github.com/windrose/windrose/ode"
)

// The problems below are deliberately tiny and self-contained, written out
// here rather than taken from package field's catalogue, whose fields they
// check: they exercise scalar and vector states, autonomous and
// time-dependent fields, and a flow that preserves norms. Each call returns
// a fresh field.Problem with its own X0.

// Decay returns x' = -x, x(0) = 1 on [0, 2], with x(t) = exp(-t).
//
// The span [0, 2] keeps the solution well away from 0 (exp(-2) ≈ 0.135), so
// absolute and relative errors stay comparable.
func Decay() field.Problem {
	return field.Problem{
		Name: "decay",
		Field: ode.Func[float64](func(dst []float64, _ float64, x []float64) {
			for i, v := range x {
				dst[i] = -v
			}
		}),
		T0: 0,
		T1: 2,
		X0: []float64{1},
		Exact: func(dst []float64, t float64) {
			dst[0] = math.Exp(-t)
		},
	}
}

// Rotation returns the 2-D linear system x' = -y, y' = x from (1, 0) on
// [0, 4], with (x, y)(t) = (cos t, sin t).
//
// Its flow is a rotation, so errors are neither damped nor amplified: a
// method's global error grows only linearly in time. The end point t = 4 is
// not a multiple of π/2, so no component of the error vanishes by symmetry.
func Rotation() field.Problem {
	return field.Problem{
		Name: "rotation",
		Field: ode.Func[float64](func(dst []float64, _ float64, x []float64) {
			dst[0] = -x[1]
			dst[1] = x[0]
		}),
		T0: 0,
		T1: 4,
		X0: []float64{1, 0},
		Exact: func(dst []float64, t float64) {
			dst[0] = math.Cos(t)
			dst[1] = math.Sin(t)
		},
	}
}

// Nonautonomous returns x' = cos(t) x, x(0) = 1 on [0, 4], with
// x(t) = exp(sin t).
//
// The field depends on t, so a stepper that evaluates a stage at the wrong
// time (a wrong node c_i, or t not advanced) loses its order here while
// keeping it on the autonomous problems.
func Nonautonomous() field.Problem {
	return field.Problem{
		Name: "nonautonomous",
		Field: ode.Func[float64](func(dst []float64, t float64, x []float64) {
			c := math.Cos(t)
			for i, v := range x {
				dst[i] = c * v
			}
		}),
		T0: 0,
		T1: 4,
		X0: []float64{1},
		Exact: func(dst []float64, t float64) {
			dst[0] = math.Exp(math.Sin(t))
		},
	}
}

// Problems returns Decay, Rotation and Nonautonomous.
func Problems() []field.Problem {
	return []field.Problem{Decay(), Rotation(), Nonautonomous()}
}
