#!/usr/bin/env bash
# Runs windrose's ODE solvers and SciPy on the same problems in this one
# command and prints the comparison table (see doc.go). The two sides run
# alternately for several rounds, so that both see the same spells of load
# on a shared machine; each case keeps its fastest round.
#
# Usage, from anywhere in the repository:
#
#   bash bench/ode_vs_scipy/run.sh [-rounds 3] [-samples 5]
#
# Needs Go and Debian's /usr/bin/python3 with python3-scipy.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=3
samples=5
while [ $# -gt 0 ]; do
  case "$1" in
    -rounds) rounds=$2; shift 2 ;;
    -samples) samples=$2; shift 2 ;;
    *) echo "usage: $0 [-rounds N] [-samples N]" >&2; exit 2 ;;
  esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
go build -o "$tmp/ode_vs_scipy" ./bench/ode_vs_scipy
reports=()
for r in $(seq "$rounds"); do
  "$tmp/ode_vs_scipy" -samples "$samples" >"$tmp/windrose$r.json"
  /usr/bin/python3 bench/ode_vs_scipy/scipy_side.py --samples "$samples" >"$tmp/scipy$r.json"
  reports+=("$tmp/windrose$r.json" "$tmp/scipy$r.json")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of $samples samples per side"
echo
"$tmp/ode_vs_scipy" -table "${reports[@]}"
