"""Reads a study with Optuna over and over for a while; prints how many reads it made.

Usage: optuna_reader_loop.py STORAGE_URL STUDY_NAME SECONDS
"""
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
end = time.time() + float(sys.argv[3])
reads = 0
while time.time() < end:
    study = optuna.load_study(study_name=sys.argv[2], storage=sys.argv[1])
    trials = study.get_trials(deepcopy=False)
    numbers = [t.number for t in trials]
    assert numbers == list(range(len(numbers))), "numbers not 0..n-1: %s" % numbers[:20]
    reads += 1
    time.sleep(0.2)
print(reads)
