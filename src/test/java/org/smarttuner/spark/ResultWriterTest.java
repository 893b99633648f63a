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
}
