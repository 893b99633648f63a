package org.smarttuner.tts.train;

import java.util.Locale;

/**
 * Learning rate by epoch and optimizer step: constant; step decay (times decayRate every
 * decayEpochs epochs); Noam warm-up (linear rise to the base rate at warmupSteps, then 1/sqrt decay).
 */
public record LearningRateSchedule(Kind kind, double base, double decayRate, int decayEpochs, int warmupSteps) {
    public enum Kind { CONSTANT, STEP, NOAM }

    public LearningRateSchedule {
        if (!(base > 0) || decayEpochs < 1 || warmupSteps < 1 || !(decayRate > 0)) {
            throw new IllegalArgumentException("learning-rate schedule needs rate > 0, decay rate > 0, decay epochs"
                    + " >= 1 and warm-up steps >= 1; got rate " + base + ", decay rate " + decayRate
                    + ", decay epochs " + decayEpochs + ", warm-up " + warmupSteps);
        }
    }

    public static LearningRateSchedule of(TrainingSettings t) {
        Kind kind;
        try {
            kind = Kind.valueOf(t.lrSchedule().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown lr_schedule '" + t.lrSchedule()
                    + "'; allowed: constant, step, noam", e);
        }
        return new LearningRateSchedule(kind, t.learningRate(), t.lrDecayRate(), t.lrDecayEpochs(), t.warmupSteps());
    }

    /**
     * @param epoch completed epochs before this one (0 for the first)
     * @param step the 1-based number of the optimizer step about to run
     */
    public double rate(int epoch, long step) {
        return switch (kind) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(decayRate, epoch / decayEpochs);
            case NOAM -> base * Math.min((double) step / warmupSteps, Math.sqrt((double) warmupSteps / step));
        };
    }
}
