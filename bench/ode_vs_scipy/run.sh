#!/usr/bin/env bash
# Runs windrose's ODE solvers and SciPy on the same problems, one after the
# other in this one command, and prints the comparison table (see doc.go).
# Usage, from anywhere in the repository:
#
#   bash bench/ode_vs_scipy/run.sh [flags for both sides: -samples N]
#
# Needs Go and Debian's /usr/bin/python3 with python3-scipy.
set -euo pipefail
cd "$(dirname "$0")/../.."

samples=5
if [ "${1:-}" = "-samples" ] && [ -n "${2:-}" ]; then
  samples=$2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
go build -o "$tmp/ode_vs_scipy" ./bench/ode_vs_scipy
"$tmp/ode_vs_scipy" -samples "$samples" >"$tmp/windrose.json"
/usr/bin/python3 bench/ode_vs_scipy/scipy_side.py --samples "$samples" >"$tmp/scipy.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$tmp/ode_vs_scipy" -table "$tmp/windrose.json" "$tmp/scipy.json"
