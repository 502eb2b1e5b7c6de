package ode

import "math"

// The hot loops of the stepper. They are generic over the state type; Go
// compiles one copy per shape (float32, float64), so the arithmetic below runs
// directly in the state's type without conversions. Each loop re-slices its
// operands to len(dst) first so the compiler can drop the bounds checks, and
// combines up to four vectors per pass, so an s-stage step reads every stage
// once per stage combination instead of once per term.

// comb writes dst = x + Σ_j c[j]·k[j]; len(c) == len(k) >= 0. It combines
// the first four terms in one pass and adds the rest four at a time.
func comb[T Float](dst, x []T, c []T, k [][]T) {
	switch len(c) {
	case 0:
		copy(dst, x)
	case 1:
		comb1(dst, x, c[0], k[0])
	case 2:
		comb2(dst, x, c[0], k[0], c[1], k[1])
	case 3:
		comb3(dst, x, c[0], k[0], c[1], k[1], c[2], k[2])
	default:
		comb4(dst, x, c[0], k[0], c[1], k[1], c[2], k[2], c[3], k[3])
		for c, k = c[4:], k[4:]; len(c) > 0; c, k = c[min(4, len(c)):], k[min(4, len(k)):] {
			switch len(c) {
			case 1:
				comb1(dst, dst, c[0], k[0])
			case 2:
				comb2(dst, dst, c[0], k[0], c[1], k[1])
			case 3:
				comb3(dst, dst, c[0], k[0], c[1], k[1], c[2], k[2])
			default:
				comb4(dst, dst, c[0], k[0], c[1], k[1], c[2], k[2], c[3], k[3])
			}
		}
	}
}

// lin is comb that also reports whether every element of dst is finite; the
// test is fused into the last pass. It makes the new state, so a NaN or an
// infinity is caught where it appears without a separate pass.
func lin[T Float](dst, x []T, c []T, k [][]T) bool {
	if len(c) > 4 {
		// All passes but the last, then the last one checked.
		tail := (len(c)-1)%4 + 1
		comb(dst, x, c[:len(c)-tail], k[:len(c)-tail])
		x, c, k = dst, c[len(c)-tail:], k[len(c)-tail:]
	}
	switch len(c) {
	case 0:
		copy(dst, x)
		return allFinite(dst)
	case 1:
		return lin1(dst, x, c[0], k[0])
	case 2:
		return lin2(dst, x, c[0], k[0], c[1], k[1])
	case 3:
		return lin3(dst, x, c[0], k[0], c[1], k[1], c[2], k[2])
	default:
		return lin4(dst, x, c[0], k[0], c[1], k[1], c[2], k[2], c[3], k[3])
	}
}

// The finiteness test: v − v is 0 for every finite v and NaN for NaN and ±Inf,
// and NaN is absorbing, so Σ (v − v) == 0 exactly when every v is finite. It
// costs a subtraction and an addition per element (the addition chain is
// shorter than the loop's memory time) and spares a separate pass over the
// new state; a compare-and-branch per element measured slower.

func lin1[T Float](dst, x []T, a T, k []T) bool {
	x, k = x[:len(dst)], k[:len(dst)]
	var z T
	for i := range dst {
		v := x[i] + a*k[i]
		dst[i] = v
		z += v - v
	}
	return z == 0
}

func lin2[T Float](dst, x []T, a T, k []T, b T, l []T) bool {
	x, k, l = x[:len(dst)], k[:len(dst)], l[:len(dst)]
	var z T
	for i := range dst {
		v := x[i] + a*k[i] + b*l[i]
		dst[i] = v
		z += v - v
	}
	return z == 0
}

func lin3[T Float](dst, x []T, a T, k []T, b T, l []T, c T, m []T) bool {
	x, k, l, m = x[:len(dst)], k[:len(dst)], l[:len(dst)], m[:len(dst)]
	var z T
	for i := range dst {
		v := x[i] + a*k[i] + b*l[i] + c*m[i]
		dst[i] = v
		z += v - v
	}
	return z == 0
}

