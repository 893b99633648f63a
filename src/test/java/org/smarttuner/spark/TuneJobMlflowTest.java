package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;
import org.smarttuner.tracking.FakeMlflowServer;
import org.smarttuner.tracking.StudyInfo;

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
            List<FakeMlflowServer.Run> before = server.runs();

            // Rerunning the finished study reuses the parent run and sends nothing for its finished trials.
            MlflowMirror resumed = mirror(c);
            TuneJob again = new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(), 0),
                    List.of(resumed), Clock.systemUTC());
            again.run();
            assertEquals(5, server.runs().size(), "no new runs on resume");
            List<String> calls = server.requests().subList(requests, server.requests().size()).stream()
                    .map(r -> r.method() + " " + r.path().replace("/api/2.0/mlflow/", "")).toList();
            // The study's own run: found (search, its best_value history), set RUNNING, the report, FINISHED.
            assertEquals(List.of("GET experiments/get-by-name", "POST runs/search", "GET metrics/get-history",
                    "POST runs/update"), calls.subList(0, 4), calls.toString());
            assertEquals(2, calls.stream().filter(x -> x.equals("POST runs/update")).count(), calls.toString());
            assertTrue(calls.stream().noneMatch(x -> x.endsWith("runs/get") || x.endsWith("runs/create")
                    || x.endsWith("runs/log-batch")), "no call for a finished trial: " + calls);
            assertEquals(calls.size(), resumed.report().orElseThrow().requests(), "the tracker counts its calls");
            for (FakeMlflowServer.Run r : before) {
                if (r.parentRunId().isPresent()) {
                    assertEquals(r, server.run(r.runId()), "trial run untouched");
                }
            }
            for (FakeMlflowServer.Run r : server.children(parents.get(0).runId())) {
                List<Long> steps = r.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList();
                assertEquals(steps.stream().distinct().count(), steps.size(), "metrics not duplicated: " + steps);
            }
            assertTrue(server.requests().size() >= requests);
            assertEquals(List.of(), new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath()).unsent("tracked"));
        }
    }

    /** A tiny real Tacotron2 study (trained by TrialRunner): 3 trials, rungs at epochs 1 and 3 of 3. */
    TunerConfig trainedConfig(String uri, String extra) {
        String yaml = """
                study:
                  name: voiced
                  n_trials: 3
                  sampler: {type: random, seed: 11}
                  pruner: {type: asha, min_resource: 1, reduction_factor: 3}
                search_space:
                  p_attention_dropout: {type: float, low: 0.0, high: 0.3}
                data: {corpus: synthetic, path: data, size: 8, val_fraction: 0.25}
                model: {preset: small, symbols_embedding_dim: 16, encoder_n_convolutions: 1, encoder_embedding_dim: 16,
                        attention_rnn_dim: 32, attention_dim: 16, attention_location_n_filters: 4,
                        attention_location_kernel_size: 7, decoder_rnn_dim: 32, prenet_dim: 16,
                        postnet_embedding_dim: 16, postnet_n_convolutions: 2, max_decoder_steps: 40}
                training: {epochs: 3, batch_size: 4, free_run_utterances: 1}
                execution: {parallelism: 1, device: cpu, checkpoint_dir: ck}
                output: {delta_path: delta, sqlite_path: out/study.db, report_path: out/report.html,
                         mlflow: {tracking_uri: '%s', experiment: voices, flush_timeout: 20s%s}}
                """.formatted(uri, extra);
        return new ConfigLoader(k -> null, dir).loadText(yaml, "voiced.yaml", List.of(), Map.of());
    }

    @Test
    void eachTrialsRunGetsItsAlignmentImagesAndSpokenSampleAtEveryRungAndTheParentTheReportOnce() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            TunerConfig c = trainedConfig(server.uri(), "");
            TrialRunner.prepare(c.data());
            TuneJob job = new TuneJob(c, SparkTestSession.get(), new TrialRunner(), List.of(mirror(c)),
                    Clock.systemUTC());
            job.run();
            FakeMlflowServer.Run parent = server.runs().stream().filter(r -> r.parentRunId().isEmpty()).findFirst()
                    .orElseThrow();
            Map<String, byte[]> artifacts = server.artifacts();
            String report = "1/" + parent.runId() + "/artifacts/report.html";
            assertTrue(artifacts.containsKey(report), artifacts.keySet().toString());
            assertTrue(new String(artifacts.get(report), java.nio.charset.StandardCharsets.UTF_8).contains("<html"));
            int rungs = 0;
            for (FrozenTrial t : job.study().trials()) {
                String run = (String) t.systemAttrs().get(TrialCodec.MLFLOW_RUN);
                assertEquals(Boolean.TRUE, t.systemAttrs().get(MlflowMirror.SYNCED), "trial " + t.number());
                for (int epoch : t.intermediateValues().keySet()) {
                    if (epoch != 1 && epoch != 3) {
                        continue; // rungs: the segment ends
                    }
                    String root = "1/" + run + "/artifacts/" + TrialArtifacts.rungName(epoch) + "/";
                    byte[] png = artifacts.get(root + TrialArtifacts.ALIGNMENT);
                    byte[] free = artifacts.get(root + TrialArtifacts.FREE_RUNNING);
                    byte[] wav = artifacts.get(root + TrialArtifacts.SPOKEN);
                    assertTrue(png != null && free != null && wav != null, "trial " + t.number() + " epoch " + epoch
                            + ": " + artifacts.keySet());
                    assertPng(png);
                    assertPng(free);
                    assertWav(wav, c.data().audio().sampleRate());
                    rungs++;
                }
                assertEquals(t.intermediateValues().keySet().stream().filter(e -> e == 1 || e == 3).count(),
                        artifacts.keySet().stream().filter(k -> k.startsWith("1/" + run + "/artifacts/rung-")
                                && k.endsWith("/" + TrialArtifacts.ALIGNMENT)).count(), "one upload per rung");
            }
            assertTrue(rungs >= 4, "3 trials at epoch 1, at least one at epoch 3: " + rungs);
            // Uploaded files are removed from the driver's disk: MLflow keeps them.
            try (var left = java.nio.file.Files.walk(TrialArtifacts.studyDir(c))) {
                assertEquals(List.of(), left.filter(java.nio.file.Files::isRegularFile).toList());
            }

            // A resumed finished study uploads no trial artifact again (the report is the study's, made anew).
            int from = server.requests().size();
            new TuneJob(c, SparkTestSession.get(), new TrialRunner(), List.of(mirror(c)), Clock.systemUTC()).run();
            List<FakeMlflowServer.Request> again = server.requests().subList(from, server.requests().size());
            assertEquals(1, again.stream().filter(r -> r.method().equals("PUT")).count(), again.toString());
            assertTrue(again.stream().noneMatch(r -> r.path().contains("/rung-")), again.toString());
        }
    }

    static void assertPng(byte[] b) throws Exception {
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(b, 4));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(b));
        assertTrue(img != null && img.getWidth() > 0 && img.getHeight() > 0);
    }

    static void assertWav(byte[] b, int sampleRate) throws Exception {
        javax.sound.sampled.AudioInputStream in = javax.sound.sampled.AudioSystem.getAudioInputStream(
                new java.io.ByteArrayInputStream(b));
        assertEquals(sampleRate, (int) in.getFormat().getSampleRate());
        assertEquals(1, in.getFormat().getChannels());
        assertTrue(in.getFrameLength() > 0, "samples in the WAV");
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
