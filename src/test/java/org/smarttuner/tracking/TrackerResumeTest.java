package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.tracking.TrackerFixture.epoch;
import static org.smarttuner.tracking.TrackerFixture.id;
import static org.smarttuner.tracking.TrackerFixture.params;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #18 item 4: what a resumed study sends to MLflow, and how it finds its runs. */
class TrackerResumeTest {
    @TempDir
    Path dir;

    private final TrackerFixture fixture = new TrackerFixture();

    private static StudyInfo study(String name, String preset, String id, boolean byNameToo) {
        StudyInfo base = new StudyInfo(name, Map.of("model.preset", preset), "tpe", "asha", "h", "v", Optional.empty());
        return id == null ? base : base.withStudyId(id, byNameToo);
    }

    /** One trial run to its end; returns the trial's run id. */
    private String oneTrial(MlflowTracker t, int trial) throws Exception {
        String run = id(t.trialStarted(trial, params(trial), Optional.empty()));
        for (int step = 1; step <= 3; step++) {
            t.epochMetrics(trial, step, epoch(trial, step));
        }
        assertTrue(t.trialFinished(trial, TrialOutcome.COMPLETE, OptionalDouble.of(0.5), Optional.empty())
                .get(30, TimeUnit.SECONDS));
        return run;
    }

    @Test
    void aNewStudyThatReusesANameGetsRunsOfItsOwnAndItsParamsAreTaken() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            String oldParent = id(first.studyStarted(study("demo", "small", "id-old", false)));
            String oldTrial = oneTrial(first, 0);
            first.studyFinished(false);
            assertTrue(first.close(Duration.ofSeconds(20)).complete());

            // The same name, another study (another output folder, or made anew): another model preset.
            MlflowTracker second = fixture.start(server);
            String newParent = id(second.studyStarted(study("demo", "large", "id-new", false)));
            String newTrial = oneTrial(second, 0);
            second.studyFinished(false);
            TrackingReport report = second.close(Duration.ofSeconds(20));

