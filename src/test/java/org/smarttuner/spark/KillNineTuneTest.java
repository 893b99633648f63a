package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;

/**
 * Faults as users meet them, with real processes: drivers ({@link DriverProcess}, a real TuneJob on a
 * local Spark with real Delta tables and the real study file) killed with SIGKILL at many moments and
 * started again, and a second {@code smart-tuner tune} (the real command line) started beside a running
 * study.
 */
@Tag("slow")
class KillNineTuneTest {
    @TempDir
    Path dir;

    private Path config(int trials) throws IOException {
        Path file = dir.resolve("study.yaml");
        Files.writeString(file, """
                study:
                  name: kn
                  metric: val_loss
                  n_trials: %d
                  max_failures: 3
                  sampler: {type: tpe, seed: 3, n_startup_trials: 3}
                  pruner: {type: asha, min_resource: 1, reduction_factor: 3}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                data: {corpus: synthetic, path: data, size: 12}
                model: {preset: small}
                training: {epochs: 9}
                execution: {master: "local[2]", parallelism: 2, checkpoint_dir: ck, trial_retries: 1}
                output: {delta_path: delta, sqlite_path: study.db}
                """.formatted(trials), StandardCharsets.UTF_8);
        return file;
    }

    private Process driver(Path config, long segmentMillis, String log) throws IOException {
        return DriverProcess.start(dir, config, segmentMillis, log);
    }

    private static void kill9(Process p) throws Exception {
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally, no flush
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed driver is gone");
    }

    @Test
    void aDriverKilledWithSigkillAtManyMomentsThenRerunRecordsEveryTrialOnceAndDeltaAndTheStudyFileAgree()
            throws Exception {
        Path config = config(10);
        Random random = new Random(20261201);
        List<Long> killedAt = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Process p = driver(config, 150, "kill-" + i + ".log");
            // from JVM start (Spark is up after 3-8 s here) to well into the study: every window comes round
            long wait = 3000 + random.nextInt(12_000);
            if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                break; // the study finished before this kill
            }
            kill9(p);
            killedAt.add(wait);
        }
        Process last = driver(config, 150, "final.log");
        assertTrue(last.waitFor(5, TimeUnit.MINUTES), "the rerun finishes the study");
        String log = Files.readString(dir.resolve("final.log"));
        assertEquals(0, last.exitValue(), log);
        System.out.println("[kill-9] killed at " + killedAt + " ms after start; rerun: " + log.lines()
                .filter(l -> l.contains("resumed from") || l.contains("STUDY-DONE") || l.contains("dropped"))
                .collect(Collectors.joining(" | ")));
        assertTrue(killedAt.size() >= 4, "enough kills landed mid-study: " + killedAt);

        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
        List<TrialRow> rows = store.trials("kn");
        assertEquals(10, rows.size(), "every trial once");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), rows.stream().map(TrialRow::number).toList());
        List<FrozenTrial> trials = rows.stream().map(TrialCodec::fromRow).toList();
        assertTrue(trials.stream().allMatch(t -> t.state().isFinished()), trials.toString());

        List<EventRow> events = store.events("kn");
        Set<String> eventKeys = new HashSet<>();
        for (EventRow e : events) {
            assertTrue(eventKeys.add(e.number() + "/" + e.seq()), "duplicate event (number, seq) " + e);
        }
        List<MetricRow> metrics = store.metrics("kn");
        Set<String> metricKeys = new HashSet<>();
        for (MetricRow m : metrics) {
            assertTrue(metricKeys.add(m.number() + "/" + m.epoch()), "duplicate metric (number, epoch) " + m);
        }
        Map<Integer, List<EventRow>> byTrial = events.stream().collect(Collectors.groupingBy(EventRow::number));
        for (FrozenTrial t : trials) {
            List<Integer> seqs = byTrial.get(t.number()).stream().map(EventRow::seq).sorted().toList();
            assertEquals(java.util.stream.IntStream.range(0, TrialCodec.events(t)).boxed().toList(), seqs,
                    "trial " + t.number() + ": events 0..k-1, as its row counts them");
            List<Integer> epochs = metrics.stream().filter(m -> m.number() == t.number()).map(MetricRow::epoch)
                    .sorted().toList();
            assertEquals(t.intermediateValues().keySet().stream().sorted().toList(), epochs,
                    "trial " + t.number() + ": one metric row per reported epoch");
        }

        try (SqliteStudyStorage file = SqliteStudyStorage.open(dir.resolve("study.db"))) {
            List<FrozenTrial> mirrored = file.trials("kn");
            assertEquals(trials.size(), mirrored.size());
            for (int i = 0; i < trials.size(); i++) {
                FrozenTrial d = trials.get(i);
                FrozenTrial f = mirrored.get(i);
                assertEquals(d.number(), f.number());
                assertEquals(d.state(), f.state(), "trial " + d.number());
                assertEquals(d.value(), f.value(), "trial " + d.number());
                assertEquals(d.params(), f.params(), "trial " + d.number());
                assertEquals(d.intermediateValues(), f.intermediateValues(), "trial " + d.number());
            }
        }
    }

    @Test
    void aSecondTuneOnARunningStudyIsRefusedAtOnceNamingTheHolderAndAKilledHoldersRerunTakesOver()
            throws Exception {
        Path config = config(6);
        Process first = driver(config, 2000, "first.log");
        Configuration conf = new Configuration();
        String delta = dir.resolve("delta").toString();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (StudyLease.newest(conf, delta, "kn").isEmpty() && System.nanoTime() < deadline) {
            assertTrue(first.isAlive(), Files.readString(dir.resolve("first.log")));
            Thread.sleep(200);
        }
        assertEquals(first.pid(), StudyLease.newest(conf, delta, "kn").orElseThrow().pid());

        // the real command line, as a user would start it in a second terminal
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(StandaloneCluster.sparkJvmFlags());
        cmd.addAll(List.of("-Xmx1g", "-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"),
                "org.smarttuner.cli.Main", "tune", "-c", config.toString()));
        long started = System.nanoTime();
        Process second = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("second.log").toFile()).start();
        assertTrue(second.waitFor(2, TimeUnit.MINUTES), "the second tune ends by itself");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        String out = Files.readString(dir.resolve("second.log"));
        assertEquals(1, second.exitValue(), out);
        assertTrue(out.contains("is being run by another driver: host " + StudyLease.hostName() + ", process "
                + first.pid()), out);
        assertTrue(out.contains("since "), out);
        assertTrue(first.isAlive(), "the first study runs on");
        System.out.println("[two drivers] the second tune was refused after " + seconds + " s (JVM and Spark start "
                + "included)");

        kill9(first);
        Process rerun = driver(config, 100, "rerun.log");
        assertTrue(rerun.waitFor(5, TimeUnit.MINUTES), "the rerun finishes the study");
        String log = Files.readString(dir.resolve("rerun.log"));
        assertEquals(0, rerun.exitValue(), log);
        assertTrue(log.contains("process " + first.pid() + " on this host has died"), log);
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), delta);
        assertEquals(6, store.trials("kn").size());
    }
}
