// Copyright ©2026 The windrose Authors. All rights reserved.

//go:build linux

package gemm

import "syscall"

// osYield offers the CPU to any other runnable thread on it
// (sched_yield(2)) and returns at once when there is none. A polling helper
// calls it so that, on a loaded machine, its polling does not take time
// from threads with work to do, the caller's included; OpenBLAS's threads
// poll the same way (its YIELDING macro).
func osYield() {
	syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
}
