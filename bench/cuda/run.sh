#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, what bench/cuda/prepare.sh
# built here (the device tool: command "bash bench/cuda/run.sh", carry
# ["bench/cuda/out"]). It needs no Go toolchain, only python3 with torch.
#
#   1. nn's tests on the cuda backend: the test body every backend runs
#      (layers against float64 references and finite differences, parity
#      with PyTorch, determinism) and the cuda backend's own; stops if they
#      fail (SKIP_TESTS=1 skips them on a rerun)
#   2. cudabench -backend cuda and torch_cuda.py: training and forward
#      throughput, and sampling 10,000 images from the shipped model
#   3. cudabench -backend cpu: sampling 1,000 images on this machine's CPU
#      cores, scaled by 10, for the GPU's speed-up
#   4. a Markdown table, printed and written to $OUT/cuda_bench.md
#
# Logs and JSON go to $OUT when set, else to bench/cuda/out. Each stage runs
# under timeout, at most 9 minutes together (the device tool allows 10).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$ROOT/bench/cuda/out
LOG=${OUT:-$BIN}
PY=${PYTHON:-python3}
mkdir -p "$LOG"
rm -f "$LOG"/{cudabench.json,cudabench_cpu.json,torch_cuda.json,cuda_bench.md} # no stale results in the table
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
now() { date +%s.%N; }
T_START=$(now)
elapsed() { awk -v a="$T_START" -v b="$(now)" 'BEGIN{printf "%.0f", b-a}'; }

# The binaries come xz-compressed (the device tool's size limit); Python's
# lzma unpacks them where xz is not installed.
for f in nn.test cudabench; do
	if [[ -e $BIN/$f.xz && ! -e $BIN/$f ]]; then
		"$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$BIN/$f.xz" "$BIN/$f"
	fi
done
for f in nn.test cudabench torch_velocitynet.py; do
	if [[ ! -e $BIN/$f ]]; then
		echo "run.sh: $BIN/$f missing: run bash bench/cuda/prepare.sh on the development machine and carry bench/cuda/out" >&2
		exit 1
	fi
done
chmod +x "$BIN"/nn.test "$BIN"/cudabench
GPU=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
echo "== $(date -u '+%F %T UTC')  GPU: ${GPU:-none found}  CPUs: $(nproc)"

# ---------------------------------------------------------------- 1. tests
if [[ ${SKIP_TESTS:-0} != 1 ]]; then
	: >"$LOG/tests.log"
	for pkg in nn; do
		echo "== [$(elapsed)s] tests of $pkg (cuda build; log $LOG/tests.log)"
		# test binaries run in their package directory, for testdata/
		(cd "$pkg" && timeout -k 10 ${TEST_TIMEOUT:-120} "$BIN/$pkg.test" -test.v -test.count=1 \
			-test.timeout "$((${TEST_TIMEOUT:-120} - 5))s") >"$TMP/$pkg.log" 2>&1
		rc=$?
		cat "$TMP/$pkg.log" >>"$LOG/tests.log"
		grep -cE '^=== RUN' "$TMP/$pkg.log" | sed "s/^/   tests run: /"
		grep -E '^--- SKIP' "$TMP/$pkg.log" | head -20 | sed 's/^/   /'
		if ((rc != 0)); then
			echo "run.sh: $pkg tests FAILED (exit $rc; 124 = timeout):"
			grep -E -A12 '^(--- FAIL|panic:|FAIL)' "$TMP/$pkg.log" | head -120
			echo "--- last lines:"
			tail -30 "$TMP/$pkg.log"
			exit 1
		fi
		tail -1 "$TMP/$pkg.log" | sed 's/^/   /'
	done
fi

# ---------------------------------------------------------------- 2. benchmarks
echo "== [$(elapsed)s] cudabench -backend cuda"
timeout -k 10 100 "$BIN/cudabench" -backend cuda -sample-n 10000 -json "$LOG/cudabench.json" || echo "run.sh: cudabench failed (exit $?)"
echo "== [$(elapsed)s] torch_cuda.py"
timeout -k 10 100 "$PY" bench/cuda/torch_cuda.py --ref-dir "$BIN" --json "$LOG/torch_cuda.json" \
	--sample-model models/mnist.safetensors || echo "run.sh: torch_cuda.py failed (exit $?)"

