package org.smarttuner.study;

/** A trial's state, named as Optuna stores it. */
public enum TrialState {
    /** Enqueued with fixed parameters; the next ask takes it. */
    WAITING,
    RUNNING,
    COMPLETE,
    PRUNED,
    FAIL;

    public boolean isFinished() {
        return this == COMPLETE || this == PRUNED || this == FAIL;
    }
}
