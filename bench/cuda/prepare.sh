#!/usr/bin/env bash
# Builds, on the development machine (which has Go), what bench/cuda/run.sh
# runs on the GPU machine (which has none), into bench/cuda/out/ (git-ignored):
#
#   nn.test.xz                nn's tests built with -tags cuda (the one test
#                             body of every backend), xz-compressed
#   cudabench.xz              bench/cuda with -tags cuda, xz-compressed
#   torch_velocitynet.py      the PyTorch reference network ($REF_PY, default
#                             ../shared/bench/torch_velocitynet.py), with the
#                             mnist_idx.py beside it that it imports
#
# The device tool carries the whole working tree and the carried folder, 64
# MiB together, and the tree (the shipped model, the training checkpoint,
# the budget models) takes most of it: hence compressed binaries, no windrose
# binary (cudabench samples the shipped model through the library, reading
# it from the tree, as `windrose sample` does) and no MNIST files.
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
rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
# -s -w drops the symbol table and DWARF (panics still name functions and
# lines).
LDFLAGS="-s -w"
step() {
	echo "+ $*"
	"$@"
}
step go test -c -tags cuda -ldflags="$LDFLAGS" -o "$OUTDIR/nn.test" ./nn
step go build -tags cuda -ldflags="$LDFLAGS" -o "$OUTDIR/cudabench" ./bench/cuda
step xz -9 -T1 "$OUTDIR/nn.test" "$OUTDIR/cudabench"
step install -m 0644 "$REF_PY" "$OUTDIR/torch_velocitynet.py"
if [[ -f $(dirname "$REF_PY")/mnist_idx.py ]]; then
	step install -m 0644 "$(dirname "$REF_PY")/mnist_idx.py" "$OUTDIR/mnist_idx.py"
fi
ls -l "$OUTDIR"
carry=$(du -sb "$OUTDIR" | cut -f1)
tree=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
total=$((carry + tree))
echo "bench/cuda/out: $carry bytes; working tree: $tree bytes; together $total of the 67108864 (64 MiB) the device tool carries"
if ((total > 67108864)); then
	echo "prepare.sh: too large for the device tool" >&2
	exit 1
fi
echo "ready: run 'bash bench/cuda/run.sh' on the GPU machine with carry [\"bench/cuda/out\"]"
