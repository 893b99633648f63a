package org.smarttuner.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * Driver overhead per segment: from submitting the Spark job to the task starting, and from the
 * task ending to its results being in Delta, and to the mirrors being offered them. Medians and 95th percentiles go in
 * the study summary.
 */
final class OverheadStats {
    private final List<Long> submitToStart = new ArrayList<>();
    private final List<Long> endToRecorded = new ArrayList<>();
    private final List<Long> endToMirrored = new ArrayList<>();

    synchronized void add(long submitMillis, long taskStartMillis, long taskEndMillis, long recordedMillis) {
        submitToStart.add(Math.max(0, taskStartMillis - submitMillis));
        endToRecorded.add(Math.max(0, recordedMillis - taskEndMillis));
    }

    synchronized void addMirrored(long taskEndMillis, long mirroredMillis) {
        endToMirrored.add(Math.max(0, mirroredMillis - taskEndMillis));
    }

    synchronized String describe() {
        if (submitToStart.isEmpty()) {
            return "no segments";
        }
        return String.format("submit->start median %d ms, p95 %d ms; end->recorded in Delta median %d ms, p95 %d ms;"
                + " end->mirrored median %d ms, p95 %d ms (%d segments)", pct(submitToStart, 50),
                pct(submitToStart, 95), pct(endToRecorded, 50), pct(endToRecorded, 95), pct(endToMirrored, 50),
                pct(endToMirrored, 95), submitToStart.size());
    }

    synchronized long[] figures() {
        return new long[] {pct(submitToStart, 50), pct(submitToStart, 95), pct(endToRecorded, 50),
            pct(endToRecorded, 95), submitToStart.size(), pct(endToMirrored, 50), pct(endToMirrored, 95)};
    }

    private static long pct(List<Long> xs, int p) {
        if (xs.isEmpty()) {
            return 0;
        }
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
