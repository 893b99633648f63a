"""Reference numbers from the `cmaes` library (the CMA-ES behind Optuna's CmaEsSampler) for
org.smarttuner.study.sampler.CmaEsSamplerTest.

Usage: .venv/bin/python src/test/python/cmaes_reference.py
Prints one JSON object: the recombination weights and learning rates for a few population sizes,
and runs of CMA in the unit cube as Optuna 5 sets it up (mean 0.5, sigma0 1/6, n_max_resampling
10 n), each generation with the points and values told and the state after `tell` and
`should_stop()`. Exits 3, saying why, when `cmaes` is not installed.
"""
import json
import math
import sys

try:
    import cmaes
    import numpy as np
except ImportError as e:
    print("the cmaes package is not installed in this Python (%s): %s" % (sys.executable, e))
    sys.exit(3)


def version():
    try:
        from importlib.metadata import version as dist_version
        return dist_version("cmaes")
    except Exception:
        return getattr(cmaes, "__version__", "unknown")


def rates(n, popsize):
    o = cmaes.CMA(mean=np.full(n, 0.5), sigma=1 / 6, population_size=popsize)
    return {"weights": o._weights.tolist(), "mu_eff": o._mu_eff, "c1": o._c1, "cmu": o._cmu, "cc": o._cc,
            "c_sigma": o._c_sigma, "d_sigma": o._d_sigma}


def rotated_ellipsoid(x):
    # condition 1e4, axes turned by 30 degrees in every plane pair, optimum at 0.3
    n = len(x)
    y = np.asarray(x) - 0.3
    for i in range(n - 1):
        c, s = math.cos(math.pi / 6), math.sin(math.pi / 6)
        y[i], y[i + 1] = c * y[i] - s * y[i + 1], s * y[i] + c * y[i + 1]
    return float(sum(10 ** (4 * i / max(1, n - 1)) * v * v for i, v in enumerate(y)))


PROBLEMS = {
    "ellipsoid": rotated_ellipsoid,
    "flat": lambda x: 1.0,
    # axis-parallel, condition 1e20: C's condition passes 1e14 long before cmaes stops (no-effect axis)
    "ill-conditioned": lambda x: float(sum(1e20 ** (i / (len(x) - 1)) * (v - 0.3) ** 2 for i, v in enumerate(x))),
}


def run(problem, n, popsize, generations, seed):
    f = PROBLEMS[problem]
    o = cmaes.CMA(mean=np.full(n, 0.5), sigma=1 / 6, bounds=np.array([[0.0, 1.0]] * n), seed=seed,
                  n_max_resampling=10 * n, population_size=popsize)
    out = []
    for _ in range(generations):
        xs = [o.ask() for _ in range(o.population_size)]
        values = [f(x) for x in xs]
        o.tell([(x.copy(), v) for x, v in zip(xs, values)])
        stop = bool(o.should_stop())  # also repairs C as the next ask would
        out.append({"xs": [x.tolist() for x in xs], "values": values, "mean": o._mean.tolist(),
                    "sigma": float(o._sigma), "C": o._C.tolist(), "p_sigma": o._p_sigma.tolist(),
                    "pc": o._pc.tolist(), "should_stop": stop})
    return {"problem": problem, "n": n, "popsize": popsize, "generations": out}


def main():
    print(json.dumps({
        "cmaes_version": version(),
        "rates": {"%d,%d" % (n, p): rates(n, p) for n, p in [(2, 6), (4, 10), (10, 20), (3, 7)]},
        "runs": {
            "ellipsoid": run("ellipsoid", 4, 10, 40, 1),
            "flat": run("flat", 2, 6, 30, 2),
            "ill-conditioned": run("ill-conditioned", 2, 6, 215, 1),
        },
    }))


if __name__ == "__main__":
    main()
