// Sampling_study measures what each sampler of the shipped flow-matching
// model buys: for every setting (method, step count or tolerance, time
// grid, shared or per-sample step size) it samples the same N noise
// vectors, scores the images with package eval (FID against the MNIST test
// set, mean confidence, class entropy) and records the field evaluations
// per sample and the wall time. docs/sampling.md holds the results.
//
//	go run ./bench/sampling_study [-n 1024] [-seed 7] [-out results.jsonl] [-only REGEXP] [-model FILE]
//	go run ./bench/sampling_study -report results.jsonl [-plot docs/img/sampling_fid.png] > table.md
//
// The first mode appends one JSON line per setting to -out and skips the
// settings already there, so an interrupted study resumes where it
// stopped; it also records the floor at the same N (the first N MNIST
// training images scored like a model's). The second prints the Markdown
// table and draws FID against evaluations per sample.
//
// Every setting starts from the same noise (flowmatch.Noise with -seed),
// so the differences between rows come from the samplers, not from the
// draw. The images are integrated 256 at a time (SampleSettings.Batch).
// The non-uniform grids come from flowmatch.TimeGrid, and the "pilot" grid
// from flowmatch.EquidistributedGrid on the accepted step times of a
// dopri5 solve (rtol = atol = 1e-3) of 64 other noise vectors (seed
// -seed+1).
package main
