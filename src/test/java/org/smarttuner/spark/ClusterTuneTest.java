package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;

/**
 * The tune job on a real standalone cluster (master, two workers, executors, driver: separate
 * JVMs), submitted with jobs/tune.sh, training the real Tacotron2 on the synthetic corpus.
 * Worker A offers GPU "0", worker B GPU "1"; without CUDA the trainer falls back to the CPU and
 * records the GPU it was given.
 */
@Tag("slow")
class ClusterTuneTest {
    private static final long DRIVER_LIMIT_MINUTES = 40;
    static final String STUDY = "cluster";
    private static final Pattern SUMMARY_COUNTS = Pattern.compile("trials: \\{([^}]*)}");
    private static final Pattern TASK_START = Pattern.compile(
            "Starting task \\S+ in stage (\\d+)\\.\\d+ \\(TID \\d+\\) \\([^,]+,\\s*executor ([^,\\s]+),");
    private static final Pattern SEGMENT_STAGE = Pattern.compile(
            "Submitting ResultStage (\\d+) \\(MapPartitionsRDD\\[\\d+] at map at SparkSegmentExecutor");

    static Path config(Path dir, int nTrials, int epochs) throws IOException {
        return config(dir, nTrials, epochs, 2);
    }

    static Path config(Path dir, int nTrials, int epochs, int parallelism) throws IOException {
        Files.createDirectories(dir);
        String yaml = """
                study:
                  name: %s
                  n_trials: %d
                  max_failures: 20
                  sampler: {type: random, seed: 11}
                  pruner: {type: none}
                search_space:
                  learning_rate: {type: float, low: 3.0e-4, high: 2.0e-3, log: true}
                data: {corpus: synthetic, path: %s, size: 40, seed: 7, max_text_length: 30, max_frames: 80}
                model: {preset: small, n_frames_per_step: 2}
                training: {epochs: %d, batch_size: 8}
                execution: {parallelism: %d, gpus_per_trial: 1, device: auto, task_retries: 2, trial_retries: 2,
                            segment_epochs: 1, checkpoint_dir: %s}
                output: {delta_path: %s, sqlite_path: %s}
                """.formatted(STUDY, nTrials, dir.resolve("data"), epochs, parallelism, dir.resolve("checkpoints"),
                dir.resolve("delta"), dir.resolve("study.db"));
        Path file = dir.resolve("study.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /**
     * Also the deployment of libtorch: the cluster's jars hold no libtorch and no DJL JNI, the job jar
     * neither; the executors get both only from the archive {@code jobs/tune.sh --libtorch} builds
     * and passes, offline, with a DJL cache of their own that must stay empty (nothing downloaded or
     * extracted there).
     */
    @Test
    void trialsRunOnBothWorkersWithTheirOwnGpus() throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.start("two-workers", List.of("0", "1"), 1, "2g", false)) {
            Path work = cluster.root().resolve("study");
            Path archive = cluster.root().resolve("libtorch.tar");
            Path executorCache = Files.createDirectories(cluster.root().resolve("executor-djl-cache"));
            StandaloneCluster.Driver driver = cluster.submit("driver", config(work, 4, 2),
                    Map.of("spark.executorEnv.DJL_CACHE_DIR", executorCache.toString()),
                    List.of("--libtorch", archive.toString()));
            awaitDriver(cluster, driver);
            String out = driver.out();
            assertTrue(Files.isRegularFile(archive), "tune.sh built the archive; its log:\n" + driver.err());
            try (var left = Files.list(executorCache)) {
                assertEquals(List.of(), left.toList(), "executors downloaded or extracted libtorch into their cache");
            }

            DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), work.resolve("delta").toString());
            List<TrialRow> trials = store.trials(STUDY);
            assertEquals(4, trials.size(), "trials in Delta; driver stdout:\n" + out);
            assertSummaryMatches(out, trials);
            assertHistoryWhole(store, trials);

