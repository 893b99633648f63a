package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;
import org.smarttuner.tracking.FakeMlflowServer;
import org.smarttuner.tracking.StudyInfo;
import org.smarttuner.tracking.Trackers;
import org.smarttuner.tracking.UnsentItem;

/** The driver with MLflow as a mirror, against the in-process server that keeps MLflow's rules. */
class TuneJobMlflowTest {
    @TempDir
    Path dir;

    TunerConfig config(String uri) {
        String yaml = """
                study:
                  name: tracked
                  n_trials: 4
                  sampler: {type: random, seed: 5}
                  pruner: {type: asha, min_resource: 1, reduction_factor: 3}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                  optimizer: [adam, adamw]
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 3}
                execution: {parallelism: 2, checkpoint_dir: ck}
                output: {delta_path: delta, mlflow: {tracking_uri: '%s', experiment: exp, flush_timeout: 5s}}
                """.formatted(uri);
        return new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", List.of(), Map.of());
    }

    MlflowMirror mirror(TunerConfig c) {
        return MlflowMirror.open(c, SparkTestSession.get(), new StudyInfo(c.study().name(), Map.of("study.n_trials", 4),
                "random", "asha", "hash", "test", Optional.empty()), Map.of());
    }

    @Test
    void aParentRunPerStudyANestedRunPerTrialAndNothingTwiceOnResume() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            TunerConfig c = config(server.uri());
            TuneJob job = new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(), 0),
                    List.of(mirror(c)), Clock.systemUTC());
            job.run();
            List<FrozenTrial> trials = job.study().trials();
            List<FakeMlflowServer.Run> parents = server.runs().stream().filter(r -> r.parentRunId().isEmpty()).toList();
            assertEquals(1, parents.size(), server.runs().toString());
            List<FakeMlflowServer.Run> children = server.children(parents.get(0).runId());
            assertEquals(4, children.size());
            for (FrozenTrial t : trials) {
                FakeMlflowServer.Run run = children.stream()
                        .filter(r -> r.runId().equals(t.systemAttrs().get(TrialCodec.MLFLOW_RUN)))
                        .findFirst().orElseThrow(() -> new AssertionError("trial " + t.number() + " has no stored run id"));
                assertEquals(t.state() == TrialState.COMPLETE ? "FINISHED" : "KILLED", run.status());
                assertEquals(t.intermediateValues().keySet().stream().map(Integer::longValue).toList(),
                        run.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList());
            }
            int requests = server.requests().size();

            // Rerunning the finished study reuses the parent run and sends no metric again.
            TuneJob again = new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(), 0),
                    List.of(mirror(c)), Clock.systemUTC());
            again.run();
            assertEquals(5, server.runs().size(), "no new runs on resume");
            for (FakeMlflowServer.Run r : server.children(parents.get(0).runId())) {
                List<Long> steps = r.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList();
                assertEquals(steps.stream().distinct().count(), steps.size(), "metrics not duplicated: " + steps);
            }
            assertTrue(server.requests().size() >= requests);
            assertEquals(List.of(), new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath()).unsent("tracked"));
        }
    }

    @Test
    void aServerDownForTheWholeStudyLosesNothing() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.startDown()) {
            TunerConfig c = config(server.uri());
            TuneJob job = new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(), 0),
                    List.of(mirror(c)), Clock.systemUTC());
            StudySummary s = job.run();
            assertEquals(4, job.study().trials().size(), "the study completes while MLflow is down");
            assertTrue(s.best().isPresent());
            var unsent = new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath()).unsent("tracked");
            assertTrue(unsent.stream().anyMatch(u -> u.kind().equals("METRIC")), unsent.toString());
        }
    }
}
