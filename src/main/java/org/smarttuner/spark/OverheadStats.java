package org.smarttuner.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Driver overhead per segment: from submitting the Spark job to the task starting, and from the
 * task ending to its results being in Delta, and to the mirrors being offered them. Medians and 95th percentiles go in
 * the study summary. Each figure keeps a uniform sample of at most {@value #KEPT} segments (reservoir
 * sampling), so a study of any length holds the same few hundred kilobytes for them.
 */
final class OverheadStats {
    static final int KEPT = 10_000;

    private final Reservoir submitToStart = new Reservoir(1);
    private final Reservoir endToRecorded = new Reservoir(2);
    private final Reservoir endToMirrored = new Reservoir(3);

    synchronized void add(long submitMillis, long taskStartMillis, long taskEndMillis, long recordedMillis) {
        submitToStart.add(Math.max(0, taskStartMillis - submitMillis));
        endToRecorded.add(Math.max(0, recordedMillis - taskEndMillis));
    }

    synchronized void addMirrored(long taskEndMillis, long mirroredMillis) {
        endToMirrored.add(Math.max(0, mirroredMillis - taskEndMillis));
    }

    synchronized String describe() {
        if (submitToStart.seen == 0) {
            return "no segments";
        }
        return String.format("submit->start median %d ms, p95 %d ms; end->recorded in Delta median %d ms, p95 %d ms;"
                + " end->mirrored median %d ms, p95 %d ms (%d segments)", submitToStart.pct(50),
                submitToStart.pct(95), endToRecorded.pct(50), endToRecorded.pct(95), endToMirrored.pct(50),
                endToMirrored.pct(95), submitToStart.seen);
    }

    synchronized long[] figures() {
        return new long[] {submitToStart.pct(50), submitToStart.pct(95), endToRecorded.pct(50),
            endToRecorded.pct(95), submitToStart.seen, endToMirrored.pct(50), endToMirrored.pct(95)};
    }

    /** Algorithm R: every value seen has the same chance to be among the kept ones. */
    private static final class Reservoir {
        private final List<Long> kept = new ArrayList<>();
        private final SplittableRandom rng;
        private long seen;

        Reservoir(long seed) {
            this.rng = new SplittableRandom(seed);
        }

        void add(long v) {
            seen++;
            if (kept.size() < KEPT) {
                kept.add(v);
            } else {
                long j = rng.nextLong(seen);
                if (j < KEPT) {
                    kept.set((int) j, v);
                }
            }
        }

        long pct(int p) {
            if (kept.isEmpty()) {
                return 0;
            }
            List<Long> s = new ArrayList<>(kept);
            s.sort(null);
            int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
            return s.get(Math.max(0, Math.min(s.size() - 1, i)));
        }
    }
}
