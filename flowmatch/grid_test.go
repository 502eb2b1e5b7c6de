package flowmatch

import (
	"math"
	"strings"
	"testing"
)

func TestTimeGrid(t *testing.T) {
	const n = 10
	for _, name := range []string{"uniform", "late", "late:3", "early", "early:1.5", "cosine"} {
		g, err := TimeGrid(name, n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(g) != n+1 || g[0] != 0 || g[n] != 1 {
			t.Fatalf("%s: %d times from %v to %v, want %d from exactly 0 to exactly 1", name, len(g), g[0], g[len(g)-1], n+1)
		}
		for k := 1; k <= n; k++ {
			if !(g[k] > g[k-1]) {
				t.Fatalf("%s: not increasing at %d: %v", name, k, g)
			}
		}
		h := func(k int) float64 { return g[k+1] - g[k] }
		switch name {
		case "uniform":
			for k := range n + 1 {
				if math.Abs(g[k]-float64(k)/n) > 1e-15 {
					t.Errorf("uniform: t_%d = %v", k, g[k])
				}
			}
		case "late", "late:3":
			for k := 1; k < n; k++ {
				if !(h(k) < h(k-1)) {
					t.Errorf("%s: step %d (%v) not shorter than step %d (%v)", name, k, h(k), k-1, h(k-1))
				}
			}
		case "early", "early:1.5":
			for k := 1; k < n; k++ {
				if !(h(k) > h(k-1)) {
					t.Errorf("%s: step %d (%v) not longer than step %d (%v)", name, k, h(k), k-1, h(k-1))
				}
			}
		case "cosine":
			for k := range n {
				if math.Abs(h(k)-h(n-1-k)) > 1e-12 {
					t.Errorf("cosine: steps %d and %d differ: %v, %v", k, n-1-k, h(k), h(n-1-k))
				}
			}
			if !(h(0) < h(n/2)) {
				t.Errorf("cosine: first step %v not shorter than the middle one %v", h(0), h(n/2))
			}
		}
	}
	// late:p at k = 1 of 2 steps: 1 − (1/2)^p.
	g, _ := TimeGrid("late:3", 2)
	if g[1] != 1-0.125 {
		t.Errorf("late:3 with 2 steps: t_1 = %v, want 0.875", g[1])
	}
	for _, bad := range []struct {
		name  string
		steps int
		want  string
	}{
		{"uniform", 0, "0 steps"},
		{"quadratic", 4, `"quadratic"`},
		{"late:0.5", 4, `"0.5"`},
		{"late:x", 4, `"x"`},
		{"early:9", 4, `"9"`},
		{"cosine:2", 4, "only late and early"},
	} {
		if _, err := TimeGrid(bad.name, bad.steps); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("TimeGrid(%q, %d): error %v, want one naming %s", bad.name, bad.steps, err, bad.want)
		}
	}
}

func TestEquidistributedGrid(t *testing.T) {
	pilot := []float64{0, 0.5, 0.8, 0.9, 0.95, 1}
	// As many steps as the pilot: the pilot's own times.
	g := EquidistributedGrid(pilot, 5)
	for k := range pilot {
		if math.Abs(g[k]-pilot[k]) > 1e-15 {
			t.Errorf("5 steps on a 5-step pilot: t_%d = %v, want %v", k, g[k], pilot[k])
		}
	}
	// Twice as many: the pilot's times and the midpoints of its steps.
	g = EquidistributedGrid(pilot, 10)
	for k := range g {
		var want float64
		if k%2 == 0 {
			want = pilot[k/2]
		} else {
			want = (pilot[k/2] + pilot[k/2+1]) / 2
		}
		if math.Abs(g[k]-want) > 1e-15 {
			t.Errorf("10 steps: t_%d = %v, want %v", k, g[k], want)
		}
	}
	// A uniform pilot gives a uniform grid of any size.
	uni := []float64{0, 0.25, 0.5, 0.75, 1}
	g = EquidistributedGrid(uni, 3)
	for k, want := range []float64{0, 1.0 / 3, 2.0 / 3, 1} {
		if math.Abs(g[k]-want) > 1e-15 {
			t.Errorf("uniform pilot, 3 steps: t_%d = %v, want %v", k, g[k], want)
		}
	}
	for _, c := range []struct {
		pilot []float64
		steps int
	}{{[]float64{0}, 2}, {uni, 0}, {[]float64{0, 0.5, 0.5, 1}, 2}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "flowmatch: ") {
					t.Errorf("EquidistributedGrid(%v, %d): panic %v, want a flowmatch: message", c.pilot, c.steps, r)
				}
			}()
			EquidistributedGrid(c.pilot, c.steps)
		}()
	}
}
