package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smarttuner.spark.results.MetricRow;

class TimeToTargetTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final TargetMetric VAL_LOSS = TargetMetric.of("val_loss");

    private static MetricRow row(int trial, int epoch, Double val, double seconds, long recordedAfterSeconds) {
        return new MetricRow("s", trial, 0, epoch, 1.0, val, null, null, null, null, null, null, null, null, 100.0, 1.0,
                seconds,
                Timestamp.from(START.plusSeconds(recordedAfterSeconds)));
    }

    /** An epoch with its voice metrics (null: free-running validation did not run that epoch). */
    private static MetricRow voice(int trial, int epoch, Double mcd, Double attention, long recordedAfterSeconds) {
        return new MetricRow("s", trial, 0, epoch, 1.0, 5.0, 2.0, 0.5, 0.3, mcd, mcd == null ? null : mcd * 1.1, mcd == null ? null : 0.2,
                mcd == null ? null : 0.9, attention, 100.0, 1.0, 10.0, Timestamp.from(START.plusSeconds(
                        recordedAfterSeconds)));
    }

    @Test
    void countsEpochsAndSecondsInRecordedOrderUpToTheFirstEpochAtTheTarget() {
        List<MetricRow> rows = List.of(
                row(1, 2, 4.0, 10, 50), // trial 1's segment recorded at 50 s: epochs 1 and 2
                row(0, 1, 6.0, 10, 20),
                row(1, 1, 5.0, 10, 50),
                row(0, 2, 5.5, 10, 30),
                row(1, 3, 3.0, 10, 70));
        TimeToTarget t = TimeToTarget.of(rows, START, VAL_LOSS, 4.5);
        assertTrue(t.reached());
        assertEquals(Duration.ofSeconds(50), t.wall().orElseThrow());
        assertEquals(4, t.epochs().getAsInt(), "0/1, 0/2, 1/1 and 1/2 were trained before the target");
        assertEquals(40.0, t.trainingSeconds().orElseThrow());
        assertEquals(3.0, t.best().orElseThrow());
        assertEquals(5, t.totalEpochs());
        assertEquals(50.0, t.totalTrainingSeconds());
    }

    @Test
    void aTargetNeverReachedIsReportedAsSuchWithTheBestSeen() {
        TimeToTarget t = TimeToTarget.of(List.of(row(0, 1, 6.0, 10, 20), row(0, 2, null, 10, 30),
                row(1, 1, Double.NaN, 10, 40)), START, VAL_LOSS, 1.0);
        assertFalse(t.reached());
        assertTrue(t.wall().isEmpty());
        assertEquals(6.0, t.best().orElseThrow(), "missing and NaN losses are skipped");
        assertEquals(3, t.totalEpochs());
    }

    @Test
    void aMaximisedMetricIsReachedAtOrAboveTheTargetAndItsBestIsTheLargest() {
        TargetMetric attention = TargetMetric.of("val_attention");
        assertTrue(attention.largerIsBetter());
        assertEquals("maximize", attention.direction());
        List<MetricRow> rows = List.of(voice(0, 1, 6.0, 0.3, 10), voice(0, 2, 5.5, 0.7, 20),
                voice(1, 1, 5.0, 0.8, 30), voice(1, 2, 4.0, 0.95, 40));
        TimeToTarget t = TimeToTarget.of(rows, START, attention, 0.8);
        assertEquals(Duration.ofSeconds(30), t.wall().orElseThrow(), "0.8 is reached at 0.8, not only above it");
        assertEquals(3, t.epochs().getAsInt());
        assertEquals(30.0, t.trainingSeconds().orElseThrow());
        assertEquals(0.95, t.best().orElseThrow(), "the best of a maximised metric is its largest value");
        assertFalse(TimeToTarget.of(rows, START, attention, 0.99).reached());
        // the same rows timed on a minimised column of theirs
        TimeToTarget mcd = TimeToTarget.of(rows, START, TargetMetric.of("val_mcd"), 5.0);
        assertEquals(3, mcd.epochs().getAsInt());
        assertEquals(4.0, mcd.best().orElseThrow());
    }

    @Test
    void epochsThatDidNotMeasureTheMetricCostTheirTimeButCannotReachIt() {
        // free-running validation every other epoch: epochs 1 and 3 have no voice metrics
        List<MetricRow> rows = List.of(voice(0, 1, null, null, 10), voice(0, 2, 7.0, 0.5, 20),
                voice(0, 3, null, null, 30), voice(0, 4, 4.5, 0.9, 40));
        TimeToTarget t = TimeToTarget.of(rows, START, TargetMetric.of("val_mcd"), 5.0);
        assertEquals(4, t.epochs().getAsInt(), "the unmeasured epochs were trained all the same");
        assertEquals(40.0, t.trainingSeconds().orElseThrow());
        assertEquals(Duration.ofSeconds(40), t.wall().orElseThrow());
        assertEquals(4.5, t.best().orElseThrow());
        TimeToTarget none = TimeToTarget.of(List.of(voice(0, 1, null, null, 10)), START,
                TargetMetric.of("val_attention"), 0.5);
        assertFalse(none.reached());
        assertTrue(none.best().isEmpty(), "never measured: no best");
        assertEquals(1, none.totalEpochs());
    }

    @Test
    void everyStudyMetricHasItsColumn() {
        MetricRow r = new MetricRow("s", 0, 0, 1, 1.0, 2.0, 3.0, 4.0, 0.5, 6.0, 6.6, 0.7, 0.8, 0.9, 100.0, 1.0, 10.0,
                Timestamp.from(START));
        double[] expected = {2.0, 3.0, 4.0, 1.0, 0.5, 6.0, 6.6, 0.7, 0.8, 0.9};
        List<String> names = org.smarttuner.tts.train.EpochMetrics.STUDY_METRICS;
        assertEquals(expected.length, names.size());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(expected[i], TargetMetric.of(names.get(i)).value(r), names.get(i));
        }
    }

    @Test
    void aTargetOutsideTheMetricsValuesOrNotFiniteAndAnUnknownMetricAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeToTarget.of(List.of(), START, VAL_LOSS, Double.NaN));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TimeToTarget.of(List.of(), START, TargetMetric.of("val_stop_rate"), 1.5));
        assertEquals("target 1.5 is out of range for val_stop_rate: it takes values from 0 to 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VAL_LOSS.checkTarget(-0.5));
        assertEquals("target -0.5 is out of range for val_loss: it takes values from 0 up", e.getMessage());
        TargetMetric.of("val_attention").checkTarget(1.0);
        TargetMetric.of("val_mcd").checkTarget(0.0);
        e = assertThrows(IllegalArgumentException.class, () -> TargetMetric.of("alignment_score"));
        assertTrue(e.getMessage().contains("unknown metric 'alignment_score' (allowed: val_loss, val_mel_loss, "
                + "val_gate_loss, train_loss, attention_sharpness, val_mcd, val_mcd_sl, val_stop_error, val_stop_rate, "
                + "val_attention)"), e.getMessage());
    }
}
