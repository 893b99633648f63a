"""Prints Optuna's Hyperband bracket count for each (min_resource, max_resource, reduction_factor)
read from stdin (one triple a line), as "min max eta n_brackets budgets...".
"""
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
study = optuna.create_study()
for line in sys.stdin:
    if not line.strip():
        continue
    lo, hi, eta = (int(x) for x in line.split())
    pruner = optuna.pruners.HyperbandPruner(min_resource=lo, max_resource=hi, reduction_factor=eta)
    pruner._try_initialization(study)
    print(lo, hi, eta, pruner._n_brackets, *pruner._trial_allocation_budgets)
