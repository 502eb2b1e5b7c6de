#!/usr/bin/python3
"""The SciPy side of bench/ode_vs_scipy: times SciPy's solve_ivp (RK45, which
is Dormand-Prince 5(4)) and a hand-written NumPy RK4 loop on the cases of
cases.go, and prints one JSON document on stdout.

Run it with Debian's interpreter (python3-scipy), normally through run.sh:

    /usr/bin/python3 bench/ode_vs_scipy/scipy_side.py [--samples 5] [--sample-time 0.05]

Timing policy, the same as the Go side (doc.go, "Timing"): per case one
warm-up call, then the number n of calls per sample is doubled until a sample
lasts at least --sample-time seconds (that sample counts as the first); the
other samples are taken round-robin over the cases, and the fastest sample
divided by n is reported (the minimum is the least disturbed by the other
work on a shared machine). Counts, errors and final states come from the
warm-up call.

The right-hand sides below are written here in NumPy/Python, independently
of package field; the exact solutions are the closed forms (tutorial,
decay) or the known return of the Arenstorf orbit to its initial value.
"""

import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp

# The tutorial's, Arenstorf's and Lorenz's fields are the ones the golden data
# of testdata/scipy were made with: one definition, imported from there.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "scipy"))
from gen import ARENSTORF_T, ARENSTORF_X0, arenstorf, lorenz, tutorial, tutorial_exact  # noqa: E402


# Linear decay x' = -x in DECAY_DIM components from x(0) = 1 on [0, 1].
DECAY_DIM = 100_000


def decay(t, x):
    return -x


def numpy_rk4(f, x0, t0, t1, n):
    """Classical RK4 with n uniform steps, written as NumPy users write it."""
    h = (t1 - t0) / n
    x = x0.copy()
    for i in range(n):
        t = t0 + (t1 - t0) * i / n
        k1 = f(t, x)
        k2 = f(t + h / 2, x + h / 2 * k1)
        k3 = f(t + h / 2, x + h / 2 * k2)
        k4 = f(t + h, x + h * k3)
        x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


TOLERANCES = [(1e-6, 1e-9), (1e-10, 1e-12)]
HEAD = 8  # components of the final state recorded (all, for the small problems)


def rk45_case(name, fun, t1, x0, exact, rtol, atol):
    def call():
        sol = solve_ivp(fun, (0.0, t1), x0, method="RK45", rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError(f"{name}: {sol.message}")
        return sol

    def summary(sol):
        xf = sol.y[:, -1]
        # SciPy's RK45 evaluates f once at t0, once in select_initial_step
        # and 6 times per attempted step (scipy/integrate/_ivp/rk.py), so
        # the attempts are (nfev - 2)/6; accepted = len(sol.t) - 1.
        accepted = len(sol.t) - 1
        return {
            "nfev": int(sol.nfev),
            "accepted": accepted,
            "rejected": (int(sol.nfev) - 2) // 6 - accepted,
            "error": None if exact is None else float(np.max(np.abs(xf - np.asarray(exact)))),
            "x_head": [float(v) for v in xf[:HEAD]],
        }

    return {"name": name, "method": "scipy RK45", "call": call, "summary": summary}


def rk4_case(name, n):
    x0 = np.ones(DECAY_DIM)

    def call():
        return numpy_rk4(decay, x0, 0.0, 1.0, n)

    def summary(x):
        return {
            "nfev": 4 * n,
            "accepted": n,
            "rejected": 0,
            "error": float(np.max(np.abs(x - math.exp(-1.0)))),
            "x_head": [float(v) for v in x[:HEAD]],
        }

    return {"name": name, "method": "numpy hand-written RK4", "call": call, "summary": summary}


def cases():
    cs = []
    for rtol, atol in TOLERANCES:
        tag = f"rtol={rtol:g} atol={atol:g}"
        cs.append(rk45_case("tutorial " + tag, tutorial, 5.0, [2.0], tutorial_exact(5.0), rtol, atol))
        cs.append(rk45_case("arenstorf " + tag, arenstorf, ARENSTORF_T, ARENSTORF_X0, ARENSTORF_X0, rtol, atol))
        cs.append(rk45_case("lorenz " + tag, lorenz, 20.0, [1.0, 1.0, 1.0], None, rtol, atol))
    cs.append(rk45_case("decay100k rtol=1e-10 atol=1e-10", decay, 1.0, np.ones(DECAY_DIM),
                        np.full(DECAY_DIM, math.exp(-1.0)), 1e-10, 1e-10))
    cs.append(rk4_case("decay100k rk4 1000 steps", 1000))
    return cs


def time_calls(call, n):
    start = time.perf_counter()
    for _ in range(n):
        call()
    return time.perf_counter() - start


def calibrate(call, sample_time):
    """One warm-up call, then double n until n calls last sample_time.
    Returns n, the duration of that batch (the first sample) and the
    warm-up call's result."""
    result = call()
    n = 1
    while True:
        elapsed = time_calls(call, n)
        if elapsed >= sample_time:
            return n, elapsed, result
        n *= 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=5, help="timed samples per case; the fastest is kept")
    ap.add_argument("--sample-time", type=float, default=0.05, help="minimum seconds per sample")
    ap.add_argument("--only", default="", help="run only the cases whose name contains this string")
    ap.add_argument("--list", action="store_true", help="print the case names, one a line, and exit")
    args = ap.parse_args()
    if args.list:
        for c in cases():
            print(c["name"])
        return

    todo = []
    for c in cases():
        if args.only in c["name"]:
            n, best, result = calibrate(c["call"], args.sample_time)
            todo.append([c, n, best, result])
    # The other samples round-robin over the cases, as on the Go side.
    for _ in range(args.samples - 1):
        for t in todo:
            t[2] = min(t[2], time_calls(t[0]["call"], t[1]))
    out = []
    for c, n, best, result in todo:
        m = {"name": c["name"], "method": c["method"], "seconds": best / n,
             "samples": args.samples, "calls_per_sample": n}
        m.update(c["summary"](result))
        out.append(m)
        print(f"scipy side: {c['name']} ({c['method']}): {best / n * 1e3:.4g} ms", file=sys.stderr)
    json.dump({
        "side": "scipy",
        "versions": f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}",
        "cases": out,
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
