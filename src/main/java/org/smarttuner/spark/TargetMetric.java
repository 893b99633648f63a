package org.smarttuner.spark;

import java.util.Locale;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.tts.train.EpochMetrics;

/**
 * A study metric as a target to time: its {@code trial_metrics} column, which way is better, and
 * the values it can take, so that a target it can never reach (a stop rate of 1.5) is refused
 * before a benchmark runs for nothing.
 *
 * @param low  the smallest value the metric takes
 * @param high the largest ({@code +Infinity} for losses and MCD)
 */
public record TargetMetric(String name, boolean largerIsBetter, double low, double high) {

    /** @throws IllegalArgumentException for a name that is not a study metric, naming the allowed ones */
    public static TargetMetric of(String name) {
        if (!EpochMetrics.STUDY_METRICS.contains(name)) {
            throw new IllegalArgumentException("unknown metric '" + name + "' (allowed: "
                    + String.join(", ", EpochMetrics.STUDY_METRICS) + ")");
        }
        // Shares and scores live in [0, 1]: stop error is clamped at 1, the stop rate is a share of
        // utterances, attention walk and sharpness are products and means of shares. Losses and MCD
        // are non-negative and unbounded above.
        boolean share = switch (name) {
            case "attention_sharpness", "val_stop_error", "val_stop_rate", "val_attention" -> true;
            default -> false;
        };
        return new TargetMetric(name, EpochMetrics.largerIsBetter(name), 0, share ? 1 : Double.POSITIVE_INFINITY);
    }

    /** The study direction that optimises it. */
    public String direction() {
        return largerIsBetter ? "maximize" : "minimize";
    }

    /** This epoch's value; null when the epoch did not measure it (free-running metrics between validations). */
    public Double value(MetricRow r) {
        return r.metric(name);
    }

    /** Whether {@code value} is at the target or past it in the better direction. */
    public boolean reaches(double value, double target) {
        return largerIsBetter ? value >= target : value <= target;
    }

    /** The better of two values. */
    public double better(double a, double b) {
        return largerIsBetter ? Math.max(a, b) : Math.min(a, b);
    }

    /** The comparison a target means, for headings: "val_loss <= 5.5", "val_attention >= 0.8". */
    public String describe(double target) {
        return name + (largerIsBetter ? " >= " : " <= ") + target;
    }

    /** @throws IllegalArgumentException for a target that is not finite or outside the metric's values */
    public void checkTarget(double target) {
        if (!Double.isFinite(target)) {
            throw new IllegalArgumentException("the target " + name + " must be a finite number, got " + target);
        }
        if (target < low || target > high) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "target %s is out of range for %s: it "
                    + "takes values %s", target, name, high == Double.POSITIVE_INFINITY ? "from " + fmt(low) + " up"
                    : "from " + fmt(low) + " to " + fmt(high)));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
