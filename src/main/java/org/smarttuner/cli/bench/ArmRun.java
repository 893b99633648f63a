package org.smarttuner.cli.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.smarttuner.spark.TargetMetric;
import org.smarttuner.spark.TimeToTarget;
import org.smarttuner.spark.results.MetricRow;

/**
 * One arm's study for one seed, as a time-to-target benchmark reads it back: its recorded epochs,
 * the moment its clock starts, and how many trials it started and pruned.
 */
public record ArmRun(long seed, String arm, List<MetricRow> metrics, Instant start, long trials, long pruned) {
    public ArmRun {
        metrics = List.copyOf(metrics);
    }

    public TimeToTarget time(TargetMetric metric, double target) {
        return TimeToTarget.of(metrics, start, metric, target);
    }

    /** From the start to the last recorded epoch (0 when none was recorded). */
    public double elapsedSeconds() {
        return metrics.stream().map(m -> m.ts().toInstant()).max(Instant::compareTo)
                .map(end -> Duration.between(start, end).toMillis() / 1000.0).orElse(0.0);
    }

    /** The epochs' own durations (training and validation), summed. */
    public double epochSeconds() {
        return metrics.stream().mapToDouble(m -> m.seconds() == null ? 0 : m.seconds()).sum();
    }

    /**
     * From the start to when the first epoch began: the tuner's set-up before any training (NaN when no epoch
     * was recorded). The epochs of one segment of a trial (recorded together) ran one after the other before
     * the segment was recorded, so the first of them began at that moment less all their seconds.
     */
    public double firstEpochSeconds() {
        java.util.Map<String, double[]> batches = new java.util.HashMap<>();
        for (MetricRow m : metrics) {
            double[] b = batches.computeIfAbsent(m.number() + "/" + m.segment(), k -> new double[] {0, 0});
            b[0] = Math.max(b[0], Duration.between(start, m.ts().toInstant()).toMillis() / 1000.0);
            b[1] += m.seconds() == null ? 0 : m.seconds();
        }
        return batches.values().stream().mapToDouble(b -> b[0] - b[1]).min().orElse(Double.NaN);
    }

    public ArmRun withStart(Instant s) {
        return new ArmRun(seed, arm, metrics, s, trials, pruned);
    }
}
