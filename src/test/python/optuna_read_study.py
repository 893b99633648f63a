"""Loads a study with Optuna and prints what Optuna sees, as JSON.

Usage: optuna_read_study.py STORAGE_URL STUDY_NAME
"""
import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def num(v):
    if v is None:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return repr(v)
    return v


study = optuna.load_study(study_name=sys.argv[2], storage=sys.argv[1])
out = {"direction": study.direction.name, "trials": []}
for t in study.get_trials(deepcopy=False):
    out["trials"].append({
        "number": t.number,
        "state": t.state.name,
        "params": t.params,
        "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
        "value": num(t.value),
        "intermediate_values": {str(k): num(v) for k, v in t.intermediate_values.items()},
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
    })
try:
    best = study.best_trial
    out["best"] = {"number": best.number, "value": num(best.value)}
except ValueError:
    out["best"] = None
print(json.dumps(out, allow_nan=False, default=str))
