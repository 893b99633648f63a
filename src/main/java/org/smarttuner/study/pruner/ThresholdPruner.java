package org.smarttuner.study.pruner;

import java.util.Optional;
import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;

/** Prunes when the latest value is NaN, infinite, below {@code lower} or above {@code upper}. */
public final class ThresholdPruner implements Pruner {
    private final Optional<Double> lower;
    private final Optional<Double> upper;
    private final int nWarmupSteps;
    private final int intervalSteps;

    public ThresholdPruner(Optional<Double> lower, Optional<Double> upper, int nWarmupSteps, int intervalSteps) {
        if (lower.isPresent() && upper.isPresent() && !(lower.get() < upper.get())) {
            throw new StudyException("threshold pruner: lower " + lower.get() + " must be below upper "
                    + upper.get());
        }
        if (nWarmupSteps < 0 || intervalSteps < 1) {
            throw new StudyException("threshold pruner: n_warmup_steps must be >= 0 and interval_steps >= 1, got "
                    + nWarmupSteps + " and " + intervalSteps);
        }
        this.lower = lower;
        this.upper = upper;
        this.nWarmupSteps = nWarmupSteps;
        this.intervalSteps = intervalSteps;
    }

    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        if (trial.lastStep().isEmpty()) {
            return PruneDecision.keep();
        }
        int step = trial.lastStep().getAsInt();
        double v = trial.intermediateValues().get(step);
        if (!Double.isFinite(v)) {
            return PruneDecision.prune("value " + v + " at step " + step);
        }
        if (step < nWarmupSteps || !Steps.firstInInterval(step, trial.intermediateValues(), nWarmupSteps,
                intervalSteps)) {
            return PruneDecision.keep();
        }
        if (lower.isPresent() && v < lower.get()) {
            return PruneDecision.prune("value " + v + " at step " + step + " is below lower " + lower.get());
        }
        if (upper.isPresent() && v > upper.get()) {
            return PruneDecision.prune("value " + v + " at step " + step + " is above upper " + upper.get());
        }
        return PruneDecision.keep();
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        return Steps.next(currentStep, nWarmupSteps, intervalSteps);
    }

    @Override
    public String name() {
        return "threshold";
    }
}
