package ode

// Dense output: SaveAt states from the continuous extension of each accepted
// step (docs/ode.md, section 7).

// prepareSaved sizes the Saved rows for n SaveAt times, reusing the buffers
// of earlier solves (it allocates only when n·dim outgrows them).
func (s *Solver[T]) prepareSaved(n int) {
	if n == 0 {
		s.res.Saved = nil
		return
	}
	if cap(s.saveBuf) < n*s.dim {
		s.saveBuf = make([]T, n*s.dim)
	}
	if cap(s.saved) < n {
		s.saved = make([][]T, n)
	}
	s.saved = s.saved[:n]
	for i := range s.saved {
		s.saved[i] = s.saveBuf[i*s.dim : (i+1)*s.dim : (i+1)*s.dim]
	}
	s.res.Saved = s.saved[:0]
}

// saveUpTo fills Saved for every pending SaveAt point up to tNew (in the
// direction dir) from the dense output of the step (t, tNew] of size h,
// whose end state is s.xNew. With h == 0 it saves the points equal to t
// from s.x.
func (s *Solver[T]) saveUpTo(t, tNew, h float64, saveAt []float64, dir float64) {
	n := len(s.res.Saved)
	if n == len(saveAt) {
		return
	}
	if h == 0 {
		for n < len(saveAt) && saveAt[n] == t {
			copy(s.saved[n], s.x)
			n++
		}
		s.res.Saved = s.saved[:n]
		return
	}
	for n < len(saveAt) && dir*(saveAt[n]-tNew) <= 0 {
		ts := saveAt[n]
		if ts == tNew {
			copy(s.saved[n], s.xNew)
		} else {
			s.interpolate(s.saved[n], (ts-t)/h, h)
		}
		n++
	}
	s.res.Saved = s.saved[:n]
}

// interpolate writes the dense output at θ of the step just taken
// (from s.x to s.xNew with stages s.k) into dst.
func (s *Solver[T]) interpolate(dst []T, theta, h float64) {
	if s.dense != nil {
		for j, i := range s.dIdx {
			row := s.dense[i]
			// b_i(θ) = Σ_m row[m]·θ^(m+1), by Horner.
			b := 0.0
			for m := len(row) - 1; m >= 0; m-- {
				b = (b + row[m]) * theta
			}
			s.ks[j] = s.k[i]
			s.cs[j] = T(h * b)
		}
		comb(dst, s.x, s.cs[:len(s.dIdx)], s.ks[:len(s.dIdx)])
		return
	}
	var f1 []T
	if s.fsal {
		f1 = s.k[s.s-1]
	} else {
		// f(tNew, xNew), the next step's first stage, was evaluated into
		// tmp by prepareAccept; accept hands it over.
		if !s.k1Valid {
			panic("ode: internal error: Hermite output without f(t_new)")
		}
		f1 = s.tmp
	}
	hermite(dst, s.x, s.xNew, s.k[0], f1, theta, h)
}

// prepareAccept runs before accept: for a non-FSAL method whose dense output
// is the Hermite interpolant and with a SaveAt point inside the step, it
// evaluates f(tNew, xNew) into tmp, which accept then hands over as the next
// step's first stage. Otherwise it marks the first stage stale.
func (s *Solver[T]) prepareAccept(f VectorField[T], tNew float64, saveAt []float64, dir float64) {
	if s.fsal {
		return
	}
	s.k1Valid = false
	n := len(s.res.Saved)
	if s.dense == nil && n < len(saveAt) && dir*(saveAt[n]-tNew) < 0 {
		s.eval(f, s.tmp, tNew, s.xNew)
		s.k1Valid = true
	}
}