            Set<String> gpus = new HashSet<>();
            for (TrialRow t : trials) {
                assertTrue(t.executor() != null && t.gpu() != null, "trial " + t.number() + " has no executor/gpu: "
                        + t);
                String executorId = t.executor().substring(0, t.executor().indexOf('@'));
                String worker = cluster.workerOf(executorId).orElseThrow(() -> new AssertionError(
                        "executor " + executorId + " of trial " + t.number() + " is on no worker"));
                String workerGpu = cluster.gpus().get(cluster.workers().indexOf(worker));
                assertEquals(workerGpu, t.gpu(), "trial " + t.number() + " ran on " + worker + " (executor "
                        + executorId + ") with a GPU that worker does not own");
                gpus.add(t.gpu());
            }
            assertEquals(Set.of("0", "1"), gpus, "trials ran on both workers, each with its own GPU");
            for (TrialRow t : trials) {
                // the executor's own note of how it trained, kept with the trial
                assertTrue(t.systemAttrsJson().contains("\"engine\":\"cpu; libtorch 2.7.1 (cpu, archive)\""),
                        "trial " + t.number() + " engine note: " + t.systemAttrsJson());
            }
            for (TrialRow t : trials) {
                String executorId = t.executor().substring(0, t.executor().indexOf('@'));
                Path log = cluster.executorLog(executorId).orElseThrow(() -> new AssertionError(
                        "no log of executor " + executorId));
                String text = Files.readString(log);
                assertTrue(text.contains("(cpu) from ") && text.contains("/libtorch"),
                        "executor " + executorId + " did not load the archive's libtorch:\n" + text);
            }
            System.out.println("[cluster] summary:\n" + summaryOf(out));
        }
    }

    @Test
    void killingAnExecutorMidSegmentLosesNothing() throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.start("executor-kill", List.of("0", "1"), 1, "2g")) {
            Path work = cluster.root().resolve("study");
            StandaloneCluster.Driver driver = cluster.submit("driver", config(work, 4, 3), Map.of());
            String killed = killDuringSegment(cluster, driver);

            awaitDriver(cluster, driver);
            String out = driver.out();
            assertTrue(driver.err().contains("executor " + killed) || driver.err().contains("Executor " + killed),
                    "the driver noticed executor " + killed + " was lost");

            DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), work.resolve("delta").toString());
            List<TrialRow> trials = store.trials(STUDY);
            assertEquals(4, trials.size(), "every trial is recorded; driver stdout:\n" + out);
            for (TrialRow t : trials) {
                assertFalse(t.state().equals("RUNNING"), "trial " + t.number() + " finished: " + t.state());
            }
            assertSummaryMatches(out, trials);
            assertHistoryWhole(store, trials);
            System.out.println("[cluster] killed executor " + killed + "; summary:\n" + summaryOf(out));
        }
    }

    /**
     * Waits until an executor is training (its latest task is a segment's and its log says the
     * dataset is loaded, which happens just before training), then kills that JVM with SIGKILL.
     */
    private static String killDuringSegment(StandaloneCluster cluster, StandaloneCluster.Driver driver)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(DRIVER_LIMIT_MINUTES);
        while (System.nanoTime() < deadline && driver.process().isAlive()) {
            String log = driver.err();
            Set<String> segmentStages = new HashSet<>();
            Matcher s = SEGMENT_STAGE.matcher(log);
            while (s.find()) {
                segmentStages.add(s.group(1));
            }
            Matcher t = TASK_START.matcher(log);
            while (t.find()) {
                String stage = t.group(1);
                String executor = t.group(2);
                if (segmentStages.contains(stage) && training(cluster, executor, stage)) {
                    ProcessHandle h = cluster.executors().get(executor);
                    if (h != null) {
                        Thread.sleep(2000);
                        h.destroyForcibly();
                        h.onExit().join();
                        return executor;
                    }
                }
            }
            Thread.sleep(500);
        }
        fail("no training segment started on an executor; driver log in " + driver.stderr());
        return null;
    }

    private static boolean training(StandaloneCluster cluster, String executor, String stage) {
        String log = cluster.executorLog(executor).map(StandaloneCluster::read).orElse("");
        int last = log.lastIndexOf("Running task ");
        return last >= 0 && log.startsWith("in stage " + stage + ".", log.indexOf("in stage ", last))
                && log.contains("loaded in this executor");
    }

    private static void awaitDriver(StandaloneCluster cluster, StandaloneCluster.Driver driver)
            throws InterruptedException {
        if (!driver.process().waitFor(DRIVER_LIMIT_MINUTES, TimeUnit.MINUTES)) {
            fail("the driver did not finish in " + DRIVER_LIMIT_MINUTES + " minutes (a hang guard, not a speed "
                    + "goal); logs in " + cluster.logs());
        }
        String out = driver.out();
        // Exit 0: study done; 1: it stopped on failures (the summary still says so). Anything else is broken.
        int rc = driver.process().exitValue();
        assertTrue(rc == 0 || rc == 1, "driver exit " + rc + "; logs in " + cluster.logs() + "\n" + out);
        assertTrue(out.contains("Study " + STUDY + " stopped:"), "the driver printed its summary; logs in "
                + cluster.logs() + "\n" + out);
    }

    private static String summaryOf(String out) {
        int i = out.indexOf("Study " + STUDY + " stopped:");
        return i < 0 ? out : out.substring(i);
    }

    /** The summary's counts by state equal the trials table's. */
    private static void assertSummaryMatches(String out, List<TrialRow> trials) {
        Matcher m = SUMMARY_COUNTS.matcher(summaryOf(out));
        assertTrue(m.find(), "summary has counts:\n" + out);
        Map<String, Long> printed = new TreeMap<>();
        for (String kv : m.group(1).split(",\\s*")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=");
                printed.put(p[0].trim(), Long.parseLong(p[1].trim()));
            }
        }
        Map<String, Long> delta = new TreeMap<>(trials.stream()
                .collect(Collectors.groupingBy(TrialRow::state, Collectors.counting())));
        assertEquals(delta, printed, "summary counts vs Delta");
        assertEquals(trials.size(), printed.values().stream().mapToLong(Long::longValue).sum());
    }

    /** Events numbered 0..k-1 per trial, each trained epoch's metrics recorded exactly once. */
    private static void assertHistoryWhole(DeltaResultStore store, List<TrialRow> trials) {
        Map<Integer, List<EventRow>> events = store.events(STUDY).stream()
                .collect(Collectors.groupingBy(EventRow::number));
        Map<Integer, List<MetricRow>> metrics = store.metrics(STUDY).stream()
                .collect(Collectors.groupingBy(MetricRow::number));
        for (TrialRow t : trials) {
            List<Integer> seqs = events.getOrDefault(t.number(), List.of()).stream().map(EventRow::seq).sorted()
                    .toList();
            assertEquals(IntStream.range(0, seqs.size()).boxed().toList(), seqs, "trial " + t.number()
                    + " events contiguous");
            assertFalse(seqs.isEmpty(), "trial " + t.number() + " has events");
            List<Integer> epochs = metrics.getOrDefault(t.number(), List.of()).stream().map(MetricRow::epoch)
                    .sorted().toList();
            assertEquals(IntStream.rangeClosed(1, epochs.size()).boxed().toList(), epochs,
                    "trial " + t.number() + " (" + t.state() + "): one metrics row per epoch trained");
            if (t.state().equals("COMPLETE")) {
                assertFalse(epochs.isEmpty(), "a complete trial has its epochs");
            }
        }
    }
}
