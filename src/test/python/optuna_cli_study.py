"""Writes, with Optuna's own API, the study file that OptunaCliComparisonTest reads through both CLIs.

Usage: optuna_cli_study.py STORAGE_URL

Study "s" (minimize) has trials in every state, every kind of parameter, user attributes with
awkward values, durations with and without microseconds and over a day, and two trials tied for
the best value; study "unfinished" (maximize) has no complete trial; "empty" has no trials.
"""
import datetime
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.ERROR)
url = sys.argv[1]

space = {
    "x": FloatDistribution(-2.0, 2.0),
    "lr": FloatDistribution(1e-6, 1e-1, log=True),
    "drop": FloatDistribution(0.0, 1.0, step=0.25),
    "n": IntDistribution(1, 8),
    "act": CategoricalDistribution([None, True, 2, 2.5, "relu"]),
}
t0 = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123)


def add(study, state, params, value=None, user_attrs=None, system_attrs=None, start=0.0, seconds=None):
    trial = create_trial(state=state, value=value, params=params,
                         distributions={k: space[k] for k in params}, user_attrs=user_attrs or {},
                         system_attrs=system_attrs or {})
    trial.datetime_start = None if start is None else t0 + datetime.timedelta(seconds=start)
    trial.datetime_complete = None if seconds is None else trial.datetime_start + datetime.timedelta(seconds=seconds)
    study.add_trial(trial)


s = optuna.create_study(storage=url, study_name="s", direction="minimize")
add(s, TrialState.COMPLETE, {"x": 0.5, "lr": 1e-05, "drop": 0.25, "n": 3, "act": "relu"}, 0.25,
    {"note": 'say "hi"', "tags": [1, 2.5, "x", None, True], "yes": "yes"}, seconds=1.234567)
add(s, TrialState.COMPLETE, {"x": -1.5, "lr": 0.001, "drop": 1.0, "n": 8, "act": None}, 0.25,
    {"when": "2026-01-01 00:00:00", "d": {"b": 1, "a": "0:00:01.5"}}, start=3, seconds=2)
add(s, TrialState.COMPLETE, {"x": 1e-07, "n": 1, "act": True}, 1e20, start=5, seconds=93784.000005)
add(s, TrialState.PRUNED, {"x": 1.25, "act": 2}, None, start=7, seconds=0.5)
add(s, TrialState.FAIL, {"x": -0.75, "act": 2.5}, None, {"why": "it's\nbroken"}, start=9, seconds=0.25)
add(s, TrialState.RUNNING, {"x": 0.125}, None, start=11)
s.enqueue_trial({"x": 1.0})
s.set_user_attr("owner", "tts team")

u = optuna.create_study(storage=url, study_name="unfinished", direction="maximize")
add(u, TrialState.PRUNED, {"x": 0.5}, None, start=20, seconds=1)
add(u, TrialState.RUNNING, {"x": -0.5}, None, start=21)

optuna.create_study(storage=url, study_name="empty", direction="maximize")
