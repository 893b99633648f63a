package org.smarttuner.tracking;

import java.util.OptionalInt;

/** Which run of the study an entry belongs to: the parent, or a trial's nested run. */
record RunKey(int trial) {
    static final RunKey PARENT = new RunKey(-1);

    static RunKey trial(int number) {
        if (number < 0) {
            throw new IllegalArgumentException("trial number must be >= 0, got " + number);
        }
        return new RunKey(number);
    }

    boolean isParent() {
        return trial < 0;
    }

    OptionalInt trialNumber() {
        return isParent() ? OptionalInt.empty() : OptionalInt.of(trial);
    }

    @Override
    public String toString() {
        return isParent() ? "study run" : "trial " + trial;
    }
}
