#!/usr/bin/python3
"""Generate testdata/scipy/rk45.json: SciPy's solve_ivp(method="RK45") on the
problems that windrose's solvers_test compares its DOPRI5 against.

Run from the repository root with Debian's interpreter (python3-scipy):

    /usr/bin/python3 testdata/scipy/gen.py

It overwrites testdata/scipy/rk45.json. `go test` never runs this script; it
only reads the JSON it produced. The right-hand sides and the exact solutions
below are written independently of the Go code in package field, so the Go
test cross-checks both.

For every case the JSON records SciPy's work counters (nfev, njev, nlu),
the number of accepted steps (len(sol.t) - 1), the number of rejected steps
(derived from nfev, see rejected_steps), the final state, the exact (or
reference) final state and the final error, defined as the largest absolute
component of x_final - x_exact (the max norm).

It also writes testdata/scipy/fields.json: the right-hand side of every
problem of package field's catalogue at a few sample points, and the exact
solutions (closed form, or scipy.linalg.expm for the linear system) at a few
times, all computed here in NumPy, so that field's tests compare its Go
formulas against an independent implementation. Before writing anything it
checks the tutorial's closed form symbolically with SymPy.
"""

import json
import math
import os
import platform
import sys

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.linalg import expm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rk45.json")
FIELDS_OUT = os.path.join(HERE, "fields.json")

TOLERANCES = [(1e-6, 1e-9), (1e-10, 1e-12)]

# Tutorial: dx/dt = (x + t^2 - 2)/(t + 1), x(0) = 2 on [0, 5].
# The ODE is linear, x' - x/(t+1) = (t^2-2)/(t+1); with the integrating
# factor 1/(t+1) and u = t+1, (x/u)' = 1 - 2/u - 1/u^2, so
# x = u^2 - 2 u ln(u) + 1 + C u and x(0) = 2 gives C = 0.


def tutorial(t, x):
    return [(x[0] + t * t - 2.0) / (t + 1.0)]


def tutorial_exact(t):
    u = t + 1.0
    return [u * u - 2.0 * u * math.log(u) + 1.0]


# Arenstorf orbit: restricted three-body problem, Hairer, Norsett & Wanner,
# Solving ODEs I, 2nd ed., Section II.0: the equations, the periodic initial
# values and the period T, given to 30 digits there.
ARENSTORF_MU = 0.012277471
ARENSTORF_T = 17.0652165601579625588917206249
ARENSTORF_X0 = [0.994, 0.0, 0.0, -2.00158510637908252240537862224]


def arenstorf(t, y):
    mu = ARENSTORF_MU
    mup = 1.0 - mu
    y1, y2, v1, v2 = y
    d1 = ((y1 + mu) ** 2 + y2 ** 2) ** 1.5
    d2 = ((y1 - mup) ** 2 + y2 ** 2) ** 1.5
    return [
        v1,
        v2,
        y1 + 2.0 * v2 - mup * (y1 + mu) / d1 - mu * (y1 - mup) / d2,
        y2 - 2.0 * v1 - mup * y2 / d1 - mu * y2 / d2,
    ]


# Lorenz (1963): sigma = 10, rho = 28, beta = 8/3.
def lorenz(t, y):
    x, yy, z = y
    return [10.0 * (yy - x), x * (28.0 - z) - yy, x * yy - 8.0 / 3.0 * z]


LORENZ_T1 = 20.0
LORENZ_X0 = [1.0, 1.0, 1.0]
# Reference for Lorenz at t = 20: DOP853 (8th order) at rtol = atol = 1e-13.
# Its own uncertainty is estimated by the distance to DOP853 at
# rtol = atol = 1e-12 and recorded as reference_uncertainty.
REF_RTOL = 1e-13
REF_ATOL = 1e-13


def lorenz_reference(rtol, atol):
    sol = solve_ivp(lorenz, (0.0, LORENZ_T1), LORENZ_X0, method="DOP853",
                    rtol=rtol, atol=atol)
    assert sol.success, sol.message
    return sol.y[:, -1]


