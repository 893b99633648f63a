package org.smarttuner.spark;

import java.util.ArrayList;
import java.util.List;
import org.smarttuner.spark.results.DeltaResultStore;

/**
 * What {@code bench driver} watches in a running {@link TuneJob}: how long each ask took, and each
 * segment's submit-to-start, end-to-recorded (in Delta) and end-to-mirrored times. Collected per
 * window: {@link #drain()} hands over what came in since the last call and forgets it, so a long
 * study keeps nothing but the current window.
 */
public final class DriverWatch {
    /** Milliseconds (asks in microseconds) of one window. */
    public record Window(List<Long> askMicros, List<Long> submitToStart, List<Long> endToRecorded,
                         List<Long> endToMirrored, List<DeltaResultStore.WriteTimes> commits, long rows,
                         List<Long> trialsMerges) {
        public static long percentile(List<Long> xs, int p) {
            if (xs.isEmpty()) {
                return 0;
            }
            List<Long> s = new ArrayList<>(xs);
            s.sort(null);
            int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
            return s.get(Math.max(0, Math.min(s.size() - 1, i)));
        }
    }

    private List<Long> asks = new ArrayList<>();
    private List<Long> starts = new ArrayList<>();
    private List<Long> recorded = new ArrayList<>();
    private List<Long> mirrored = new ArrayList<>();
    private List<DeltaResultStore.WriteTimes> commits = new ArrayList<>();
    private long rows;
    private List<Long> merges = new ArrayList<>();

    synchronized void materialized(long millis) {
        merges.add(millis);
    }

    synchronized void committed(DeltaResultStore.WriteTimes t, int batchRows) {
        commits.add(t);
        rows += batchRows;
    }

    synchronized void asked(long nanos) {
        asks.add(nanos / 1000);
    }

    synchronized void recorded(long submitToStartMillis, long endToRecordedMillis) {
        starts.add(submitToStartMillis);
        recorded.add(endToRecordedMillis);
    }

    synchronized void mirrored(long endToMirroredMillis) {
        mirrored.add(endToMirroredMillis);
    }

    public synchronized Window drain() {
        Window w = new Window(asks, starts, recorded, mirrored, commits, rows, merges);
        merges = new ArrayList<>();
        commits = new ArrayList<>();
        rows = 0;
        asks = new ArrayList<>();
        starts = new ArrayList<>();
        recorded = new ArrayList<>();
        mirrored = new ArrayList<>();
        return w;
    }
}
