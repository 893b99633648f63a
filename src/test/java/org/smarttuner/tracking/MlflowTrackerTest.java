package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.tracking.TrackerFixture.epoch;
import static org.smarttuner.tracking.TrackerFixture.id;
import static org.smarttuner.tracking.TrackerFixture.params;
import static org.smarttuner.tracking.TrackerFixture.study;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowTrackerTest {

    @TempDir
    Path dir;

    private final TrackerFixture fixture = new TrackerFixture();

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void aFiveTrialStudyIsOneParentRunWithNestedTrialRuns() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker tracker = fixture.start(server);
            CompletableFuture<Optional<String>> parent = tracker.studyStarted(study("ljs-small", Optional.empty()));
            List<CompletableFuture<Optional<String>>> trialIds = new ArrayList<>();
            TrialOutcome[] outcomes = {TrialOutcome.COMPLETE, TrialOutcome.PRUNED, TrialOutcome.COMPLETE, TrialOutcome.FAIL,
                    TrialOutcome.COMPLETE};
            for (int t = 0; t < 5; t++) {
                trialIds.add(tracker.trialStarted(t, params(t), Optional.empty()));
                int epochs = outcomes[t] == TrialOutcome.PRUNED ? 1 : 3;
                for (int step = 0; step < epochs; step++) {
                    tracker.epochMetrics(t, step, epoch(t, step));
                }
                if (outcomes[t] == TrialOutcome.FAIL) {
                    tracker.epochMetrics(t, 3, Map.of("train_loss", Double.NaN));
                }
                tracker.artifact(t, file("alignment-" + t + ".png", "png " + t), "alignment");
                tracker.artifact(t, file("sample-" + t + ".wav", "wav " + t), "audio");
                tracker.trialFinished(t, outcomes[t], outcomes[t] == TrialOutcome.COMPLETE ? OptionalDouble.of(0.5 + t)
                        : OptionalDouble.empty(), outcomes[t] == TrialOutcome.COMPLETE ? Optional.empty()
                        : Optional.of(outcomes[t] == TrialOutcome.PRUNED ? "pruned at rung 0" : "loss became NaN"));
                if (t == 0) {
                    tracker.bestTrial(0, 0.5, Optional.of(file("ckpt-0.params", "weights")));
                }
            }
            tracker.studyFinished(false);
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertTrue(report.complete(), () -> report.unsent().toString());
            assertEquals(Map.of("tts-tuning", "1"), server.experiments());
            String parentId = id(parent);
            FakeMlflowServer.Run p = server.run(parentId);
            assertEquals("ljs-small", p.runName());
            assertEquals(Optional.empty(), p.parentRunId());
            assertEquals("FINISHED", p.status());
            assertEquals(Map.of("model.preset", "small", "training.epochs", "3", "training.lr_decay", "0.5",
                    "sampler", "TPESampler(seed=1)", "pruner", "SuccessiveHalvingPruner(min_resource=1)",
                    "dataset_hash", "sha256:abc123"), p.params());
            assertEquals("ljs-small", p.tags().get("smarttuner.study"));
            assertEquals("0.1.0+g1234", p.tags().get("smarttuner.code_version"));
            assertEquals(List.of(0.5), p.history("best_value").stream().map(FakeMlflowServer.Metric::value).toList());
            assertEquals("0", p.tags().get("smarttuner.best_trial"));

            List<FakeMlflowServer.Run> children = server.children(parentId);
            assertEquals(5, children.size());
            assertEquals(6, server.runs().size());
            String[] statuses = {"FINISHED", "KILLED", "FINISHED", "FAILED", "FINISHED"};
            for (int t = 0; t < 5; t++) {
                FakeMlflowServer.Run c = server.run(id(trialIds.get(t)));
                assertEquals(Optional.of(parentId), c.parentRunId());
                assertEquals("trial-" + t, c.runName());
                assertEquals(String.valueOf(t), c.tags().get("smarttuner.trial"));
                assertEquals(statuses[t], c.status(), "trial " + t);
                assertTrue(c.endTime().isPresent());
                Map<String, String> expected = new HashMap<>();
                params(t).forEach((k, v) -> expected.put(k, ParamFormat.format(v)));
                assertEquals(expected, c.params());
                int epochs = t == 1 ? 1 : 3;
                assertEquals(java.util.stream.LongStream.range(0, epochs).boxed().toList(),
                        c.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList());
                assertEquals(1.0 + t, c.history("train_loss").get(0).value());
                String root = "1/" + c.runId() + "/artifacts/";
                assertArrayEquals(("png " + t).getBytes(StandardCharsets.UTF_8),
                        server.artifacts().get(root + "alignment/alignment-" + t + ".png"));
                assertArrayEquals(("wav " + t).getBytes(StandardCharsets.UTF_8),
                        server.artifacts().get(root + "audio/sample-" + t + ".wav"));
            }
            FakeMlflowServer.Run failed = server.run(id(trialIds.get(3)));
            assertTrue(Double.isNaN(failed.history("train_loss").get(3).value()));
            assertEquals("loss became NaN", failed.tags().get("smarttuner.reason"));
            assertEquals("FAIL", failed.tags().get("smarttuner.state"));
            assertEquals(List.of(0.5), server.run(id(trialIds.get(0))).history("value").stream()
                    .map(FakeMlflowServer.Metric::value).toList());
            assertTrue(server.artifacts().containsKey("1/" + id(trialIds.get(0)) + "/artifacts/checkpoint/ckpt-0.params"));
            // Only the first look-up of the experiment misses (then it is created).
            assertTrue(server.requests().stream().allMatch(r -> r.status() == 200
                    || r.status() == 404 && r.path().endsWith("experiments/get-by-name")), () -> server.requests().toString());
            assertEquals(1, server.requests().stream().filter(r -> r.status() == 404).count());
        }
    }

    @Test
    void aResumedStudyReusesItsRunsAndDuplicatesNothing() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            String parentId = id(first.studyStarted(study("resume", Optional.empty())));
            String t0 = id(first.trialStarted(0, Map.of("batch_size", 7, "lr", 0.001), Optional.empty()));
            for (int step = 0; step < 3; step++) {
                first.epochMetrics(0, step, epoch(0, step));
            }
            first.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(0.25), Optional.empty());
            String t1 = id(first.trialStarted(1, Map.of("batch_size", 16, "lr", 0.002), Optional.empty()));
            first.epochMetrics(1, 0, epoch(1, 0));
            first.epochMetrics(1, 1, epoch(1, 1));
            assertTrue(first.close(Duration.ofSeconds(30)).complete());   // the job dies here, trial 1 half done

            // The same study again: the parent id was kept; trial 1's id was lost, so it is found by its tags.
            MlflowTracker second = fixture.start(server);
            assertEquals(parentId, id(second.studyStarted(study("resume", Optional.of(parentId)))));
            // 16.0 and 0.0020 are what a JSON round trip through the trials table gives back.
            assertEquals(t1, id(second.trialStarted(1, Map.of("batch_size", 16.0, "lr", 0.0020), Optional.empty())));
            for (int step = 0; step < 4; step++) {      // epochs 0 and 1 are trained again from the checkpoint
                second.epochMetrics(1, step, Map.of("train_loss", 10.0 + step, "val_loss", 20.0 + step));
            }
            second.trialFinished(1, TrialOutcome.COMPLETE, OptionalDouble.of(0.2), Optional.empty());
            String t2 = id(second.trialStarted(2, Map.of("batch_size", 7.0, "lr", 1e-5), Optional.empty()));
            second.trialFinished(2, TrialOutcome.PRUNED, OptionalDouble.empty(), Optional.of("rung 0"));
            // The best trial is still trial 0, finished by the first process: its checkpoint goes to its run.
            second.bestTrial(0, 0.25, Optional.of(file("best.params", "w0")));
            TrackingReport report = second.close(Duration.ofSeconds(30));

            assertTrue(report.complete(), () -> report.unsent().toString());
            assertEquals(4, server.runs().size());
            assertEquals(Set.of(t0, t1, t2), server.children(parentId).stream().map(FakeMlflowServer.Run::runId)
                    .collect(Collectors.toSet()));
            FakeMlflowServer.Run r1 = server.run(t1);
            assertEquals(Map.of("batch_size", "16", "lr", "0.002"), r1.params());
            assertEquals(List.of(0L, 1L, 2L, 3L), r1.history("train_loss").stream().map(FakeMlflowServer.Metric::step).toList());
            assertEquals(List.of(1.0 + 1, 0.5 + 1, 12.0, 13.0), r1.history("train_loss").stream()
                    .map(FakeMlflowServer.Metric::value).toList(), "first value of a step kept");
            assertEquals(Map.of("batch_size", "7", "lr", "1e-05"), server.run(t2).params());
            assertEquals(3, server.run(t0).history("val_loss").size());
            assertEquals("FINISHED", server.run(t0).status(), "a finished trial stays finished");
            assertArrayEquals("w0".getBytes(StandardCharsets.UTF_8),
                    server.artifacts().get("1/" + t0 + "/artifacts/checkpoint/best.params"));
            assertEquals(List.of(0L), server.run(parentId).history("best_value").stream()
                    .map(FakeMlflowServer.Metric::step).toList());
            assertEquals("RUNNING", server.run(parentId).status());
            assertTrue(server.requests().stream().noneMatch(r -> r.status() == 400), () -> server.requests().toString());
        }
    }

    @Test
    void aChangedParamIsNotReloggedAndIsReported() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            String parentId = id(first.studyStarted(study("changed", Optional.empty())));
            String t0 = id(first.trialStarted(0, Map.of("batch_size", 8, "optimizer", "adam"), Optional.empty()));
            first.close(Duration.ofSeconds(30));

            MlflowTracker second = fixture.start(server);
            second.studyStarted(study("changed", Optional.of(parentId)));
            assertEquals(t0, id(second.trialStarted(0, Map.of("batch_size", 16, "optimizer", "adam", "seed", 3),
                    Optional.of(t0))));
            TrackingReport report = second.close(Duration.ofSeconds(30));

            assertEquals(Map.of("batch_size", "8", "optimizer", "adam", "seed", "3"), server.run(t0).params());
            assertEquals(1, report.unsent().size(), report.unsent()::toString);
            UnsentItem conflict = report.unsent().get(0);
            assertEquals(UnsentItem.Kind.PARAM, conflict.kind());
            assertEquals("batch_size", conflict.key());
            assertEquals("16", conflict.value());
            assertEquals(Optional.of(t0), conflict.runId());
            assertTrue(conflict.reason().startsWith("param 'batch_size' is already '8' on run " + t0), conflict.reason());
            assertTrue(server.requests().stream().noneMatch(r -> r.status() == 400));
        }
    }

    @Test
    void aBatchTheServerRefusesIsSentParamByParamSoTheOthersAreKept() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker tracker = fixture.start(server);
            String parent = id(tracker.studyStarted(study("refused", Optional.empty())));
            // As when someone else logged one of these params between our look-up and our batch.
            server.failNext("runs/log-batch", 1, 400, "INVALID_PARAMETER_VALUE");
            server.failNext("runs/log-parameter", 1, 400, "INVALID_PARAMETER_VALUE");
            String t0 = id(tracker.trialStarted(0, Map.of("a", 1, "b", 2, "c", 3), Optional.empty()));
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertEquals(2, server.run(t0).params().size(), server.run(t0).params()::toString);
            assertEquals(1, report.unsent().size(), report.unsent()::toString);
            UnsentItem refused = report.unsent().get(0);
            assertEquals(UnsentItem.Kind.PARAM, refused.kind());
            assertFalse(server.run(t0).params().containsKey(refused.key()));
            assertTrue(refused.reason().contains("HTTP 400"), refused.reason());
            assertEquals(Optional.of(t0), refused.runId());
            assertEquals(Optional.of(parent), server.run(t0).parentRunId());
        }
    }

    @Test
    void batchesOverTheLimitsAreSplitAndAllArrive() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker tracker = fixture.start(server);
            Map<String, Object> config = new HashMap<>();
            for (int i = 0; i < 250; i++) {
                config.put("cfg.key" + i, "v".repeat(i % 3 == 0 ? 5000 : 10));
            }
            String parent = id(tracker.studyStarted(new StudyInfo("big", config, "s", "p", "h", "v", Optional.empty())));
            String t0 = id(tracker.trialStarted(0, Map.of("x", 1), Optional.empty()));
            Map<String, Double> wide = new HashMap<>();
            for (int i = 0; i < 1500; i++) {
                wide.put("layer" + i + ".grad_norm", (double) i);
            }
            tracker.epochMetrics(0, 0, wide);
            tracker.epochMetrics(0, 1, wide);
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertTrue(report.complete(), () -> report.unsent().toString());
            assertEquals(253, server.run(parent).params().size());
            assertEquals(3000, server.run(t0).metrics().size());
            List<FakeMlflowServer.Request> batches = server.requests().stream()
                    .filter(r -> r.path().endsWith("runs/log-batch")).toList();
            assertTrue(batches.stream().allMatch(r -> r.status() == 200), batches::toString);
            assertTrue(batches.stream().mapToInt(FakeMlflowServer.Request::params).max().orElse(0) == 100);
            assertTrue(batches.stream().mapToInt(FakeMlflowServer.Request::metrics).max().orElse(0) == 1000);
            assertTrue(batches.size() >= 3 + 3, batches::toString);
        }
    }

    @Test
    void a503IsRetriedAndTheStudyGoesOn() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker tracker = fixture.start(server);
            server.failNext(6, 503);
            CompletableFuture<Optional<String>> parent = tracker.studyStarted(study("flaky", Optional.empty()));
            for (int t = 0; t < 3; t++) {
                tracker.trialStarted(t, params(t), Optional.empty());
                tracker.epochMetrics(t, 0, epoch(t, 0));
                server.failNext(2, 503);
                tracker.epochMetrics(t, 1, epoch(t, 1));
                tracker.trialFinished(t, TrialOutcome.COMPLETE, OptionalDouble.of(t), Optional.empty());
            }
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertTrue(report.complete(), () -> report.unsent().toString());
            assertTrue(server.requests().stream().filter(r -> r.status() == 503).count() >= 6);
            List<FakeMlflowServer.Run> children = server.children(id(parent));
            assertEquals(3, children.size());
            for (FakeMlflowServer.Run c : children) {
                assertEquals(List.of(0L, 1L), c.history("train_loss").stream().map(FakeMlflowServer.Metric::step).toList());
                assertEquals("FINISHED", c.status());
            }
        }
    }

    @Test
    void a429IsRetriedWithoutLosingOrDuplicatingAnything() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker tracker = fixture.start(server);
            String parent = id(tracker.studyStarted(study("limited", Optional.empty())));
            tracker.trialStarted(0, params(0), Optional.empty()).get();
            server.failNext(2, 429);
            tracker.epochMetrics(0, 0, epoch(0, 0));
            tracker.epochMetrics(0, 1, epoch(0, 1));
            tracker.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(1), Optional.empty());
            TrackingReport report = tracker.close(Duration.ofSeconds(60));

            assertTrue(report.complete(), () -> report.unsent().toString());
            assertEquals(2, server.requests().stream().filter(r -> r.status() == 429).count());
            FakeMlflowServer.Run c = server.children(parent).get(0);
            assertEquals(List.of(0L, 1L), c.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList());
            assertEquals("FINISHED", c.status());
        }
    }

    @Test
    void aServerDownForTheWholeStudyLeavesAReportOfEverything() throws Exception {
        FakeMlflowServer server = FakeMlflowServer.startDown();
        MlflowTracker tracker = fixture.start(server);
        CompletableFuture<Optional<String>> parent = tracker.studyStarted(study("offline", Optional.empty()));
        List<CompletableFuture<Optional<String>>> trials = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            trials.add(tracker.trialStarted(t, params(t), Optional.empty()));
            for (int step = 0; step < 2; step++) {
                tracker.epochMetrics(t, step, epoch(t, step));
            }
            tracker.artifact(t, file("a" + t + ".png", "x"), "alignment");
            tracker.trialFinished(t, TrialOutcome.COMPLETE, OptionalDouble.of(t), Optional.empty());
        }
        tracker.studyFinished(false);
        TrackingReport report = tracker.close(Duration.ofMillis(500));

        assertFalse(report.complete());
        assertEquals(0, report.sent());
        assertEquals(Optional.empty(), parent.getNow(Optional.of("not done")));
        for (CompletableFuture<Optional<String>> f : trials) {
            assertEquals(Optional.empty(), f.getNow(Optional.of("not done")));
        }
        Map<UnsentItem.Kind, Long> kinds = report.unsent().stream()
                .collect(Collectors.groupingBy(UnsentItem::kind, Collectors.counting()));
        assertEquals(4L, kinds.get(UnsentItem.Kind.RUN));                    // study + 3 trials
        assertEquals(6L + 9L, kinds.get(UnsentItem.Kind.PARAM));             // 6 study params, 3 per trial
        assertEquals(3L * 2 * 2 + 3, kinds.get(UnsentItem.Kind.METRIC));     // 2 epochs x 2 metrics + value
        assertEquals(3L, kinds.get(UnsentItem.Kind.ARTIFACT));
        assertEquals(4L, kinds.get(UnsentItem.Kind.RUN_STATUS));
        UnsentItem m = report.unsent().stream().filter(u -> u.kind() == UnsentItem.Kind.METRIC).findFirst().orElseThrow();
        assertEquals("offline", m.study());
        assertEquals(java.util.OptionalInt.of(0), m.trial());
        assertTrue(m.step().isPresent());
        assertTrue(m.reason().startsWith("not sent within the flush timeout of 500 ms (last error: look up experiment"),
                m.reason());
    }

    @Test
    void theBacklogIsSentWhenTheServerComesBack() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker tracker = fixture.start(server);
            String parent = id(tracker.studyStarted(study("outage", Optional.empty())));
            server.down();
            for (int t = 0; t < 3; t++) {
                tracker.trialStarted(t, params(t), Optional.empty());
                for (int step = 0; step < 3; step++) {
                    tracker.epochMetrics(t, step, epoch(t, step));
                }
                tracker.trialFinished(t, TrialOutcome.COMPLETE, OptionalDouble.of(t), Optional.empty());
            }
            assertTrue(tracker.queuedEntries() > 0);
            server.up();
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertTrue(report.complete(), () -> report.unsent().toString());
            assertEquals(3, server.children(parent).size());
            for (FakeMlflowServer.Run c : server.children(parent)) {
                assertEquals(3, c.history("train_loss").size());
                assertEquals("FINISHED", c.status());
            }
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOutAndCloseStaysBounded() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            TrackerSettings base = TrackerFixture.settings(server.uri(), 1000);
            TrackerSettings quick = new TrackerSettings(base.target(), base.experiment(), base.flushTimeout(),
                    base.queueCapacity(), base.retryBase(), base.retryMax(), Duration.ofMillis(300), Duration.ofMillis(300));
            MlflowTracker tracker = fixture.start(quick);
            String parent = id(tracker.studyStarted(study("hung", Optional.empty())));
            server.stall();
            tracker.trialStarted(0, params(0), Optional.empty());
            tracker.epochMetrics(0, 0, epoch(0, 0));
            Thread.sleep(1000);     // several timed-out attempts
            server.resume();
            tracker.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(1), Optional.empty());
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertTrue(report.complete(), () -> report.unsent().toString());
            FakeMlflowServer.Run c = server.children(parent).get(0);
            assertEquals(1, c.history("val_loss").size());
            assertEquals(1, server.children(parent).size(), "one run for the trial despite the timed-out calls");

            MlflowTracker stuck = fixture.start(quick);
            server.stall();
            stuck.studyStarted(study("hung-2", Optional.empty()));
            TrackingReport left = stuck.close(Duration.ofMillis(500));
            assertFalse(left.complete());
            assertTrue(left.unsent().get(0).reason().contains("HttpTimeoutException"), left.unsent().get(0).reason());
        }
    }

    @Test
    void artifactsGoIntoAMountedFileRootAndOtherStoresAreReported() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            Path root = Files.createDirectories(dir.resolve("mlruns"));
            server.artifactRoot(root.toUri().toString());
            MlflowTracker tracker = fixture.start(server);
            tracker.studyStarted(study("files", Optional.empty()));
            String t0 = id(tracker.trialStarted(0, params(0), Optional.empty()));
            tracker.artifact(0, file("align.png", "png"), "alignment");
            id(tracker.trialStarted(1, params(1), Optional.empty()));     // wait until trial 0's upload is done
            server.artifactRoot("s3://bucket/mlflow");
            String t2 = id(tracker.trialStarted(2, params(2), Optional.empty()));
            tracker.artifact(2, file("sample.wav", "wav"), "audio");
            tracker.artifact(2, dir.resolve("missing.wav"), "audio");
            TrackingReport report = tracker.close(Duration.ofSeconds(30));

            assertEquals("png", Files.readString(root.resolve("1/" + t0 + "/artifacts/alignment/align.png")));
            assertEquals(2, report.unsent().size(), report.unsent()::toString);
            UnsentItem s3 = report.unsent().get(0);
            assertEquals(UnsentItem.Kind.ARTIFACT, s3.kind());
            assertEquals(Optional.of(t2), s3.runId());
            assertEquals(dir.resolve("sample.wav").toString(), s3.value());
            assertTrue(s3.reason().startsWith("artifact store 's3:' of this run (s3://bucket/mlflow/1/" + t2
                    + "/artifacts) is not supported: start the MLflow server with --serve-artifacts"), s3.reason());
            assertTrue(report.unsent().get(1).reason().startsWith("artifact file " + dir.resolve("missing.wav")
                    + " does not exist"), report.unsent().get(1).reason());
        }
    }

    @Test
    void aFullQueueHandsEntriesToTheOverflowSinkAndNeverBlocks() throws Exception {
        FakeMlflowServer server = FakeMlflowServer.startDown();
        MlflowTracker tracker = fixture.start(TrackerFixture.settings(server.uri(), 20));
        tracker.studyStarted(study("full", Optional.empty()));
        tracker.trialStarted(0, params(0), Optional.empty());
        for (int step = 0; step < 15; step++) {
            tracker.epochMetrics(0, step, epoch(0, step));   // 2 entries each: 10 fit, 5 overflow
        }
        tracker.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(1), Optional.empty());
        assertEquals(20, tracker.queuedEntries());
        TrackingReport report = tracker.close(Duration.ofMillis(200));

        assertEquals(12, report.overflowed());      // 5 epochs x 2 + the value metric + the state tag
        assertEquals(12, fixture.overflow.size());
        assertTrue(fixture.overflow.get(0).reason().startsWith("tracking queue full (20 entries)"));
        assertEquals(10, fixture.overflow.stream().filter(u -> u.kind() == UnsentItem.Kind.METRIC
                && u.step().getAsLong() >= 10).count());
        assertEquals(20, report.unsent().stream().filter(u -> u.kind() == UnsentItem.Kind.METRIC).count());
    }
}
