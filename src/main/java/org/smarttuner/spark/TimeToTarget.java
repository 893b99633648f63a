package org.smarttuner.spark;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.smarttuner.spark.results.MetricRow;

/**
 * How long a study took to first reach a target value of a study metric (a validation loss at
 * or below it, a voice score such as val_attention at or above it), read from its recorded
 * per-epoch metrics. Three clocks, because each answers another question:
 * <ul>
 *   <li>wall: from the study's start to the moment the driver recorded the epoch that reached the
 *       target (what a user waits; includes Spark and Delta overhead, and is what load disturbs);</li>
 *   <li>training seconds: the epochs' own durations summed in the order they were recorded (compute
 *       spent until the target, without the driver's overhead);</li>
 *   <li>epochs: how many epochs were trained, over all trials, until the target (independent of how
 *       busy the machine was).</li>
 * </ul>
 * Epochs are taken in the order the driver recorded them; within one segment (recorded at once) in
 * epoch order, so a target reached mid-segment counts only the epochs up to it. An epoch that did
 * not measure the metric (free-running metrics run every free_run_every epochs) still costs its
 * time and counts as trained; it just cannot reach the target.
 */
public record TimeToTarget(TargetMetric metric, double target, Optional<Duration> wall,
        Optional<Double> trainingSeconds, OptionalInt epochs, Optional<Double> best, int totalEpochs,
        double totalTrainingSeconds) {

    public boolean reached() {
        return epochs.isPresent();
    }

    /**
     * The time to {@code target} of {@code metric} in {@code rows}, for a study started at {@code start}.
     *
     * @throws IllegalArgumentException for a target that is not finite or outside the metric's values
     */
    public static TimeToTarget of(List<MetricRow> rows, Instant start, TargetMetric metric, double target) {
        metric.checkTarget(target);
        List<MetricRow> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparing(MetricRow::ts).thenComparingInt(MetricRow::number)
                .thenComparingInt(MetricRow::epoch));
        int epochs = 0;
        double seconds = 0;
        Double best = null;
        Optional<Duration> wall = Optional.empty();
        Optional<Double> trainAt = Optional.empty();
        OptionalInt epochsAt = OptionalInt.empty();
        for (MetricRow r : ordered) {
            epochs++;
            seconds += r.seconds() == null ? 0 : r.seconds();
            Double v = metric.value(r);
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            best = best == null ? v : metric.better(best, v);
            if (epochsAt.isEmpty() && metric.reaches(v, target)) {
                wall = Optional.of(Duration.between(start, r.ts().toInstant()));
                trainAt = Optional.of(seconds);
                epochsAt = OptionalInt.of(epochs);
            }
        }
        return new TimeToTarget(metric, target, wall, trainAt, epochsAt, Optional.ofNullable(best), epochs, seconds);
    }
}
