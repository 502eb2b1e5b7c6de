package main

// measurement is one timed case as both sides write it in their JSON.
type measurement struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	// Seconds is the wall time of one solve: the fastest sample divided
	// by CallsPerSample.
	Seconds        float64 `json:"seconds"`
	Samples        int     `json:"samples"`
	CallsPerSample int     `json:"calls_per_sample"`
	NFev           int     `json:"nfev"`
	Accepted       int     `json:"accepted"`
	Rejected       int     `json:"rejected"`
	// Error is the largest absolute component of x(t1) − exact; nil when
	// the exact value is unknown (Lorenz).
	Error *float64 `json:"error"`
	// XHead holds the first (up to 8) components of x(t1), enough to
	// compare the two sides (the decay's components are all equal).
	XHead []float64 `json:"x_head"`
}

// report is the JSON document of one side.
type report struct {
	Side     string        `json:"side"`
	Versions string        `json:"versions"`
	Cases    []measurement `json:"cases"`
}

// headLen is the number of final components recorded in XHead (the same
// HEAD in scipy_side.py).
const headLen = 8
