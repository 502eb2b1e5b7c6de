package main

import "time"

// calibrate makes one warm-up call, then doubles the number n of calls per
// sample until n calls last at least sampleTime. It returns n and the
// duration of that last batch of n calls, which counts as the first sample.
func calibrate(call func() error, sampleTime time.Duration) (n int, first time.Duration, err error) {
	if err := call(); err != nil {
		return 0, 0, err
	}
	for n = 1; ; n *= 2 {
		if first, err = timeCalls(call, n); err != nil || first >= sampleTime {
			return n, first, err
		}
	}
}

// timeCalls returns the wall time of n calls.
func timeCalls(call func() error, n int) (time.Duration, error) {
	start := time.Now()
	for range n {
		if err := call(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}
