//go:build cuda

// Package cudaprobe stops a program built with -tags cuda early, with a
// message that says why, on a machine where the CUDA driver does not start.
//
// The cuda backend of package nn goes through gorgonia.org/cu, whose package
// initialisation calls the driver's cuInit and exits the process with status
// 1 when that fails, before main or any test runs, with a message that
// names neither the program nor a remedy. The Go specification initialises,
// among the packages whose imports are ready, the one whose import path
// sorts first, so this package ("github.com/…") runs before gorgonia.org/cu
// ("gorgonia.org/…"). It calls cuInit itself (the driver allows repeated
// calls) and, when that fails, stops the program first: a test binary
// reports its tests as skipped, with the reason, and exits 0; any other
// program exits 1 with the reason and the remedy.
package cudaprobe

// #cgo LDFLAGS: -lcuda
// #include <cuda.h>
//
// static const char *errname(CUresult r) {
// 	const char *s = 0;
// 	if (cuGetErrorName(r, &s) != CUDA_SUCCESS || s == 0) return "unknown CUDA error";
// 	return s;
// }
import "C"

import (
	"fmt"
	"os"
	"testing"
)

// initErr is the driver's answer to cuInit at start-up: "" when it started.
var initErr = probe()

func probe() string {
	if r := C.cuInit(0); r != C.CUDA_SUCCESS {
		return C.GoString(C.errname(r))
	}
	return ""
}

func init() {
	if initErr == "" {
		return
	}
	why := fmt.Sprintf("the CUDA driver did not start (cuInit: %s): no usable NVIDIA GPU here, and gorgonia.org/cu exits at start without one", initErr)
	if testing.Testing() {
		fmt.Printf("--- SKIP: every test of this -tags cuda build: %s\nPASS\n", why)
		os.Exit(0)
	}
	fmt.Fprintf(os.Stderr, "%s: built with -tags cuda, which needs an NVIDIA GPU: %s; build without -tags cuda to run on the CPU\n", os.Args[0], why)
	os.Exit(1)
}
