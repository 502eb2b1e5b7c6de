package flowmatch

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// TimeDist is the distribution of the times at which training compares the
// network's velocity with the path's.
type TimeDist int

const (
	// TimesUniform draws t ~ U(TEps, 1 − TEps), the tutorial's choice and
	// Lipman et al.'s (2023). The zero value.
	TimesUniform TimeDist = iota
	// TimesLogitNormal draws t = 1/(1 + exp(−(m + s·n))), n ~ N(0, 1),
	// with m = Config.TimeLoc and s = Config.TimeScale: more training
	// where the velocity is hardest to predict, the middle of the path.
	// Esser et al., "Scaling Rectified Flow Transformers for
	// High-Resolution Image Synthesis" (ICML 2024, eq. 19), ranked it
	// first among the time distributions they compared, with m = 0, s = 1.
	TimesLogitNormal
)

var timeNames = [...]string{TimesUniform: "uniform", TimesLogitNormal: "logit-normal"}

// String returns "uniform" or "logit-normal".
func (d TimeDist) String() string {
	if d >= 0 && int(d) < len(timeNames) {
		return timeNames[d]
	}
	return fmt.Sprintf("TimeDist(%d)", int(d))
}

// ParseTimeDist returns the TimeDist called name ("uniform" or
// "logit-normal", case-insensitive).
func ParseTimeDist(name string) (TimeDist, error) {
	for i, n := range timeNames {
		if strings.EqualFold(n, name) {
			return TimeDist(i), nil
		}
	}
	return 0, fmt.Errorf("flowmatch: unknown time distribution %q (want uniform or logit-normal)", name)
}

// MarshalText implements encoding.TextMarshaler, so a Config's JSON names
// the distribution.
func (d TimeDist) MarshalText() ([]byte, error) {
	if d < 0 || int(d) >= len(timeNames) {
		return nil, fmt.Errorf("flowmatch: invalid time distribution %d", int(d))
	}
	return []byte(timeNames[d]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *TimeDist) UnmarshalText(b []byte) error {
	v, err := ParseTimeDist(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// sampleTime draws one training time of the (defaulted) Config c with one
// draw from rng: a uniform for TimesUniform, a normal for TimesLogitNormal.
// Times stay inside [TEps, 1 − TEps], where the reference loss's weight
// t(1 − t) does not vanish.
func (c Config) sampleTime(rng *rand.Rand) float64 {
	if c.Times == TimesUniform {
		return Path{TEps: TEps}.SampleTime(rng)
	}
	s := c.TimeScale
	if s == 0 {
		s = 1
	}
	t := 1 / (1 + math.Exp(-(c.TimeLoc + s*rng.NormFloat64())))
	return min(max(t, TEps), 1-TEps)
}
