package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigException;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;

/**
 * Failure containment (issue #18, item 3) on a real local Spark with real Delta tables: a segment past
 * execution.segment_timeout is cancelled and retried, a failing study leaves no Spark job running, and a
 * run() that fails early leaves nothing held (lease, threads, mirror handles).
 */
class TuneJobContainmentTest {
    @TempDir
    Path dir;

    TunerConfig config(String... sets) {
        String yaml = """
                study:
                  name: drv
                  n_trials: 3
                  max_failures: 3
                  sampler: {type: random, seed: 3}
                  pruner: {type: none}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 3}
                execution: {parallelism: 2, checkpoint_dir: ck, trial_retries: 1, segment_epochs: 3}
                output: {delta_path: delta, sqlite_path: study.db}
                """;
        return new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", List.of(sets), Map.of());
    }

    /** Segments that started to hang in this JVM (local mode: tasks run here). */
    static final AtomicInteger HANGS = new AtomicInteger();

    /** {@link CurveWork}, except that some segments hang (until their task is interrupted). */
    static final class HangingWork implements SegmentWork {
        private static final long serialVersionUID = 1L;
        final CurveWork curve = new CurveWork(List.of(), List.of(), List.of(), 0);
        /** Trial number to the segment whose first attempt hangs. */
        final Map<Integer, Integer> hangOnce;
        /** Trials whose every attempt hangs. */
        final Set<Integer> hangAlways;

        HangingWork(Map<Integer, Integer> hangOnce, Set<Integer> hangAlways) {
            this.hangOnce = Map.copyOf(hangOnce);
            this.hangAlways = Set.copyOf(hangAlways);
        }

        @Override
        public SegmentOutcome run(SegmentRequest r) throws Exception {
            if (hangAlways.contains(r.number()) || Integer.valueOf(r.segment()).equals(hangOnce.get(r.number()))
                    && r.attempt() == 0) {
                HANGS.incrementAndGet();
                Thread.sleep(600_000); // a stuck collective, a wedged GPU: only a cancel ends it
            }
            return curve.run(r);
        }
    }

    static HangingWork noHang() {
        return new HangingWork(Map.of(), Set.of());
    }

    private static SparkSession spark() {
        return SparkTestSession.get();
    }

    private static int[] activeJobs() {
        return spark().sparkContext().statusTracker().getActiveJobIds();
    }

    private static void awaitNoActiveJobs(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (activeJobs().length > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void aSegmentPastTheTimeoutIsCancelledAndRetriedAndATrialOutOfRetriesFailsWithTheReason() {
        TunerConfig c = config("execution.segment_timeout=3s", "execution.segment_epochs=1");
        // trial 1's second segment hangs on its first attempt only; trial 2 on every attempt (its retry is spent)
        TuneJob job = new TuneJob(c, spark(), new HangingWork(Map.of(1, 1), Set.of(2)), List.of(),
                Clock.systemUTC());
        long t0 = System.nanoTime();
        StudySummary s = job.run();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(seconds < 60, "the hung segments did not hold the study: " + seconds + " s");
        List<FrozenTrial> trials = job.study().trials();
        assertEquals(3, trials.size(), s.stopReason());
        assertEquals(TrialState.COMPLETE, trials.get(0).state());
        assertEquals(TrialState.COMPLETE, trials.get(1).state(), "retried after the timeout");
        try {
            assertEquals("epoch=3;0->1,1->2,2->3,", Files.readString(Path.of(TrialCodec.checkpoint(trials.get(1))
                    .orElseThrow())), "the retry continued from the checkpoint of epoch 1, each epoch trained once");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(TrialState.FAIL, trials.get(2).state());
        String reason = String.valueOf(trials.get(2).systemAttrs().get(TrialCodec.REASON));
        assertTrue(reason.contains("segment lost 2 times (trial_retries 1)") && reason.contains("segment timed out")
                && reason.contains("execution.segment_timeout (3s)"), reason);

        DeltaResultStore store = new DeltaResultStore(spark(), c.output().deltaPath());
        TuneJobTest.assertConsistent(store, trials);
        Map<Integer, List<EventRow>> events = store.events("drv").stream()
                .sorted(Comparator.comparingInt(EventRow::seq)).collect(Collectors.groupingBy(EventRow::number));
        List<String> timedOut1 = events.get(1).stream().map(EventRow::detail)
                .filter(d -> d.startsWith("segment timed out, retried")).toList();
        assertEquals(1, timedOut1.size(), events.get(1).toString());
        assertTrue(timedOut1.get(0).contains("ran longer than execution.segment_timeout (3s) and was cancelled"),
                timedOut1.get(0));
        assertEquals(List.of("RUNNING", "RUNNING", "RUNNING", "RUNNING", "COMPLETE"), events.get(1).stream()
                .map(EventRow::toState).toList(), "asked, segment 0 done, segment 1 timed out and retried, segment 1 "
                + "done, segment 2 done and complete: each once");
        assertEquals(List.of("RUNNING", "RUNNING", "FAIL"), events.get(2).stream().map(EventRow::toState).toList());
        List<Integer> epochs1 = store.metrics("drv").stream().filter(m -> m.number() == 1).map(MetricRow::epoch)
                .sorted().toList();
        assertEquals(List.of(1, 2, 3), epochs1, "the retried segment's epochs, once");
        assertEquals(0, store.metrics("drv").stream().filter(m -> m.number() == 2).count());
        assertEquals(0, activeJobs().length, "no job of the study is left running");
    }

    @Test
    void aStudyThatFailsWhileASegmentRunsLeavesNoSparkJobRunning() throws Exception {
        TunerConfig c = config("study.n_trials=2");
        StudyLease lease = StudyLease.acquire(spark().sparkContext().hadoopConfiguration(), c.output().deltaPath(),
                "drv", "test");
        // trial 1 hangs: its job still runs when the study fails
        TuneJob job = new TuneJob(c, spark(), new HangingWork(Map.of(), Set.of(1)), List.of(), Clock.systemUTC())
                .withLease(lease);
        int hangs = HANGS.get();
        CompletableFuture<StudySummary> run = CompletableFuture.supplyAsync(job::run);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && HANGS.get() == hangs) {
            Thread.sleep(50);
        }
        assertTrue(activeJobs().length > 0, "trial 1's job runs");
        // the study fails: another driver took the lease (here: it was released under it)
        lease.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StudyLease.LostException, e.toString());
        awaitNoActiveJobs(2000);
        assertEquals(0, activeJobs().length, "the failed study's jobs were cancelled");
    }

    /** A mirror that counts how often it was closed and can fail when the driver starts. */
    static final class CountingMirror implements StudyMirror {
        final AtomicInteger closed = new AtomicInteger();
        final boolean failOnStart;

        CountingMirror(boolean failOnStart) {
            this.failOnStart = failOnStart;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) {
        }

        @Override
        public void driverStarted(StudyLease.Holder holder, String deltaPath) {
            if (failOnStart) {
                throw new IllegalStateException("simulated: the study file is locked");
            }
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private static List<Thread> smartTunerThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("smart-tuner-")) {
                out.add(t);
            }
        }
        return out;
    }

