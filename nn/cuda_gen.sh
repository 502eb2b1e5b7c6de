#!/usr/bin/env bash
# Regenerates cuda_kernels.ptx from cuda_kernels.cu (go generate runs it in
# nn/, through the go:generate line of backend_cuda.go). PTX for compute_80
# is JIT-compiled by the driver for sm_80 and newer GPUs (an H100 or H200 is
# sm_90). The first line records the SHA-256 of the source, which
# TestCUDAKernelsPTXCurrent compares in every build, so that a kernel edited
# without regenerating fails the tests even where there is no nvcc.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
nvcc -ptx -arch=compute_80 -O3 -o "$tmp" cuda_kernels.cu
{
	echo "// sha256 of cuda_kernels.cu: $(sha256sum cuda_kernels.cu | cut -d' ' -f1)"
	cat "$tmp"
} >cuda_kernels.ptx