func lin4[T Float](dst, x []T, a T, k []T, b T, l []T, c T, m []T, d T, n []T) bool {
	x, k, l, m, n = x[:len(dst)], k[:len(dst)], l[:len(dst)], m[:len(dst)], n[:len(dst)]
	var z T
	for i := range dst {
		v := x[i] + a*k[i] + b*l[i] + c*m[i] + d*n[i]
		dst[i] = v
		z += v - v
	}
	return z == 0
}

// comb1 is unrolled by four: its loop, a load, a multiply-add and a store
// per element, is so short that where the linker happens to place it
// decided its speed. Rolled, it ran 40% slower when an unrelated change
// moved it across a 64-byte boundary (perf annotate of
// bench/ode_vs_scipy's RK4 case, docs/benchmarks.md); four elements per
// iteration make the loop long enough for its placement not to matter.
// Every element is computed exactly as before, so the results are the same
// bits.
func comb1[T Float](dst, x []T, a T, k []T) {
	n := len(dst)
	x, k = x[:n], k[:n]
	i := 0
	for ; i <= n-4; i += 4 {
		d, xs, ks := dst[i:i+4:i+4], x[i:i+4:i+4], k[i:i+4:i+4]
		d[0] = xs[0] + a*ks[0]
		d[1] = xs[1] + a*ks[1]
		d[2] = xs[2] + a*ks[2]
		d[3] = xs[3] + a*ks[3]
	}
	for ; i < n; i++ {
		dst[i] = x[i] + a*k[i]
	}
}

func comb2[T Float](dst, x []T, a T, k []T, b T, l []T) {
	x, k, l = x[:len(dst)], k[:len(dst)], l[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + a*k[i] + b*l[i]
	}
}

func comb3[T Float](dst, x []T, a T, k []T, b T, l []T, c T, m []T) {
	x, k, l, m = x[:len(dst)], k[:len(dst)], l[:len(dst)], m[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + a*k[i] + b*l[i] + c*m[i]
	}
}

func comb4[T Float](dst, x []T, a T, k []T, b T, l []T, c T, m []T, d T, n []T) {
	x, k, l, m, n = x[:len(dst)], k[:len(dst)], l[:len(dst)], m[:len(dst)], n[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + a*k[i] + b*l[i] + c*m[i] + d*n[i]
	}
}

// hermite writes the cubic Hermite interpolant through (x0, f0) and (x1, f1)
// at θ: dst = h00·x0 + h01·x1 + h·h10·f0 + h·h11·f1 with the standard basis
// h00 = 2θ³−3θ²+1, h10 = θ³−2θ²+θ, h01 = −2θ³+3θ², h11 = θ³−θ².
func hermite[T Float](dst, x0, x1, f0, f1 []T, theta, h float64) {
	t2, t3 := theta*theta, theta*theta*theta
	a := T(2*t3 - 3*t2 + 1)
	b := T(-2*t3 + 3*t2)
	c := T(h * (t3 - 2*t2 + theta))
	d := T(h * (t3 - t2))
	x0, x1, f0, f1 = x0[:len(dst)], x1[:len(dst)], f0[:len(dst)], f1[:len(dst)]
	for i := range dst {
		dst[i] = a*x0[i] + b*x1[i] + c*f0[i] + d*f1[i]
	}
}

// normBlock is the block length of errNorm: the error of one block is built
// in a float64 array on the stack (2 KiB, in L1), term by term, so every
// stage vector is read in long unit-stride runs and the error itself is
// accumulated in float64 even for a float32 state.
const normBlock = 256

