"""Prints Optuna's Hyperband bracket id for trials 0..n-1 of a study, one per line.

Usage: hyperband_brackets.py STUDY_NAME N MIN_RESOURCE MAX_RESOURCE REDUCTION_FACTOR
"""
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
name, n, lo, hi, eta = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
pruner = optuna.pruners.HyperbandPruner(min_resource=lo, max_resource=hi, reduction_factor=eta)
study = optuna.create_study(study_name=name, pruner=pruner)
pruner._try_initialization(study)
print("budgets", " ".join(str(b) for b in pruner._trial_allocation_budgets))
for number in range(n):
    trial = optuna.trial.create_trial(value=0.0)
    trial.number = number
    print(pruner._get_bracket_id(study, trial))
