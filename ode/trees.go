package ode

import "strings"

// tree is a rooted tree of Butcher's theory of order conditions (Butcher,
// Numerical Methods for ODEs, 2016, §3; HNW I, II.2). A Runge–Kutta method with
// weights b has order p when Σ_i b_i·Φ_i(τ) = 1/γ(τ) for every tree τ with at
// most p nodes, where Φ(τ), the elementary weight, is the vector with
// Φ_i(•) = 1 and Φ_i([τ_1 … τ_m]) = Π_k (A·Φ(τ_k))_i, and the density is
// γ(•) = 1, γ([τ_1 … τ_m]) = |τ|·Π_k γ(τ_k).
type tree struct {
	order    int
	gamma    float64
	children []int // indices into the list built by rootedTrees
	list     []*tree
}

// rootedTrees returns every rooted tree with at most p nodes, each exactly
// once, sorted by order; children always come before their parents. The
// counts per order are 1, 1, 2, 4, 9, 20, 48, 115 (OEIS A000081).
func rootedTrees(p int) []*tree {
	var all []*tree
	for n := 1; n <= p; n++ {
		smaller := len(all) // trees of order < n
		var children []int
		// A tree of order n is a root with a multiset of subtrees whose orders
		// sum to n−1; listing each multiset as a non-increasing sequence of
		// indices generates every tree once.
		var gen func(remaining, maxIdx int)
		gen = func(remaining, maxIdx int) {
			if remaining == 0 {
				t := &tree{order: n, gamma: float64(n), children: append([]int(nil), children...)}
				for _, c := range children {
					t.gamma *= all[c].gamma
				}
				all = append(all, t)
				return
			}
			for c := maxIdx; c >= 0; c-- {
				if all[c].order <= remaining {
					children = append(children, c)
					gen(remaining-all[c].order, c)
					children = children[:len(children)-1]
				}
			}
		}
		gen(n-1, smaller-1)
	}
	for _, t := range all {
		t.list = all
	}
	return all
}

// String writes the tree in bracket notation: "t" for a leaf, "[t t]" for a
// root with two leaves.
func (t *tree) String() string {
	if len(t.children) == 0 {
		return "t"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, c := range t.children {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.list[c].String())
	}
	b.WriteByte(']')
	return b.String()
}

// elementaryWeights returns Φ(τ) for every tree, indexed like trees.
func elementaryWeights(a [][]float64, trees []*tree) [][]float64 {
	s := len(a)
	phi := make([][]float64, len(trees))
	aphi := make([][]float64, len(trees)) // A·Φ(τ)
	for n, t := range trees {
		p := make([]float64, s)
		for i := range p {
			p[i] = 1
			for _, c := range t.children {
				p[i] *= aphi[c][i]
			}
		}
		ap := make([]float64, s)
		for i, row := range a {
			for j, v := range row {
				ap[i] += v * p[j]
			}
		}
		phi[n], aphi[n] = p, ap
	}
	return phi
}