// errNorm returns the RMS over components of err_i/(atol_i + rtol·max(|xo_i|,
// |xn_i|)) with err = Σ_j c[j]·k[j] (c already scaled by h), SciPy's and
// Hairer's norm. atolVec, when not nil, overrides atol. A zero-length state
// has norm 0.
func errNorm[T Float](c []float64, k [][]T, xo, xn []T, rtol, atol float64, atolVec []float64) float64 {
	n := len(xo)
	if n == 0 {
		return 0
	}
	xn = xn[:n]
	var buf [normBlock]float64
	sum := 0.0
	for lo := 0; lo < n; lo += normBlock {
		hi := min(lo+normBlock, n)
		e := buf[:hi-lo]
		if len(c) == 0 {
			clear(e)
		} else {
			kk, cc := k[0][lo:hi], c[0]
			kk = kk[:len(e)]
			for i := range e {
				e[i] = cc * float64(kk[i])
			}
			for j := 1; j < len(c); j++ {
				kk, cc := k[j][lo:hi], c[j]
				kk = kk[:len(e)]
				for i := range e {
					e[i] += cc * float64(kk[i])
				}
			}
		}
		if atolVec == nil {
			sum += sumSqScaled(e, xo[lo:hi], xn[lo:hi], rtol, atol)
		} else {
			sum += sumSqScaledVec(e, xo[lo:hi], xn[lo:hi], rtol, atolVec[lo:hi])
		}
	}
	return math.Sqrt(sum / float64(n))
}

// sumSqScaled returns Σ_i (e_i/(atol + rtol·max(|xo_i|, |xn_i|)))². Two
// partial sums halve the chain of dependent additions.
func sumSqScaled[T Float](e []float64, xo, xn []T, rtol, atol float64) float64 {
	xo, xn = xo[:len(e)], xn[:len(e)]
	var s0, s1 float64
	i := 0
	for ; i+1 < len(e); i += 2 {
		r0 := e[i] / (atol + rtol*max(math.Abs(float64(xo[i])), math.Abs(float64(xn[i]))))
		r1 := e[i+1] / (atol + rtol*max(math.Abs(float64(xo[i+1])), math.Abs(float64(xn[i+1]))))
		s0 += r0 * r0
		s1 += r1 * r1
	}
	if i < len(e) {
		r := e[i] / (atol + rtol*max(math.Abs(float64(xo[i])), math.Abs(float64(xn[i]))))
		s0 += r * r
	}
	return s0 + s1
}

// sumSqScaledVec is sumSqScaled with one absolute tolerance per component.
func sumSqScaledVec[T Float](e []float64, xo, xn []T, rtol float64, atol []float64) float64 {
	xo, xn, atol = xo[:len(e)], xn[:len(e)], atol[:len(e)]
	var s0, s1 float64
	i := 0
	for ; i+1 < len(e); i += 2 {
		r0 := e[i] / (atol[i] + rtol*max(math.Abs(float64(xo[i])), math.Abs(float64(xn[i]))))
		r1 := e[i+1] / (atol[i+1] + rtol*max(math.Abs(float64(xo[i+1])), math.Abs(float64(xn[i+1]))))
		s0 += r0 * r0
		s1 += r1 * r1
	}
	if i < len(e) {
		r := e[i] / (atol[i] + rtol*max(math.Abs(float64(xo[i])), math.Abs(float64(xn[i]))))
		s0 += r * r
	}
	return s0 + s1
}

// rmsScaled returns the RMS of v_i/(atol_i + rtol·|x_i|)·scale, the norm of
// Hairer's initial step selection.
func rmsScaled[T Float](v, x []T, scale, rtol, atol float64, atolVec []float64) float64 {
	n := len(x)
	if n == 0 {
		return 0
	}
	v = v[:n]
	s := 0.0
	for i := range x {
		a := atol
		if atolVec != nil {
			a = atolVec[i]
		}
		r := float64(v[i]) * scale / (a + rtol*math.Abs(float64(x[i])))
		s += r * r
	}
	return math.Sqrt(s / float64(n))
}

// allFinite reports whether every element of x is finite.
func allFinite[T Float](x []T) bool {
	return firstNonFinite(x) < 0
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or −1.
func firstNonFinite[T Float](x []T) int {
	for i, v := range x {
		if v-v != 0 {
			return i
		}
	}
	return -1
}
