// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build !linux

package gemm

// osYield does nothing where sched_yield is not wired up.
func osYield() {}
