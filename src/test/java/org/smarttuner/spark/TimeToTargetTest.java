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

    private static MetricRow row(int trial, int epoch, Double val, double seconds, long recordedAfterSeconds) {
        return new MetricRow("s", trial, 0, epoch, 1.0, val, null, null, null, null, null, null, null, null, 100.0, 1.0, seconds,
                Timestamp.from(START.plusSeconds(recordedAfterSeconds)));
    }

    @Test
    void countsEpochsAndSecondsInRecordedOrderUpToTheFirstEpochAtTheTarget() {
        List<MetricRow> rows = List.of(
                row(1, 2, 4.0, 10, 50), // trial 1's segment recorded at 50 s: epochs 1 and 2
                row(0, 1, 6.0, 10, 20),
                row(1, 1, 5.0, 10, 50),
                row(0, 2, 5.5, 10, 30),
                row(1, 3, 3.0, 10, 70));
        TimeToTarget t = TimeToTarget.of(rows, START, 4.5);
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
                row(1, 1, Double.NaN, 10, 40)), START, 1.0);
        assertFalse(t.reached());
        assertTrue(t.wall().isEmpty());
        assertEquals(6.0, t.best().orElseThrow(), "missing and NaN losses are skipped");
        assertEquals(3, t.totalEpochs());
    }

    @Test
    void aNonFiniteTargetIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeToTarget.of(List.of(), START, Double.NaN));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }
}
