package org.smarttuner.study;

/** Whether the objective is minimised or maximised (stored by name, as in Optuna). */
public enum StudyDirection {
    MINIMIZE,
    MAXIMIZE;

    /** True when {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return this == MINIMIZE ? a < b : a > b;
    }

    /** The value turned so that smaller is better. */
    public double toMinimize(double v) {
        return this == MINIMIZE ? v : -v;
    }
}
