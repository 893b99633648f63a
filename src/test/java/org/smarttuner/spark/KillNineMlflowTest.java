package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.spark.results.UnsentRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.tracking.FakeMlflowServer;

/**
 * Issue #18 item 4, with real processes: MLflow is down, the tracker's queue overflows, and the driver
 * is killed with SIGKILL. What overflowed must already be in {@code tracking_unsent} (kept while the study
 * ran, not at its end), and the rerun, with MLflow back, must bring every recorded epoch to MLflow and
 * leave nothing unsent.
 */
@Tag("slow")
class KillNineMlflowTest {
    @TempDir
    Path dir;

    private Path config(String uri, int queueCapacity) throws IOException {
        Path file = dir.resolve("study.yaml");
        Files.writeString(file, """
                study:
                  name: km
                  metric: val_loss
                  n_trials: 30
                  sampler: {type: random, seed: 3}
                  pruner: {type: asha, min_resource: 2, reduction_factor: 3}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                data: {corpus: synthetic, path: data, size: 12}
                model: {preset: small}
                training: {epochs: 6}
                execution: {master: "local[2]", parallelism: 2, checkpoint_dir: ck}
                output: {delta_path: delta, sqlite_path: study.db,
                         mlflow: {tracking_uri: '%s', experiment: km, queue_capacity: %d, flush_timeout: 2s}}
                """.formatted(uri, queueCapacity), StandardCharsets.UTF_8);
        return file;
    }

    private Process driver(Path config, long segmentMillis, String log) throws IOException {
        return DriverProcess.start(dir, config, segmentMillis, log, "mlflow");
    }

    @Test
    void overflowWhileMlflowIsDownIsInDeltaBeforeAKillAndTheRerunBringsEveryEpochToMlflow() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.startDown()) {
            Path config = config(server.uri(), 10);
            DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
            // Slow segments: the kill comes while the study runs, long before its end would close the tracker.
            Process first = driver(config, 5000, "first.log");
            List<UnsentRow> kept = List.of();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline) {
                assertTrue(first.isAlive(), () -> "the driver ended before the kill: " + log("first.log"));
                if (Files.isDirectory(dir.resolve("delta/tracking_unsent/_delta_log"))) {
                    kept = store.unsent("km");
                    if (kept.stream().filter(u -> u.kind().equals("METRIC")).count() >= 12) {
                        break;
                    }
                }
                Thread.sleep(500);
            }
            assertTrue(first.isAlive(), () -> "the study must still run when it is killed: " + log("first.log"));
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            List<UnsentRow> afterKill = store.unsent("km");
            assertTrue(afterKill.stream().filter(u -> u.kind().equals("METRIC")).count() >= 12,
                    "the overflow was kept in Delta while the study ran: " + afterKill.size() + " rows; "
                    + log("first.log"));
            assertTrue(afterKill.stream().allMatch(u -> u.reason().contains("queue full")),
                    () -> afterKill.stream().map(UnsentRow::reason).distinct().toList() + "\n" + log("first.log"));

            server.up();
            // The rerun has room in its queue (a queue of 10 would overflow again, and rightly keep that too).
            Process rerun = driver(config(server.uri(), 10_000), 50, "rerun.log");
            assertTrue(rerun.waitFor(5, TimeUnit.MINUTES), "the rerun finishes the study");
            assertEquals(0, rerun.exitValue(), log("rerun.log"));

            List<TrialRow> rows = store.trials("km");
            assertEquals(30, rows.size());
            List<MetricRow> metrics = store.metrics("km");
            List<FakeMlflowServer.Run> parents = server.runs().stream().filter(r -> r.parentRunId().isEmpty()).toList();
            assertEquals(1, parents.size(), server.runs().toString());
            for (TrialRow row : rows) {
                FrozenTrial t = TrialCodec.fromRow(row);
                assertTrue(t.state().isFinished(), t.toString());
                String runId = (String) t.systemAttrs().get(TrialCodec.MLFLOW_RUN);
                assertTrue(runId != null, "trial " + t.number() + " has its run id");
                FakeMlflowServer.Run run = server.run(runId);
                assertEquals(parents.get(0).runId(), run.parentRunId().orElseThrow());
                assertFalse(run.status().equals("RUNNING"), "trial " + t.number() + " ended in MLflow");
                Set<Long> recorded = metrics.stream().filter(m -> m.number() == t.number())
                        .map(m -> (long) m.epoch()).collect(Collectors.toCollection(TreeSet::new));
                List<Long> logged = run.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList();
                assertEquals(recorded, new TreeSet<>(logged), "trial " + t.number() + ": every recorded epoch");
                assertEquals(logged.size(), new TreeSet<>(logged).size(), "trial " + t.number() + ": none twice");
            }
            assertEquals(List.of(), store.unsent("km"), "everything kept was sent on the rerun");
        }
    }

    private String log(String name) {
        try {
            String s = Files.readString(dir.resolve(name));
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
