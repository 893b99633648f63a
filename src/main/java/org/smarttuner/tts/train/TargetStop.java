package org.smarttuner.tts.train;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * A study's {@code target_value} as the trainer applies it: after each epoch's validation, a segment
 * ends once the epoch's {@code metric} reaches {@code target} (at or below it when minimizing, at or
 * above it when maximizing). Only finite values count, so a NaN never "reaches" anything.
 *
 * <p>The metric names are the study's ({@code study.metric}); this type lives here rather than
 * beside the study because the trainer must not depend on the Spark or study packages.
 */
public record TargetStop(String metric, boolean maximize, double target) implements Serializable {
    private static final long serialVersionUID = 1L;

    public TargetStop {
        Objects.requireNonNull(metric, "metric");
        if (!EpochMetrics.STUDY_METRICS.contains(metric)) {
            throw new IllegalArgumentException("unknown study metric '" + metric + "' for a target (allowed: "
                    + String.join(", ", EpochMetrics.STUDY_METRICS) + ")");
        }
        if (!Double.isFinite(target)) {
            throw new IllegalArgumentException("a target value must be a finite number, got " + target);
        }
    }

    /** A rule from the study's settings: direction is "minimize" or "maximize". */
    public static TargetStop of(String metric, String direction, double target) {
        return switch (direction) {
            case "minimize" -> new TargetStop(metric, false, target);
            case "maximize" -> new TargetStop(metric, true, target);
            default -> throw new IllegalArgumentException("direction must be minimize or maximize, got '" + direction
                    + "'");
        };
    }

    /** The epoch's value of this rule's metric. */
    public double value(EpochMetrics e) {
        return e.metric(metric);
    }

    /** Whether {@code value} reaches the target (finite and at least as good). */
    public boolean reachedBy(double value) {
        return Double.isFinite(value) && (maximize ? value >= target : value <= target);
    }

    public boolean reachedBy(EpochMetrics e) {
        return reachedBy(value(e));
    }

    /** For logs: "val_loss <= 5.5". */
    public String describe() {
        return String.format(Locale.ROOT, "%s %s %s", metric, maximize ? ">=" : "<=", target);
    }
}
