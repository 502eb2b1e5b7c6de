//go:build race

package gemm

// raceEnabled: the race detector's sync.Pool drops a random share of what
// is put back, so allocation counts mean nothing under it.
const raceEnabled = true
