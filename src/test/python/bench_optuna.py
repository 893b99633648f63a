"""Optuna's side of `smart-tuner bench sampler`: same problems, spaces, seeds and budget.

Usage: .venv/bin/python src/test/python/bench_optuna.py --out optuna-bench.json [--seeds 20] [--trials 100]
           [--first-seed 0]
Then:  smart-tuner bench sampler --optuna optuna-bench.json [--optuna another-seed-set.json]
Each problem/sampler entry holds every seed's best value ("best") and, for problems with a right
category, whether each seed's best trial holds it ("right"); the Java side computes the medians and
bootstrap intervals of both tools the same way.
Keep the problems in step with org.smarttuner.cli.bench.BenchProblem.
"""
import argparse
import json
import math
import time
import warnings

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")

OPTIMIZERS = ["sgd", "adam", "adamw", "rmsprop"]
PENALTY = [3, 0, 1, 2]


def box(trial, d, lo, hi):
    return [trial.suggest_float("x%d" % i, lo, hi) for i in range(d)]


def sphere(d):
    return "sphere-%d" % d, lambda t: sum(v * v for v in box(t, d, -5, 5))


def rosenbrock(d):
    def f(t):
        x = box(t, d, -2, 2)
        return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(d - 1))
    return "rosenbrock-%d" % d, f


def styblinski_tang(d):
    return "styblinski-tang-%d" % d, lambda t: sum(v ** 4 - 16 * v * v + 5 * v for v in box(t, d, -5, 5)) / 2


OFF = [3.5, -4.2, 2.8, -3.1, 4.4, -2.6, 3.9, -3.7]


def sphere_off(d):
    return "sphere-off-%d" % d, lambda t: sum((v - OFF[i]) ** 2 for i, v in enumerate(box(t, d, -5, 5)))


def ellipsoid_off(d):
    def f(t):
        x = box(t, d, -5, 5)
        return sum(10 ** (3.0 * i / (d - 1)) * (v - OFF[i]) ** 2 for i, v in enumerate(x))
    return "ellipsoid-off-%d" % d, f


def mixed_space(t):
    return (t.suggest_float("x0", -5, 5), t.suggest_float("x1", -5, 5), t.suggest_int("n", -10, 10),
            t.suggest_float("lr", 1e-5, 1, log=True), t.suggest_categorical("optimizer", OPTIMIZERS))


def mixed():
    def f(t):
        x0, x1, n, lr, o = mixed_space(t)
        return x0 * x0 + x1 * x1 + 0.1 * (n - 3) ** 2 + (math.log10(lr) + 3) ** 2 + PENALTY[OPTIMIZERS.index(o)]
    return "mixed", f


OFF_PENALTY = [2, 3, 1, 0]


def mixed_off():
    def f(t):
        x0, x1, n, lr, o = mixed_space(t)
        return ((x0 - 4) ** 2 + (x1 + 3.5) ** 2 + 0.1 * (n + 8) ** 2 + (math.log10(lr) + 4.5) ** 2
                + OFF_PENALTY[OPTIMIZERS.index(o)])
    return "mixed-off", f


PROBLEMS = [sphere(5), sphere(10), rosenbrock(5), rosenbrock(10), styblinski_tang(5), styblinski_tang(10), mixed(),
            sphere_off(6), ellipsoid_off(8), mixed_off()]
RIGHT = {"mixed": "adam", "mixed-off": "rmsprop"}


def cmaes_available():
    """Optuna's CmaEsSampler needs the `cmaes` package. The local mirror lacks it; Debian's
    python3-cmaes (0.9.1) predates the lr_adapt argument Optuna passes (always False by default),
    so accept and drop that argument when it is False."""
    try:
        import cmaes
    except ImportError:
        return False
    import inspect
    if "lr_adapt" not in inspect.signature(cmaes.CMA.__init__).parameters:
        global _OldCMA
        _OldCMA = cmaes.CMA
        cmaes.CMA = CompatCMA
    return True


_OldCMA = None


class CompatCMA:
    """Stands in for cmaes.CMA (old versions): drops lr_adapt=False, delegates the rest."""

    def __new__(cls, *args, lr_adapt=False, **kwargs):
        if lr_adapt:
            raise RuntimeError("this cmaes is too old for lr_adapt=True")
        return _OldCMA(*args, **kwargs)


def sampler(name, seed):
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=False)
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    raise ValueError(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--problems", default=None, help="comma-separated names (default: all)")
    ap.add_argument("--samplers", default="random,tpe,tpe-multivariate,cmaes")
    ap.add_argument("--timing-at", default="100,1000")
    ap.add_argument("--timing-window", type=int, default=20)
    ap.add_argument("--no-timing", action="store_true")
    a = ap.parse_args()
    names = a.samplers.split(",")
    skipped = []
    if "cmaes" in names and not cmaes_available():
        names.remove("cmaes")
        skipped.append("cmaes (the cmaes package is not installed)")
        print("skipping Optuna's CmaEsSampler: the cmaes package is not installed", flush=True)
    quality = []
    chosen = a.problems.split(",") if a.problems else [p for p, _ in PROBLEMS]
    for pname, f in PROBLEMS:
        if pname not in chosen:
            continue
        for s in names:
            best = []
            right = []
            for seed in range(a.first_seed, a.first_seed + a.seeds):
                study = optuna.create_study(sampler=sampler(s, seed))
                study.optimize(f, n_trials=a.trials)
                best.append(study.best_value)
                if pname in RIGHT:
                    right.append(study.best_trial.params["optimizer"] == RIGHT[pname])
            q1, med, q3 = np.percentile(best, [25, 50, 75])
            quality.append({"problem": pname, "sampler": s, "q1": q1, "median": med, "q3": q3, "best": best,
                            "right": right if pname in RIGHT else None})
            print(pname, s, med, q1, q3, flush=True)
    timing = []
    if not a.no_timing:
        at = [int(x) for x in a.timing_at.split(",")]
        _, f = sphere(10)
        for s in names:
            study = optuna.create_study(sampler=sampler(s, 1))
            end = max(at) + a.timing_window
            wall = []
            cpu = []
            for _ in range(end):
                t0 = time.perf_counter()
                c0 = time.thread_time()
                trial = study.ask()
                x = [trial.suggest_float("x%d" % i, -5, 5) for i in range(10)]
                wall.append((time.perf_counter() - t0) * 1e3)
                cpu.append((time.thread_time() - c0) * 1e3)
                study.tell(trial, sum(v * v for v in x))
            for n in at:
                timing.append({"sampler": s, "finished_trials": n,
                               "ms_per_ask": float(np.mean(wall[n:n + a.timing_window])),
                               "cpu_ms_per_ask": float(np.mean(cpu[n:n + a.timing_window]))})
                print("timing", timing[-1], flush=True)
    with open(a.out, "w") as fh:
        json.dump({"optuna_version": optuna.__version__, "seeds": a.seeds, "first_seed": a.first_seed,
                   "trials": a.trials, "skipped": skipped,
                   "quality": quality, "timing": timing}, fh, indent=1)


if __name__ == "__main__":
    main()