def rejected_steps(nfev, accepted):
    # SciPy's RK45 (scipy/integrate/_ivp/rk.py) evaluates f once at t0 in
    # RungeKutta.__init__, once more inside select_initial_step, and then 6
    # times per attempted step (stages 2..6 plus f(t+h, y_new), which is the
    # FSAL first stage of the next step). Hence nfev = 2 + 6 (acc + rej).
    attempts, rem = divmod(nfev - 2, 6)
    assert rem == 0, (nfev, accepted)
    return attempts - accepted


def run(name, fun, t1, x0, exact, exact_kind, extra=None):
    cases = []
    for rtol, atol in TOLERANCES:
        sol = solve_ivp(fun, (0.0, t1), x0, method="RK45", rtol=rtol, atol=atol)
        assert sol.success, sol.message
        xf = sol.y[:, -1]
        accepted = len(sol.t) - 1
        err = float(np.max(np.abs(xf - np.asarray(exact))))
        case = {
            "problem": name,
            "t0": 0.0,
            "t1": float(t1),
            "x0": [float(v) for v in x0],
            "rtol": rtol,
            "atol": atol,
            "nfev": int(sol.nfev),
            "njev": int(sol.njev),
            "nlu": int(sol.nlu),
            "accepted": accepted,
            "rejected": rejected_steps(int(sol.nfev), accepted),
            "first_step": float(sol.t[1] - sol.t[0]),
            "x_final": [float(v) for v in xf],
            "x_exact": [float(v) for v in exact],
            "exact_kind": exact_kind,
            "error": err,
        }
        if extra:
            case.update(extra)
        cases.append(case)
    return cases


# ---------------------------------------------------------------------------
# fields.json: independent values of every catalogue field and exact solution.

def check_tutorial_symbolically():
    """Verify x(t) = (t+1)^2 - 2(t+1)ln(t+1) + 1 + C(t+1) solves the tutorial
    ODE for every C, and that C = 0 gives x(0) = 2."""
    import sympy  # here, so that bench/ode_vs_scipy can import the fields without SymPy

    t, c = sympy.symbols("t C", real=True)
    u = t + 1
    x = u ** 2 - 2 * u * sympy.log(u) + 1 + c * u
    residual = sympy.diff(x, t) - (x + t ** 2 - 2) / (t + 1)
    assert sympy.simplify(residual) == 0, residual
    assert sympy.simplify(x.subs({c: 0, t: 0}) - 2) == 0
    # And sympy's own solution of the initial-value problem agrees.
    f = sympy.Function("x")
    sol = sympy.dsolve(sympy.Eq(f(t).diff(t), (f(t) + t ** 2 - 2) / (t + 1)),
                       f(t), ics={f(0): 2})
    assert sympy.simplify(sol.rhs - x.subs(c, 0)) == 0, sol


def tutorial_exact_general(t, t0, x0):
    u0 = t0 + 1.0
    c = x0 / u0 - u0 + 2.0 * math.log(u0) - 1.0 / u0
    u = t + 1.0
    return u * u - 2.0 * u * math.log(u) + 1.0 + c * u


LINEAR_A = np.array([[-0.1, -2.0, 0.0], [2.0, -0.1, 0.0], [0.5, 0.0, -1.0]])


def vanderpol(mu):
    return lambda t, y: [y[1], mu * (1.0 - y[0] ** 2) * y[1] - y[0]]


def oscillator(w):
    return lambda t, y: [y[1], -w * w * y[0]]


def oscillator_exact(w, t, t0, x0):
    tau = t - t0
    return [x0[0] * math.cos(w * tau) + x0[1] * math.sin(w * tau) / w,
            -x0[0] * w * math.sin(w * tau) + x0[1] * math.cos(w * tau)]