# ---------------------------------------------------------------- 3. sampling on the CPU
echo "== [$(elapsed)s] cudabench -backend cpu -sample-only -sample-n 1000"
timeout -k 10 120 "$BIN/cudabench" -backend cpu -sample-only -sample-n 1000 -json "$LOG/cudabench_cpu.json" ||
	echo "run.sh: cudabench on the cpu failed (exit $?)"

# ---------------------------------------------------------------- 4. table
echo "== [$(elapsed)s] table"
GPU="$GPU" LOG="$LOG" "$PY" - <<'EOF' | tee "$LOG/cuda_bench.md"
import json, os, re

log = os.environ["LOG"]


def load(name):
    try:
        with open(os.path.join(log, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


w, t, c = load("cudabench.json"), load("torch_cuda.json"), load("cudabench_cpu.json")
fmt = lambda v, d=1: "—" if v is None else f"{v:,.{d}f}"
rows = [
    ("VelocityNet training, batch 256 (img/s)", "vnet_train_b256_img_per_s"),
    ("U-Net training, batch 64 (img/s)", "unet_train_b64_img_per_s"),
    ("U-Net training, batch 256 (img/s)", "unet_train_b256_img_per_s"),
    ("VelocityNet forward, batch 256 (img-evals/s)", "vnet_fwd_b256_img_evals_per_s"),
    ("U-Net forward, batch 256 (img-evals/s)", "unet_fwd_b256_img_evals_per_s"),
]
print(f"# windrose cuda backend beside PyTorch\n")
print(f"{w.get('date') or t.get('date', '?')}; GPU: {os.environ.get('GPU') or w.get('gpu') or '?'} (name, driver); "
      f"PyTorch {t.get('torch', '?')} (CUDA {t.get('cuda', '?')}), eager float32, TF32 off "
      f"(matmul {t.get('tf32_matmul', '?')}, cudnn {t.get('tf32_cudnn', '?')}); windrose backend "
      f"{w.get('backend', '?')}, GOMAXPROCS {w.get('gomaxprocs', '?')}, {w.get('go', '?')}; "
      f"{w.get('steps', '?')} timed steps after {w.get('warmup', '?')} warm-up.\n")
print("| measure | windrose | PyTorch | windrose / PyTorch |\n| --- | ---: | ---: | ---: |")
for name, k in rows:
    a, b = w.get(k), t.get(k)
    r = f"{a / b:.2f}" if a and b else "—"
    print(f"| {name} | {fmt(a)} | {fmt(b)} | {r} |")
n_cu, cu = w.get("sample_n"), w.get("sample_wall_s")
n_cpu, cpu = c.get("sample_n"), c.get("sample_wall_s")
ts, n_t = t.get("sample_wall_s"), t.get("sample_n")
r = f"{ts / cu:.2f}" if cu and ts and n_cu == n_t else "—"
print(f"| sampling {n_t or n_cu or 0:,} images, RK4 5 steps, batch 256 (s) | {fmt(cu, 2)} | {fmt(ts, 2)} | {r} |")
print()
print("A ratio above 1 means windrose is faster (for the sampling row: PyTorch's time over windrose's). "
      "Sampling, on both sides: noise to uint8 images on the host, the model already loaded; mean grey level "
      f"windrose {w.get('sample_mean_grey', float('nan')):.3f}, PyTorch {t.get('sample_mean_grey', float('nan')):.3f}.")
if cpu and cu:
    est = cpu * n_cu / n_cpu
    print(f"\nwindrose sampling on the cpu backend ({c.get('gomaxprocs', '?')} threads): {n_cpu:,} images in {cpu:.2f} s, "
          f"scaled ×{n_cu / n_cpu:g} to {est:.1f} s for {n_cu:,}: the cuda backend samples {est / cu:.1f}× faster.")
else:
    print("\nwindrose sampling on the cpu or cuda backend did not finish; see the log above.")
EOF
echo "== [$(elapsed)s] done; results in $LOG"
