package org.smarttuner.tracking;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what tracking costs the driver: time spent on the calling thread per trial with the
 * MLflow server up and down, and the memory the bounded queue holds when full.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -Xmx1g -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     org.smarttuner.tracking.TrackingOverheadBench [trials epochs capacity paceMs]
 * </pre>
 * Arguments: trials (300), epochs per trial (20), queue capacity in entries (10000), pause between
 * trials in ms (20; stands in for training so the sender can keep up, as in a real study).
 */
public final class TrackingOverheadBench {
    private static final int METRICS_PER_EPOCH = 6;
    private static final int PARAMS_PER_TRIAL = 10;

    private TrackingOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int capacity = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int paceMs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Path dir = Files.createTempDirectory("tracking-bench");
        Path png = Files.write(dir.resolve("alignment.png"), new byte[20_000]);
        Path wav = Files.write(dir.resolve("sample.wav"), new byte[100_000]);
        System.out.printf(Locale.ROOT, "trial = trialStarted(%d params) + %d x epochMetrics(%d metrics) + 2 artifacts + "
                + "trialFinished; %d trials measured after 50 warm-up, %d ms apart; queue capacity %d entries; %d cores%n",
                PARAMS_PER_TRIAL, epochs, METRICS_PER_EPOCH, trials, paceMs, capacity,
                Runtime.getRuntime().availableProcessors());

        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            run("server up", server, trials, epochs, capacity, paceMs, png, wav, Duration.ofMinutes(5));
        }
        FakeMlflowServer down = FakeMlflowServer.startDown();
        run("server down", down, trials, epochs, capacity, paceMs, png, wav, Duration.ofMillis(100));
        queueMemory(capacity);
        runStartMemory();
        backlogDrain(capacity);
    }

    private static void run(String label, FakeMlflowServer server, int trials, int epochs, int capacity, int paceMs,
                            Path png, Path wav, Duration flush) throws Exception {
        AtomicLong overflow = new AtomicLong();
        MlflowTracker tracker = MlflowTracker.start(TrackerFixture.settings(server.uri(), capacity),
                item -> overflow.incrementAndGet());
        tracker.studyStarted(TrackerFixture.study("bench-" + label.replace(' ', '-'), Optional.empty()));
        int warmup = 50;
        long[] perTrial = new long[trials];
        for (int t = 0; t < warmup + trials; t++) {
            long start = System.nanoTime();
            trial(tracker, t, epochs, png, wav);
            long took = System.nanoTime() - start;
            if (t >= warmup) {
                perTrial[t - warmup] = took;
            }
            Thread.sleep(paceMs);
        }
        long closeStart = System.nanoTime();
        TrackingReport report = tracker.close(flush);
        long closeMs = (System.nanoTime() - closeStart) / 1_000_000;
        Arrays.sort(perTrial);
        int calls = 1 + epochs + 2 + 1;
        System.out.printf(Locale.ROOT, "%-11s per trial on the calling thread: median %.1f us, p90 %.1f us, p99 %.1f us, "
                        + "max %.1f us (%d calls, median %.2f us/call); close %d ms; sent %d, unsent %d, overflowed %d%n",
                label, perTrial[trials / 2] / 1e3, perTrial[trials * 9 / 10] / 1e3, perTrial[trials * 99 / 100] / 1e3,
                perTrial[trials - 1] / 1e3, calls, perTrial[trials / 2] / 1e3 / calls, closeMs, report.sent(),
                report.unsent().size(), report.overflowed());
    }

    private static void trial(MlflowTracker tracker, int t, int epochs, Path png, Path wav) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < PARAMS_PER_TRIAL; i++) {
            params.put("param_" + i, i % 2 == 0 ? (Object) (0.001 * (t + 1) * (i + 1)) : (Object) (t * 8 + i));
        }
        tracker.trialStarted(t, params, Optional.empty());
        for (int e = 0; e < epochs; e++) {
            tracker.epochMetrics(t, e, epochMetrics(t, e));
        }
        tracker.artifact(t, png, "alignment");
        tracker.artifact(t, wav, "audio");
        tracker.trialFinished(t, TrialOutcome.COMPLETE, OptionalDouble.of(t * 0.01), Optional.empty());
    }

    private static Map<String, Double> epochMetrics(int t, int e) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_loss", 1.0 / (e + 1) + t);
        m.put("val_loss", 1.1 / (e + 1) + t);
        m.put("mel_loss", 0.5 / (e + 1));
        m.put("gate_loss", 0.1 / (e + 1));
        m.put("attention_sharpness", 0.01 * e);
        m.put("frames_per_second", 2700.0 + e);
        return m;
    }

    /** Heap held by a full queue of epoch-metric entries (server down, so nothing drains). */
    private static void queueMemory(int capacity) throws Exception {
        FakeMlflowServer down = FakeMlflowServer.startDown();
        TrackerSettings slow = new TrackerSettings(TrackingTarget.resolve(Optional.of(down.uri()), Map.of()).orElseThrow(),
                "bench", Duration.ofMillis(100), capacity, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        long before = usedHeap();
        AtomicLong overflow = new AtomicLong();
        MlflowTracker tracker = MlflowTracker.start(slow, item -> overflow.incrementAndGet());
        tracker.studyStarted(TrackerFixture.study("memory", Optional.empty()));
        int epochsPerTrial = 20;
        int t = 0;
        while (tracker.queuedEntries() + METRICS_PER_EPOCH <= capacity) {
            tracker.trialStarted(t, Map.of("lr", 0.001 * (t + 1), "batch_size", 16), Optional.empty());
            for (int e = 0; e < epochsPerTrial && tracker.queuedEntries() + METRICS_PER_EPOCH <= capacity; e++) {
                tracker.epochMetrics(t, e, epochMetrics(t, e));
            }
            t++;
        }
        for (int i = 0; i < 1000; i++) {
            tracker.epochMetrics(0, 1000 + i, epochMetrics(0, i));    // all overflow: the bound holds
        }
        int queued = tracker.queuedEntries();
        long after = usedHeap();
        long bytes = after - before;
        System.out.printf(Locale.ROOT, "queue memory: %d entries queued (capacity %d; %d trials' run starts), %d more "
                        + "overflowed to the sink; heap +%.2f MB = %.0f bytes/entry -> %.1f MB at the default capacity "
                        + "of 10000%n", queued, capacity, t, overflow.get(), bytes / 1e6, (double) bytes / queued,
                bytes / (double) queued * 10_000 / 1e6);
        tracker.close(Duration.ofMillis(1));
    }

    /** Run starts and ends are always queued (outside the capacity): what one trial's pair holds. */
    private static void runStartMemory() throws Exception {
        FakeMlflowServer down = FakeMlflowServer.startDown();
        TrackerSettings slow = new TrackerSettings(TrackingTarget.resolve(Optional.of(down.uri()), Map.of()).orElseThrow(),
                "bench", Duration.ofMillis(100), 10, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        long before = usedHeap();
        MlflowTracker tracker = MlflowTracker.start(slow, item -> { });
        tracker.studyStarted(TrackerFixture.study("starts", Optional.empty()));
        int n = 5000;
        for (int t = 0; t < n; t++) {
            Map<String, Object> params = new LinkedHashMap<>();
            for (int i = 0; i < PARAMS_PER_TRIAL; i++) {
                params.put("param_" + i, 0.001 * (t + 1) * (i + 1));
            }
            tracker.trialStarted(t, params, Optional.empty());
            tracker.trialFinished(t, TrialOutcome.COMPLETE, OptionalDouble.empty(), Optional.empty());
        }
        long bytes = usedHeap() - before;
        System.out.printf(Locale.ROOT, "run starts+ends (outside the capacity): %d trials with %d params each hold "
                + "%.2f MB = %.0f bytes per trial%n", n, PARAMS_PER_TRIAL, bytes / 1e6, (double) bytes / n);
        tracker.close(Duration.ofMillis(1));
    }

    /** How fast a backlog of epoch metrics goes out once the server is back. */
    private static void backlogDrain(int capacity) throws Exception {
        FakeMlflowServer server = FakeMlflowServer.startDown();
        MlflowTracker tracker = MlflowTracker.start(TrackerFixture.settings(server.uri(), capacity), item -> { });
        tracker.studyStarted(TrackerFixture.study("drain", Optional.empty()));
        int t = 0;
        while (tracker.queuedEntries() + 20 * METRICS_PER_EPOCH <= capacity) {
            tracker.trialStarted(t, Map.of("lr", 0.001), Optional.empty());
            for (int e = 0; e < 20; e++) {
                tracker.epochMetrics(t, e, epochMetrics(t, e));
            }
            tracker.trialFinished(t, TrialOutcome.COMPLETE, OptionalDouble.of(1), Optional.empty());
            t++;
        }
        int queued = tracker.queuedEntries();
        server.up();
        long start = System.nanoTime();
        TrackingReport report = tracker.close(Duration.ofMinutes(5));
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "backlog drain: %d entries of %d trials sent in %.2f s after the server came back "
                + "(%.0f entries/s); unsent %d%n", queued, t, s, report.sent() / s, report.unsent().size());
        server.close();
    }

    private static long usedHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