def fields_doc():
    import sympy

    rng = np.random.default_rng(20240601)
    samples = []

    def add(name, params, fun, dim, tlo, thi, scale):
        for _ in range(3):
            t = float(rng.uniform(tlo, thi))
            x = [float(v) for v in rng.uniform(-scale, scale, dim)]
            samples.append({"field": name, "params": params, "t": t, "x": x,
                            "f": [float(v) for v in fun(t, x)]})

    add("tutorial", {}, lambda t, x: [(x[0] + t * t - 2.0) / (t + 1.0)], 1, 0, 5, 20)
    add("decay", {"rate": 1.5}, lambda t, x: [-1.5 * x[0], -1.5 * x[1]], 2, 0, 2, 2)
    add("linear", {}, lambda t, x: list(LINEAR_A @ np.array(x)), 3, 0, 5, 2)
    add("oscillator", {"omega": 2.0}, oscillator(2.0), 2, 0, 10, 2)
    add("lorenz", {}, lorenz, 3, 0, 20, 20)
    add("arenstorf", {}, arenstorf, 4, 0, ARENSTORF_T, 1.5)
    add("vanderpol", {"mu": 1.0}, vanderpol(1.0), 2, 0, 20, 3)

    exact = []
    for t0, x0, ts in [(0.0, 2.0, [0.5, 2.0, 5.0]), (1.0, -3.0, [0.25, 4.0])]:
        for t in ts:
            exact.append({"field": "tutorial", "params": {}, "t0": t0, "x0": [x0],
                          "t": t, "x": [tutorial_exact_general(t, t0, x0)]})
    for t in [0.5, 2.0]:
        exact.append({"field": "decay", "params": {"rate": 1.5}, "t0": 0.5,
                      "x0": [1.0, -2.0], "t": t,
                      "x": [math.exp(-1.5 * (t - 0.5)) * v for v in (1.0, -2.0)]})
    for t in [1.0, 5.0]:
        x0 = np.array([1.0, 0.0, 1.0])
        exact.append({"field": "linear", "params": {}, "t0": 0.0,
                      "x0": list(x0), "t": t,
                      "x": [float(v) for v in expm(t * LINEAR_A) @ x0]})
    for t in [1.0, 10.0]:
        exact.append({"field": "oscillator", "params": {"omega": 2.0}, "t0": 0.5,
                      "x0": [1.0, -0.5], "t": t,
                      "x": oscillator_exact(2.0, t, 0.5, [1.0, -0.5])})
    return {
        "generator": "testdata/scipy/gen.py",
        "scipy_version": scipy.__version__,
        "numpy_version": np.__version__,
        "sympy_version": sympy.__version__,
        "linear_A": LINEAR_A.tolist(),
        "samples": samples,
        "exact": exact,
    }


def main():
    check_tutorial_symbolically()
    with open(FIELDS_OUT, "w") as f:
        json.dump(fields_doc(), f, indent=1)
        f.write("\n")
    cases = []
    cases += run("tutorial", tutorial, 5.0, [2.0], tutorial_exact(5.0),
                 "closed form x(t) = (t+1)^2 - 2(t+1)ln(t+1) + 1")
    cases += run("arenstorf", arenstorf, ARENSTORF_T, ARENSTORF_X0,
                 ARENSTORF_X0,
                 "periodic orbit: x(T) = x(0) (HNW I, II.0)")
    ref = lorenz_reference(REF_RTOL, REF_ATOL)
    ref_loose = lorenz_reference(1e-12, 1e-12)
    unc = float(np.max(np.abs(ref - ref_loose)))
    cases += run("lorenz", lorenz, LORENZ_T1, LORENZ_X0, ref,
                 "reference: solve_ivp DOP853 rtol=atol=1e-13",
                 {"reference_uncertainty": unc})
    doc = {
        "generator": "testdata/scipy/gen.py",
        "command": "/usr/bin/python3 testdata/scipy/gen.py",
        "scipy_version": scipy.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "method": "RK45",
        "error_measure": "max over components of |x_final - x_exact|",
        "rejected_measure": "(nfev - 2)/6 - accepted (see rejected_steps in gen.py)",
        "reference_uncertainty_measure":
            "max-abs distance between DOP853 at rtol=atol=1e-13 and at 1e-12",
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    for c in cases:
        print("%-10s rtol=%g atol=%g nfev=%d accepted=%d rejected=%d error=%.3g"
              % (c["problem"], c["rtol"], c["atol"], c["nfev"], c["accepted"],
                 c["rejected"], c["error"]), file=sys.stderr)


if __name__ == "__main__":
    main()
