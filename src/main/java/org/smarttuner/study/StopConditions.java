package org.smarttuner.study;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** When a study stops asking for new trials; every part is optional. */
public record StopConditions(OptionalInt nTrials, Optional<Duration> timeout, Optional<Double> targetValue,
                             OptionalInt maxConsecutiveFailures) {

    public StopConditions {
        nTrials = nTrials == null ? OptionalInt.empty() : nTrials;
        timeout = timeout == null ? Optional.empty() : timeout;
        targetValue = targetValue == null ? Optional.empty() : targetValue;
        maxConsecutiveFailures = maxConsecutiveFailures == null ? OptionalInt.empty() : maxConsecutiveFailures;
        if (nTrials.isPresent() && nTrials.getAsInt() < 1) {
            throw new StudyException("n_trials must be >= 1, got " + nTrials.getAsInt());
        }
        if (maxConsecutiveFailures.isPresent() && maxConsecutiveFailures.getAsInt() < 1) {
            throw new StudyException("max consecutive failures must be >= 1, got "
                    + maxConsecutiveFailures.getAsInt());
        }
        if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
            throw new StudyException("timeout must be positive, got " + timeout.get());
        }
    }

    public static StopConditions none() {
        return new StopConditions(OptionalInt.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    public static StopConditions trials(int n) {
        return new StopConditions(OptionalInt.of(n), Optional.empty(), Optional.empty(), OptionalInt.empty());
    }
}