    /** After run() threw: no new smart-tuner-* thread lives, the mirror was closed once, the lease is free. */
    private void assertReleased(TunerConfig c, List<Thread> before, CountingMirror mirror, String why)
            throws InterruptedException {
        assertNoNewThreads(before, why);
        assertEquals(1, mirror.closed.get(), why + ": the mirror is closed once");
        // the lease is free at once: taken without waiting for it to go stale
        StudyLease.acquire(spark().sparkContext().hadoopConfiguration(), c.output().deltaPath(), "drv", "test")
                .close();
    }

    private static void assertNoNewThreads(List<Thread> before, String why) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 3000;
        List<Thread> left;
        do {
            left = smartTunerThreads();
            left.removeAll(before);
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        assertEquals(List.of(), left.stream().map(Thread::getName).toList(), why + ": threads left");
    }

    @Test
    void aRunThatFailsEarlyReleasesTheLeaseItsThreadsAndItsMirrors() throws Exception {
        TunerConfig c = config("study.n_trials=1");
        List<Thread> before = smartTunerThreads();

        // a mirror that fails as the driver starts (after the lease was taken)
        CountingMirror failing = new CountingMirror(true);
        assertThrows(IllegalStateException.class, () -> new TuneJob(c, spark(), noHang(),
                List.of(failing), Clock.systemUTC()).run());
        assertReleased(c, before, failing, "a mirror that failed at the start");

        // the Delta tables cannot be made: a file lies where the trials table goes
        Path tables = Path.of(c.output().deltaPath());
        Files.createDirectories(tables);
        Files.writeString(tables.resolve("trials"), "not a table");
        CountingMirror m2 = new CountingMirror(false);
        // (Delta's exception is a checked one, thrown through Scala code)
        assertThrows(Exception.class, () -> new TuneJob(c, spark(), noHang(),
                List.of(m2), Clock.systemUTC()).run());
        assertReleased(c, before, m2, "a store failure");
        Files.delete(tables.resolve("trials"));

        // a study run once, then a rerun refused by StudyIdentity (another search space)
        CountingMirror m3 = new CountingMirror(false);
        new TuneJob(c, spark(), noHang(), List.of(m3), Clock.systemUTC()).run();
        assertReleased(c, before, m3, "a study that ended");
        CountingMirror m4 = new CountingMirror(false);
        assertThrows(ConfigException.class, () -> new TuneJob(config("study.n_trials=1",
                "search_space.learning_rate.high=0.5"), spark(), noHang(), List.of(m4),
                Clock.systemUTC()).run());
        assertReleased(c, before, m4, "a refused rerun");

        // a driver that "dies" (the fault hook) leaves its lease for a rerun to take over, but no threads
        TuneJob dying = new TuneJob(config("study.n_trials=3"), spark(), noHang(),
                List.of(), Clock.systemUTC());
        dying.abortAfterSegments(1);
        assertThrows(TuneJob.DriverAbort.class, dying::run);
        assertNoNewThreads(before, "a driver that died");
    }
}
