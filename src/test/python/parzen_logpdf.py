"""Optuna's own TPE Parzen estimator, for comparing ours with it.

Reads JSON on stdin: {"space": {name: distribution json}, "observations": {name: [internal values]},
"points": {name: [internal values]}} and prints JSON {"log_pdf": [...]} of the points under the
estimator Optuna 5's TPESampler builds from those observations with its default settings.
"""
import json
import sys

import numpy as np
from optuna.distributions import json_to_distribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

spec = json.load(sys.stdin)
space = {k: json_to_distribution(json.dumps(v)) for k, v in spec["space"].items()}
params = _ParzenEstimatorParameters(
    prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False, weights=default_weights,
    multivariate=spec.get("multivariate", True),
)
obs = {k: np.asarray(v, dtype=float) for k, v in spec["observations"].items()}
pe = _ParzenEstimator(obs, space, params)
points = {k: np.asarray(v, dtype=float) for k, v in spec["points"].items()}
print(json.dumps({"log_pdf": [float(x) for x in pe.log_pdf(points)]}))
