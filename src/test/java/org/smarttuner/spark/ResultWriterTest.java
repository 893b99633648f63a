package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;

class ResultWriterTest {
    @TempDir
    Path dir;

    /** A mirror that hangs on its first call, as a study file held locked by a dashboard would. */
    private static final class StuckMirror implements StudyMirror {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> seen = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) throws Exception {
            entered.countDown();
            if (!release.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("never released");
            }
            trials.forEach(t -> seen.add(t.number()));
        }
    }

    private static ResultWriter.Change change(int number, CountDownLatch recorded) {
        FrozenTrial t = FrozenTrial.create(number, TrialState.RUNNING, Optional.empty());
        return new ResultWriter.Change(List.of(TrialCodec.toRow("s", t, Instant.now())), List.of(), List.of(),
                List.of(t), at -> recorded.countDown());
    }

    @Test
    void aMirrorThatHangsDoesNotHoldUpTheDeltaCommits() throws Exception {
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
        store.createTables();
        StuckMirror mirror = new StuckMirror();
        try (ResultWriter w = new ResultWriter(store, List.of(mirror), Duration.ofSeconds(30))) {
            CountDownLatch first = new CountDownLatch(1);
            w.submit(change(0, first));
            assertTrue(mirror.entered.await(2, TimeUnit.MINUTES), "the mirror was offered trial 0");
            CountDownLatch second = new CountDownLatch(1);
            w.submit(change(1, second));
            assertTrue(second.await(2, TimeUnit.MINUTES), "trial 1 reached Delta while the mirror hung");
            assertEquals(2, store.trials("s").size());
            assertTrue(mirror.seen.isEmpty());
            mirror.release.countDown();
            w.flush();
            assertEquals(List.of(0, 1), mirror.seen, "the mirror caught up with both trials, in order");
            assertEquals(0, w.mirrorBacklog().get("stuck"));
        }
    }
}
