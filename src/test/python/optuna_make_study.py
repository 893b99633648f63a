"""Optuna makes a study: 20 trials (complete, pruned, failed) over every distribution kind, then
enqueues one trial. Usage: optuna_make_study.py STORAGE_URL STUDY_NAME"""
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
study = optuna.create_study(study_name=sys.argv[2], storage=sys.argv[1], direction="minimize",
                            sampler=optuna.samplers.RandomSampler(seed=3))


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 9)
    b = trial.suggest_int("batch", 8, 64, step=8)
    opt = trial.suggest_categorical("opt", ["adam", "sgd", "adamw"])
    for step in range(3):
        trial.report(x * x + step, step)
    if trial.number % 5 == 3:
        raise optuna.TrialPruned()
    if trial.number % 7 == 6:
        raise RuntimeError("fails on purpose")
    return x * x + n + (0 if opt == "adam" else 1) + q + b / 64 + lr


study.optimize(objective, n_trials=20, catch=(RuntimeError,))
study.enqueue_trial({"x": 0.5, "lr": 0.001, "q": 0.25, "n": 2, "batch": 16, "opt": "adam"})
print(len(study.trials))
