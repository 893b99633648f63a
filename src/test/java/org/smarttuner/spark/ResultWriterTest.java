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

    private static EventRowFixture events = new EventRowFixture();

    /** Event and metric rows of trial 0, as a segment's record would carry them. */
    private static final class EventRowFixture {
        ResultWriter.Change segment(int number, int seq, int epoch, CountDownLatch recorded) {
            FrozenTrial t = FrozenTrial.create(number, TrialState.RUNNING, Optional.empty());
            java.sql.Timestamp ts = java.sql.Timestamp.from(Instant.parse("2026-12-01T10:00:00Z"));
            return new ResultWriter.Change(List.of(TrialCodec.toRow("s", t, Instant.now())),
                    List.of(new org.smarttuner.spark.results.EventRow("s", number, seq, ts, "RUNNING", "RUNNING", 0, 0,
                            "exec-1", "epochs")),
                    List.of(new MetricRow("s", number, 0, epoch, 2.0, 1.5, 1.0, 0.5, 0.3, null, null, null, null, null,
                            100.0, 10.0, 1.0, ts)),
                    List.of(t), at -> recorded.countDown());
        }
    }

    @Test
    void aBatchWhoseMergeFailedAfterItsAppendsIsAppliedOnceWhenRetried() throws Exception {
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
        store.createTables();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        ResultWriter.Sink halfThenWhole = (batch, writerId, version) -> {
            if (attempts.getAndIncrement() == 0) {
                // the appends commit, then the trials MERGE fails (a file system hiccup, a lost executor)
                store.write(new DeltaResultStore.Batch(List.of(), batch.events(), batch.metrics()), writerId, version);
                throw new IllegalStateException("MERGE failed: simulated storage fault");
            }
            store.write(batch, writerId, version);
        };
        try (ResultWriter w = new ResultWriter(halfThenWhole, List.of(), Duration.ofMinutes(1),
                Duration.ofMinutes(2))) {
            CountDownLatch one = new CountDownLatch(1);
            w.submit(events.segment(0, 0, 1, one));
            w.flush();
            CountDownLatch two = new CountDownLatch(1);
            w.submit(events.segment(0, 1, 2, two));
            w.flush();
            assertTrue(one.await(1, TimeUnit.MINUTES) && two.await(1, TimeUnit.MINUTES));
        }
        assertEquals(3, attempts.get(), "the first batch was tried twice, the second once");
        assertEquals(List.of(0, 1), store.events("s").stream().map(e -> e.seq()).toList(),
                "each event once, although the first batch's appends ran twice");
        assertEquals(List.of(1, 2), store.metrics("s").stream().map(MetricRow::epoch).toList());
        assertEquals(1, store.trials("s").size());
    }

    /** Throws a checked exception without declaring it, as Scala code does. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    @Test
    void aCheckedExceptionFromTheStoreFailsTheWriterWithItsReasonAndFlushReturns() {
        ResultWriter.Sink broken = (batch, writerId, version) -> sneakyThrow(
                new java.io.IOException("No FileSystem for scheme \"s4\""));
        try (ResultWriter w = new ResultWriter(broken, List.of(), Duration.ofSeconds(1), Duration.ofMinutes(1))) {
            w.submit(change(0, new CountDownLatch(1)));
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    w::flush);
            assertTrue(e.getMessage().contains("No FileSystem for scheme"), e.getMessage());
            assertTrue(w.failure().isPresent());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> w.submit(change(1, new CountDownLatch(1))), "nothing more is taken once the writer failed");
        }
    }

    @Test
    void anErrorInTheWriterThreadFailsTheStudyInsteadOfHangingFlush() {
        ResultWriter.Sink oom = (batch, writerId, version) -> {
            throw new OutOfMemoryError("Java heap space (simulated)");
        };
        try (ResultWriter w = new ResultWriter(oom, List.of(), Duration.ofMinutes(10), Duration.ofMinutes(1))) {
            w.submit(change(0, new CountDownLatch(1)));
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    w::flush);
            assertTrue(e.getMessage().contains("Java heap space"), e.getMessage());
        }
    }

    @Test
    void flushFailsAfterItsBoundWhenAMirrorNeverAnswers() throws Exception {
        StuckMirror mirror = new StuckMirror();
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
        store.createTables();
        try (ResultWriter w = new ResultWriter(store::write, List.of(mirror), Duration.ofMinutes(1),
                Duration.ofSeconds(3))) {
            w.submit(change(0, new CountDownLatch(1)));
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    w::flush);
            assertTrue(e.getMessage().contains("not recorded within 3 s"), e.getMessage());
            mirror.release.countDown();
        }
    }
    /** A mirror that fails until told otherwise, counting the metric rows it is finally given. */
    private static final class DownMirror implements StudyMirror {
        volatile boolean up;
        final boolean wants;
        final List<MetricRow> got = new CopyOnWriteArrayList<>();

        DownMirror(boolean wants) {
            this.wants = wants;
        }

        @Override
        public String name() {
            return "down-" + wants;
        }

        @Override
        public boolean wantsMetrics() {
            return wants;
        }

        @Override
        public void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) {
            if (!up) {
                throw new IllegalStateException("server down");
            }
            got.addAll(newMetrics);
        }
    }

    /**
     * A mirror that stays down keeps at most {@link ResultWriter#MAX_METRIC_BACKLOG} epochs' metrics in the
     * driver (the newest; the rest stay in Delta); a mirror that ignores metrics keeps none.
     */
    @Test
    void aMirrorThatStaysDownHoldsABoundedMetricBacklog() throws Exception {
        DownMirror down = new DownMirror(true);
        DownMirror ignores = new DownMirror(false);
        int perChange = 30_000;
        try (ResultWriter w = new ResultWriter((batch, id, version) -> { }, List.of(down, ignores),
                Duration.ofMinutes(1), Duration.ofMinutes(1))) {
            for (int c = 0; c < 5; c++) {
                FrozenTrial t = FrozenTrial.create(c, TrialState.RUNNING, Optional.empty());
                List<MetricRow> rows = new java.util.ArrayList<>();
                for (int e = 0; e < perChange; e++) {
                    rows.add(new MetricRow("s", c, 0, e + 1, 1.0, 1.0, 1.0, 0.1, 0.5, null, null, null, null, null,
                            null, null, null, new java.sql.Timestamp(0)));
                }
                w.submit(new ResultWriter.Change(List.of(TrialCodec.toRow("s", t, Instant.now())), List.of(), rows,
                        List.of(t), at -> { }));
                w.flush();
            }
            down.up = true;
            ignores.up = true;
            w.submit(change(9, new CountDownLatch(1)));
            w.flush();
        }
        assertEquals(ResultWriter.MAX_METRIC_BACKLOG, down.got.size());
        assertEquals(4, down.got.get(down.got.size() - 1).number(), "the newest rows are kept");
        assertEquals(0, ignores.got.size());
    }

    /**
     * The views (the trials table's MERGE) follow the record on their own thread: a slow MERGE never holds up
     * recording, a failing one is retried and never fails the study, and a flush waits for them.
     */
    @Test
    void theViewsFollowTheRecordOffItsPath() throws Exception {
        CountDownLatch mergeEntered = new CountDownLatch(1);
        CountDownLatch mergeRelease = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ResultWriter.Materializer slowThenFailingOnce = () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                mergeEntered.countDown();
                mergeRelease.await(2, TimeUnit.MINUTES);
            } else if (n == 2) {
                throw new IllegalStateException("MERGE conflict");
            }
        };
        try (ResultWriter w = new ResultWriter((batch, id, version) -> { }, slowThenFailingOnce, Duration.ofHours(1),
                List.of(), Duration.ofMinutes(1), Duration.ofMinutes(1))) {
            CountDownLatch first = new CountDownLatch(1);
            w.submit(change(0, first));
            assertTrue(mergeEntered.await(1, TimeUnit.MINUTES), "the first batch is merged");
            CountDownLatch second = new CountDownLatch(1);
            w.submit(change(1, second));
            assertTrue(second.await(1, TimeUnit.MINUTES), "recorded while the MERGE hangs");
            assertTrue(!w.viewsCurrent());
            mergeRelease.countDown();
            w.flush(); // waits through the failed MERGE and its retry, not the hour between MERGEs
            assertTrue(w.viewsCurrent());
            assertEquals(3, calls.get());
        }
    }
}
