#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, what bench/cuda/prepare.sh
# built here (the device tool: command "bash bench/cuda/run.sh", carry
# ["bench/cuda/out"]). It needs no Go toolchain, only python3 with torch.
#
#   1. the nn and flowmatch tests on the cuda backend (stops if they fail;
#      SKIP_TESTS=1 skips them on a rerun)
#   2. cudabench -backend cuda and torch_cuda.py: training and forward
#      throughput, and PyTorch's sampling time for 10,000 images
#   3. windrose sample on cuda (10,000 images) and cpu (1,000, scaled by 10)
#   4. a Markdown table, printed and written to $OUT/cuda_bench.md
#
# Logs and JSON go to $OUT when set, else to bench/cuda/out. Each stage runs
# under timeout: at most 9 minutes together when every stage runs out its
# time (the device tool allows 10), about 3 when all goes well (an estimate).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$ROOT/bench/cuda/out
LOG=${OUT:-$BIN}
PY=${PYTHON:-python3}
mkdir -p "$LOG"
rm -f "$LOG"/{cudabench.json,torch_cuda.json,sample_cuda.txt,sample_cpu.txt,cuda_bench.md} # no stale results in the table
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
now() { date +%s.%N; }
T_START=$(now)
elapsed() { awk -v a="$T_START" -v b="$(now)" 'BEGIN{printf "%.0f", b-a}'; }

for f in nn.test flowmatch.test windrose cudabench torch_velocitynet.py; do
	if [[ ! -e $BIN/$f ]]; then
		echo "run.sh: $BIN/$f missing: run bash bench/cuda/prepare.sh on the development machine and carry bench/cuda/out" >&2
		exit 1
	fi
done
# MNIST for the tests that train on it: the copy prepare.sh laid out as a
# Go module cache (there is no Go here).
export GOMODCACHE=$BIN/gomodcache
chmod +x "$BIN"/nn.test "$BIN"/flowmatch.test "$BIN"/windrose "$BIN"/cudabench 2>/dev/null || true
GPU=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
echo "== $(date -u '+%F %T UTC')  GPU: ${GPU:-none found}  CPUs: $(nproc)"

# ---------------------------------------------------------------- 1. tests
if [[ ${SKIP_TESTS:-0} != 1 ]]; then
	: >"$LOG/tests.log"
	for pkg in nn flowmatch; do
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
timeout -k 10 75 "$BIN/cudabench" -backend cuda -json "$LOG/cudabench.json" || echo "run.sh: cudabench failed (exit $?)"
echo "== [$(elapsed)s] torch_cuda.py"
timeout -k 10 100 "$PY" bench/cuda/torch_cuda.py --ref-dir "$BIN" --json "$LOG/torch_cuda.json" \
	--sample-model models/mnist.safetensors || echo "run.sh: torch_cuda.py failed (exit $?)"

# ---------------------------------------------------------------- 3. sampling
sample() { # backend n timeout
	local t0 t1 rc
	echo "== [$(elapsed)s] time windrose sample -backend $1 -n $2 -seed 123"
	t0=$(now)
	timeout -k 10 "$3" "$BIN/windrose" sample -backend "$1" -n "$2" -seed 123 \
		-npy "$TMP/s_$1.npy" -out "$TMP/s_$1.png" >"$LOG/sample_$1.txt" 2>&1
	rc=$?
	t1=$(now)
	cat "$LOG/sample_$1.txt"
	awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN{printf "process wall %.3f s (exit %d)\n", b-a, rc}' | tee -a "$LOG/sample_$1.txt"
}
sample cuda 10000 45
sample cpu 1000 90
echo "   (the cpu backend samples 1,000 images, scaled by 10 in the table)"

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


def go_duration(s):
    unit = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)", s)
    return sum(float(v) * unit[u] for v, u in parts) if parts else None


def sample_times(backend):
    """(images, windrose's reported integration wall, the process's wall) of sample_<backend>.txt."""
    try:
        text = open(os.path.join(log, f"sample_{backend}.txt")).read()
    except OSError:
        return None, None, None
    n = re.search(r"^(\d+) samples,", text, re.M)
    m = re.search(r"wall (\S+) \(", text)
    p = re.search(r"process wall ([\d.]+) s \(exit 0\)", text)
    if not (n and m and p):
        return None, None, None
    return int(n.group(1)), go_duration(m.group(1)), float(p.group(1))


w, t = load("cudabench.json"), load("torch_cuda.json")
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
n_cu, cu, cu_proc = sample_times("cuda")
n_cpu, cpu, cpu_proc = sample_times("cpu")
ts, n_t = t.get("sample_wall_s"), t.get("sample_n")
r = f"{cu / ts:.2f}" if cu and ts and n_cu == n_t else "—"
print(f"| sampling {n_t or n_cu or '?':,} images, RK4 5 steps, batch 256 (s; lower is better) | {fmt(cu, 2)} "
      f"| {fmt(ts, 2)} | {r} |")
print()
print("Throughput rows: a ratio above 1 means windrose is faster; the sampling row is a time, so there a ratio "
      "above 1 means windrose is slower. windrose's sampling time is the integration wall that `windrose sample` "
      "reports (the process took " + (f"{cu_proc:.2f} s" if cu_proc else "?") + " in all); PyTorch's is its "
      "sampling loop, noise to uint8 images on the host, with the model already loaded.")
if cpu and cu:
    est = cpu * n_cu / n_cpu
    print(f"\nwindrose sampling on the cpu backend: {n_cpu:,} images in {cpu:.2f} s ({cpu_proc:.2f} s process wall), "
          f"scaled ×{n_cu / n_cpu:g} to {est:.1f} s for {n_cu:,}: the cuda backend samples {est / cu:.1f}× faster.")
else:
    print("\nwindrose sampling on the cpu or cuda backend did not finish; see sample_*.txt.")
EOF
echo "== [$(elapsed)s] done; results in $LOG"
