package org.smarttuner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.SqliteUrl;
import org.smarttuner.storage.Update;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.TpeSampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Study-file throughput: ask+tell round trips (in-process and through the CLI) and trial rows written, with readers. */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "Measure ask+tell round trips/s (in-process, and via the CLI) and trial rows written/s on a "
                + "temporary SQLite study file while reader threads read the study.")
final class BenchStorageCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "10", description = "Length of each in-process run (default: "
            + "${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--readers", defaultValue = "2", description = "Reader threads (default: ${DEFAULT-VALUE}).")
    int readers;

    @Option(names = "--cli-rounds", defaultValue = "5",
            description = "ask+tell round trips through new CLI processes (default: ${DEFAULT-VALUE}; 0 skips).")
    int cliRounds;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final Map<String, Distribution> SPACE = Map.of("x", FloatDistribution.of(-1, 1),
            "y", FloatDistribution.of(-1, 1), "lr", FloatDistribution.logUniform(1e-5, 1));

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || readers < 0 || cliRounds < 0) {
            throw new UsageException("--seconds must be >= 1, --readers and --cli-rounds >= 0");
        }
        Path dir = Files.createTempDirectory("st-bench");
        Path file = dir.resolve("bench.db");
        PrintWriter out = spec.commandLine().getOut();
        try (SqliteStudyStorage st = SqliteStudyStorage.open(file)) {
            st.createStudy("asktell", StudyDirection.MINIMIZE);
            st.createStudy("rows", StudyDirection.MINIMIZE);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                Thread t = new Thread(() -> {
                    try (SqliteStudyStorage reader = SqliteStudyStorage.open(file)) {
                        while (!stop.get()) {
                            reader.trials("asktell");
                            reader.trials("rows");
                            reads.incrementAndGet();
                        }
                    }
                }, "bench-reader-" + r);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            TpeSampler tpe = new TpeSampler(1);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            int rounds = 0;
            while (System.nanoTime() < end) {
                FrozenTrial t = st.update("asktell", trials -> {
                    FrozenTrial a = Study.resume("asktell", StudyDirection.MINIMIZE, tpe, new NopPruner(), trials)
                            .ask(SPACE);
                    return new Update<>(List.of(a), a);
                });
                double v = Math.abs((Double) t.params().get("x"));
                st.update("asktell", trials -> new Update<>(List.of(Study.resume("asktell", StudyDirection.MINIMIZE,
                        tpe, new NopPruner(), trials).tell(t.number(), v)), null));
                rounds++;
            }
            double askTellRate = rounds / ((System.nanoTime() - t0) / 1e9);
            double askTellCpuMs = (mx.getCurrentThreadCpuTime() - c0) / 1e6 / Math.max(1, rounds);
            long readsAfterAskTell = reads.get();
            // Trial rows: batches of 50 finished trials with 3 params and 20 intermediate values each.
            Study gen = Study.create("rows", StudyDirection.MINIMIZE, new org.smarttuner.study.sampler.RandomSampler(1),
                    new NopPruner());
            long end2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long t1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            long written = 0;
            while (System.nanoTime() < end2) {
                List<FrozenTrial> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    FrozenTrial t = gen.ask(SPACE);
                    for (int s = 0; s < 20; s++) {
                        gen.report(t.number(), s, 1.0 / (s + 1));
                    }
                    batch.add(gen.tell(t.number(), 0.5));
                }
                st.writeTrials("rows", batch);
                written += batch.size();
            }
            double rowRate = written / ((System.nanoTime() - t1) / 1e9);
            double rowCpuMs = (mx.getCurrentThreadCpuTime() - c1) / 1e6 / Math.max(1, written);
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            out.printf(Locale.ROOT, "in-process ask+tell: %d round trips in %d s = %.1f/s wall, %.2f ms CPU each "
                    + "(study grew to %d trials); %d reader(s) made %d full reads meanwhile%n", rounds, seconds,
                    askTellRate, askTellCpuMs, rounds, readers, readsAfterAskTell);
            out.printf(Locale.ROOT, "trial rows written: %d trials (3 params, 20 intermediate values each, batches "
                    + "of 50) in %d s = %.0f trials/s wall, %.3f ms CPU per trial, with %d reader(s)%n", written,
                    seconds, rowRate, rowCpuMs, readers);
            out.flush();
        }
        if (cliRounds > 0) {
            out.printf(Locale.ROOT, "through the CLI: %.2f ask+tell round trips/s (%d rounds, a new JVM per command)"
                    + "%n", cli(file), cliRounds);
            out.flush();
        }
        Files.deleteIfExists(Path.of(file + "-wal"));
        Files.deleteIfExists(Path.of(file + "-shm"));
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
        return Main.OK;
    }

    private double cli(Path file) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        String space = "{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": -1.0, \"high\": 1.0}}}";
        long t0 = System.nanoTime();
        for (int i = 0; i < cliRounds; i++) {
            String asked = run(List.of(java, "-cp", cp, Main.class.getName(), "ask", "--storage", SqliteUrl.of(file),
                    "--study-name", "asktell", "--search-space", space));
            int number = StudyJson.MAPPER.readTree(asked).get("number").asInt();
            run(List.of(java, "-cp", cp, Main.class.getName(), "tell", "--storage", SqliteUrl.of(file),
                    "--study-name", "asktell", "--trial-number", String.valueOf(number), "--values", "0.5"));
        }
        return cliRounds / ((System.nanoTime() - t0) / 1e9);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("CLI command failed: " + String.join(" ", cmd) + "\n" + err);
        }
        return out;
    }
}