            assertTrue(report.complete(), () -> "nothing refused: " + report.unsent());
            assertFalse(newParent.equals(oldParent), "a parent run of its own");
            assertFalse(newTrial.equals(oldTrial), "trial runs of its own");
            assertEquals("large", server.run(newParent).params().get("model.preset"));
            assertEquals("small", server.run(oldParent).params().get("model.preset"), "the old run is untouched");
            assertEquals("id-new", server.run(newParent).tags().get("smarttuner.study_id"));
            assertEquals("id-new", server.run(newTrial).tags().get("smarttuner.study_id"));
            assertEquals(Optional.of(newParent), server.run(newTrial).parentRunId());
            assertEquals(List.of(0.5), server.run(oldTrial).history("value").stream()
                    .map(FakeMlflowServer.Metric::value).toList(), "the old trial run got nothing more");
        }
    }

    @Test
    void aStudyTrackedBeforeStudyIdsFindsItsParentRunByNameAndTagsItWithItsId() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker old = fixture.start(server);
            String parent = id(old.studyStarted(study("legacy", "small", null, true)));
            old.studyFinished(false);
            old.close(Duration.ofSeconds(20));
            assertFalse(server.run(parent).tags().containsKey("smarttuner.study_id"));

            MlflowTracker resumed = fixture.start(server);
            assertEquals(parent, id(resumed.studyStarted(study("legacy", "small", "id-1", true))));
            resumed.studyFinished(false);
            assertTrue(resumed.close(Duration.ofSeconds(20)).complete());
            assertEquals("id-1", server.run(parent).tags().get("smarttuner.study_id"));
            assertEquals(1, server.runs().size());

            // A study with another id never takes it, even when it may look by name.
            MlflowTracker other = fixture.start(server);
            String otherParent = id(other.studyStarted(study("legacy", "small", "id-2", true)));
            other.close(Duration.ofSeconds(20));
            assertFalse(otherParent.equals(parent));
        }
    }

    @Test
    void aTrialWhoseRunHasEndedCostsOneCallAndGetsNothingMore() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            id(first.studyStarted(study("s", "small", "id", false)));
            String run = oneTrial(first, 0);
            first.close(Duration.ofSeconds(20));
            FakeMlflowServer.Run before = server.run(run);

            MlflowTracker resumed = fixture.start(server);
            id(resumed.studyStarted(study("s", "small", "id", false)));
            int from = server.requests().size();
            assertEquals(Optional.of(run), resumed.trialEndedBefore(0, params(0), Optional.of(run))
                    .get(30, TimeUnit.SECONDS));
            for (int step = 1; step <= 3; step++) {
                resumed.epochMetrics(0, step, epoch(0, step));
            }
            Path png = Files.writeString(dir.resolve("alignment.png"), "png");
            assertTrue(resumed.artifact(0, png, "rung-epoch0003").get(30, TimeUnit.SECONDS));
            assertTrue(resumed.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(0.5), Optional.empty())
                    .get(30, TimeUnit.SECONDS));
            resumed.close(Duration.ofSeconds(20));

            List<FakeMlflowServer.Request> calls = server.requests().subList(from, server.requests().size());
            assertEquals(List.of("/api/2.0/mlflow/runs/get"), calls.stream().map(FakeMlflowServer.Request::path).toList());
            assertEquals(before, server.run(run));
        }
    }

    @Test
    void aTrialWhoseRunIsStillRunningIsReusedAndEnded() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            id(first.studyStarted(study("s", "small", "id", false)));
            String run = id(first.trialStarted(0, params(0), Optional.empty()));
            first.epochMetrics(0, 1, epoch(0, 1));
            first.close(Duration.ofSeconds(20)); // a driver killed before the trial's end reached MLflow

            MlflowTracker resumed = fixture.start(server);
            id(resumed.studyStarted(study("s", "small", "id", false)));
            assertEquals(Optional.of(run), resumed.trialEndedBefore(0, params(0), Optional.empty())
                    .get(30, TimeUnit.SECONDS), "found by its tags");
            resumed.epochMetrics(0, 1, epoch(0, 1));
            resumed.epochMetrics(0, 2, epoch(0, 2));
            assertTrue(resumed.trialFinished(0, TrialOutcome.PRUNED, OptionalDouble.empty(), Optional.of("rung 0"))
                    .get(30, TimeUnit.SECONDS));
            resumed.close(Duration.ofSeconds(20));
            FakeMlflowServer.Run r = server.run(run);
            assertEquals("KILLED", r.status());
            assertEquals(List.of(1L, 2L), r.history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList());
            assertEquals(2, server.runs().size());
        }
    }

    @Test
    void entriesAnEarlierRunKeptAsUnsentAreSentToTheirRuns() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            String parent = id(first.studyStarted(study("s", "small", "id", false)));
            String run = oneTrial(first, 0);
            first.close(Duration.ofSeconds(20));

            Path wav = Files.write(dir.resolve("spoken.wav"), new byte[] {'R', 'I', 'F', 'F'});
            long ts = 1_700_000_000_000L;
            List<UnsentItem> kept = List.of(
                    new UnsentItem("s", OptionalInt.of(0), Optional.empty(), UnsentItem.Kind.METRIC, "val_loss", "0.25",
                            OptionalLong.of(9), ts, "queue full"),
                    new UnsentItem("s", OptionalInt.of(0), Optional.of(run), UnsentItem.Kind.ARTIFACT, "rung-epoch0009",
                            wav.toString(), OptionalLong.empty(), ts, "queue full"),
                    new UnsentItem("s", OptionalInt.of(0), Optional.of(run), UnsentItem.Kind.RUN_STATUS, "FINISHED",
                            "FINISHED", OptionalLong.empty(), ts, "flush timeout"),
                    new UnsentItem("s", OptionalInt.empty(), Optional.empty(), UnsentItem.Kind.TAG, "smarttuner.note",
                            "kept", OptionalLong.empty(), ts, "flush timeout"),
                    new UnsentItem("s", OptionalInt.empty(), Optional.empty(), UnsentItem.Kind.RUN_STATUS, "FINISHED",
                            "FINISHED", OptionalLong.empty(), ts, "flush timeout"));
            MlflowTracker resumed = fixture.start(server);
            id(resumed.studyStarted(study("s", "small", "id", false)));
            resumed.resend(kept);
            TrackingReport report = resumed.close(Duration.ofSeconds(20));

            assertTrue(report.complete(), () -> report.unsent().toString());
            FakeMlflowServer.Run r = server.run(run);
            assertEquals(List.of(0.25), r.history("val_loss").stream().filter(m -> m.step() == 9)
                    .map(FakeMlflowServer.Metric::value).toList());
            assertArrayEquals(new byte[] {'R', 'I', 'F', 'F'},
                    server.artifacts().get("1/" + run + "/artifacts/rung-epoch0009/spoken.wav"));
            assertEquals("kept", server.run(parent).tags().get("smarttuner.note"));
            assertEquals("RUNNING", server.run(parent).status(), "the parent is ended by the study's run, not the replay");
            assertEquals(2, server.runs().size(), "no run made anew");
        }
    }

    @Test
    void keptEntriesSentAgainToARunThatHasEndedAreNotLoggedTwice() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker first = fixture.start(server);
            id(first.studyStarted(study("s", "small", "id", false)));
            String run = oneTrial(first, 0);
            first.close(Duration.ofSeconds(20));

            long ts = 1_700_000_000_000L;
            MlflowTracker resumed = fixture.start(server);
            id(resumed.studyStarted(study("s", "small", "id", false)));
            resumed.trialEndedBefore(0, params(0), Optional.of(run));
            // one step the run has (an earlier resend that was cut short), one it lacks
            resumed.resend(List.of(new UnsentItem("s", OptionalInt.of(0), Optional.empty(), UnsentItem.Kind.METRIC,
                    "val_loss", "9.0", OptionalLong.of(1), ts, "queue full"), new UnsentItem("s", OptionalInt.of(0),
                    Optional.empty(), UnsentItem.Kind.METRIC, "val_loss", "0.125", OptionalLong.of(4), ts, "queue full")));
            for (int step = 1; step <= 4; step++) {
                resumed.epochMetrics(0, step, epoch(0, step));
            }
            resumed.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(0.5), Optional.empty());
            assertTrue(resumed.close(Duration.ofSeconds(20)).complete());
            List<Long> steps = server.run(run).history("val_loss").stream().map(FakeMlflowServer.Metric::step).toList();
            assertEquals(List.of(1L, 2L, 3L, 4L), steps.stream().sorted().toList(), "each step once: " + steps);
            assertEquals(0.125, server.run(run).history("val_loss").stream().filter(m -> m.step() == 4).findFirst()
                    .orElseThrow().value());
        }
    }

    @Test
    void anArtifactPathThatClimbsOutIsRefused() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowTracker t = fixture.start(server);
            t.studyStarted(study("s", "small", "id", false));
            t.trialStarted(0, params(0), Optional.empty());
            Path f = Files.writeString(dir.resolve("a.png"), "x");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.artifact(0, f, "../up"));
            assertTrue(e.getMessage().contains("'../up'"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> study("s", "small", " ", false));
            t.close(Duration.ofSeconds(5));
        }
    }
}
