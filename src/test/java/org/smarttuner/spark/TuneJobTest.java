package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;

/** The driver on a real local Spark with real Delta tables; training replaced by {@link CurveWork}. */
class TuneJobTest {
    @TempDir
    Path dir;

    static final String ASHA = "{type: asha, min_resource: 1, reduction_factor: 3}";

    TunerConfig config(int nTrials, int parallelism, String pruner, String... sets) {
        String yaml = """
                study:
                  name: drv
                  n_trials: %d
                  max_failures: 3
                  sampler: {type: random, seed: 3}
                  pruner: %s
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 9}
                execution: {parallelism: %d, checkpoint_dir: ck, trial_retries: 1}
                output: {delta_path: delta, sqlite_path: study.db}
                """.formatted(nTrials, pruner, parallelism);
        return new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", List.of(sets), Map.of());
    }

    TuneJob job(TunerConfig c, CurveWork work) {
        return new TuneJob(c, SparkTestSession.get(), work, List.of(), Clock.systemUTC());
    }

    static CurveWork work() {
        return new CurveWork(List.of(), List.of(), List.of(), 0);
    }

    /** Every trial's history is whole and single: events numbered 0..k-1, one metric row per epoch trained. */
    static void assertConsistent(DeltaResultStore store, List<FrozenTrial> trials) {
        List<TrialRow> rows = store.trials("drv");
        assertEquals(trials.size(), rows.size());
        Map<Integer, List<EventRow>> events = store.events("drv").stream()
                .collect(Collectors.groupingBy(EventRow::number));
        Map<Integer, List<MetricRow>> metrics = store.metrics("drv").stream()
                .collect(Collectors.groupingBy(MetricRow::number));
        for (FrozenTrial t : trials) {
            List<Integer> seqs = events.get(t.number()).stream().map(EventRow::seq).sorted().toList();
            assertEquals(java.util.stream.IntStream.range(0, seqs.size()).boxed().toList(), seqs,
                    "trial " + t.number() + " events");
            assertEquals(TrialCodec.events(t), seqs.size(), "trial " + t.number() + " event counter");
            List<Integer> epochs = metrics.getOrDefault(t.number(), List.of()).stream().map(MetricRow::epoch)
                    .sorted().toList();
            assertEquals(new HashSet<>(epochs).size(), epochs.size(), "trial " + t.number() + " epochs recorded once");
            assertEquals(t.intermediateValues().keySet().stream().toList(), epochs, "trial " + t.number());
            assertEquals(TrialCodec.fromRow(rows.get(t.number())), t, "the trials table holds the trial exactly");
        }
    }

    @Test
    void runsAStudyWithAshaAndRecordsEverythingOnce() {
        TunerConfig c = config(6, 2, ASHA);
        TuneJob job = job(c, work());
        StudySummary s = job.run();
        List<FrozenTrial> trials = job.study().trials();
        assertEquals(6, trials.size());
        assertTrue(trials.stream().allMatch(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED),
                trials.toString());
        assertTrue(trials.stream().anyMatch(t -> t.state() == TrialState.PRUNED), "ASHA prunes some of 6");
        FrozenTrial best = s.best().orElseThrow();
        assertEquals(9, TrialCodec.epochsDone(best));
        double lr = (Double) best.params().get("learning_rate");
        assertEquals(CurveWork.loss(lr, 9), best.value().orElseThrow(), 1e-12);
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath());
        assertConsistent(store, trials);
        // Pruned trials leave no checkpoints but the one the report speaks (the pruned trial that trained
        // longest); the completed ones keep their last.
        int showcase = org.smarttuner.report.Showcase.pruned(trials).orElseThrow().number();
        for (FrozenTrial t : trials) {
            Path trialDir = Path.of(Checkpoints.trialDir(c.execution().checkpointDir(), "drv", t.number()));
            if (t.state() == TrialState.PRUNED && t.number() == showcase) {
                assertTrue(Files.exists(Path.of(TrialCodec.checkpoint(t).orElseThrow())), "kept for the report: "
                        + t.number());
            } else if (t.state() == TrialState.PRUNED) {
                assertFalse(Files.exists(trialDir), "pruned trial " + t.number() + " checkpoints");
            } else {
                assertTrue(Files.exists(trialDir.resolve("epoch-9.ckpt")), "trial " + t.number());
            }
        }
        assertTrue(s.describe("val_loss").contains("best trial: #" + best.number()), s.describe("val_loss"));
    }

    @Test
    void aDriverThatDiesIsResumedByRunningTheSameJobAgain() throws Exception {
        TunerConfig c = config(5, 2, ASHA);
        TuneJob first = job(c, work());
        first.abortAfterSegments(4);
        assertThrows(TuneJob.DriverAbort.class, first::run);
        List<FrozenTrial> before = first.study().trials();
        long runningBefore = before.stream().filter(t -> t.state() == TrialState.RUNNING).count();
        assertTrue(runningBefore > 0, "the driver died with trials in flight: " + before);

        TuneJob second = job(c, work());
        StudySummary s = second.run();
        List<FrozenTrial> after = second.study().trials();
        assertEquals(5, after.size(), "no trial lost or duplicated");
        assertTrue(after.stream().allMatch(t -> t.state().isFinished()), after.toString());
        for (FrozenTrial t : after) {
            if (t.state() == TrialState.COMPLETE) {
                String chain = Files.readString(Path.of(TrialCodec.checkpoint(t).orElseThrow()));
                assertTrue(chain.matches("epoch=9;0->1,1->3,3->9,"), "trial " + t.number() + " trained each epoch once: "
                        + chain);
            }
        }
        assertConsistent(new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath()), after);
        assertTrue(s.best().isPresent());
    }

    @Test
    void trialFaultsAreRecordedAndTheStudyGoesOn() {
        TunerConfig c = config(6, 2, "{type: none}", "training.epochs=3",
                "execution.segment_epochs=3");
        CurveWork w = new CurveWork(List.of(1), List.of(2), List.of(3), 0);
        TuneJob job = job(c, w);
        job.run();
        List<FrozenTrial> t = job.study().trials();
        assertEquals(TrialState.COMPLETE, t.get(1).state(), "a task that failed once is retried by Spark");
        assertEquals(TrialState.FAIL, t.get(2).state());
        assertTrue(String.valueOf(t.get(2).systemAttrs().get(TrialCodec.REASON)).contains("simulated bad parameters"));
        assertEquals(TrialState.PRUNED, t.get(3).state());
        assertTrue(String.valueOf(t.get(3).systemAttrs().get(TrialCodec.REASON)).contains("non-finite"));
        assertEquals(1, t.get(3).intermediateValues().size(), "the epoch before the NaN is kept");
        assertEquals(6, t.size());
        assertConsistent(new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath()), t);
    }

    @Test
    void aTrialReachingTheTargetMidSegmentCompletesThereAndTheStudyStops() throws Exception {
        // Every learning rate in this range gives val_loss 0.5 + 1/epoch + at most 0.0044 (CurveWork.loss):
        // epoch 4 is 0.75, epoch 5 reaches 0.705, in the middle of the segment 3->6.
        TunerConfig c = config(4, 2, "{type: none}", "execution.segment_epochs=3", "study.target_value=0.705",
                "search_space.learning_rate.low=0.00099", "search_space.learning_rate.high=0.00101");
        // Trial 1 is slow: it is still in flight when trial 0 reaches the target.
        CurveWork w = new CurveWork(List.of(), List.of(), List.of(), 0, Map.of(1, 4000L));
        TuneJob job = job(c, w);
        StudySummary s = job.run();
        assertTrue(s.stopReason().contains("target value 0.705 reached by trial 0"), s.stopReason());
        assertFalse(s.failedStop());
        List<FrozenTrial> trials = job.study().trials();
        assertEquals(2, trials.size(), "no trial is asked after the target: " + trials);

        FrozenTrial hit = trials.get(0);
        double lr = (Double) hit.params().get("learning_rate");
        assertEquals(TrialState.COMPLETE, hit.state());
        assertEquals(CurveWork.loss(lr, 5), hit.value().orElseThrow(), 1e-12);
        assertEquals(5, TrialCodec.epochsDone(hit));
        assertEquals(List.of(1, 2, 3, 4, 5), List.copyOf(hit.intermediateValues().keySet()));
        String checkpoint = TrialCodec.checkpoint(hit).orElseThrow();
        assertTrue(checkpoint.endsWith("/epoch-5.ckpt"), checkpoint);
        assertEquals("epoch=5;0->3,3->5,", Files.readString(Path.of(checkpoint)));

        FrozenTrial other = trials.get(1);
        int otherEpochs = TrialCodec.epochsDone(other);
        assertEquals(TrialState.PRUNED, other.state(), other.toString());
        assertTrue(otherEpochs < 9 && otherEpochs % 3 == 0, "ended at a segment boundary before the end: "
                + otherEpochs);
        assertTrue(String.valueOf(other.systemAttrs().get(TrialCodec.REASON))
                .startsWith("study stopped (target value 0.705 reached by trial 0"), other.systemAttrs().toString());

        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath());
        assertConsistent(store, trials);
        TrialRow row = store.trials("drv").get(0);
        assertEquals("COMPLETE", row.state());
        assertEquals(hit.value().orElseThrow(), row.value());
        assertEquals(checkpoint, row.checkpoint());
        assertEquals(null, row.error(), "a trial that reached the target did not fail");
        List<EventRow> events = store.events("drv").stream().filter(e -> e.number() == 0)
                .sorted(java.util.Comparator.comparingInt(EventRow::seq)).toList();
        EventRow last = events.get(events.size() - 1);
        assertEquals("COMPLETE", last.toState());
        assertTrue(last.detail().contains("epochs 3->5") && last.detail().contains(
                "reached target_value 0.705 at epoch 5 of 9"), last.detail());
        EventRow stopped = store.events("drv").stream().filter(e -> e.number() == 1)
                .max(java.util.Comparator.comparingInt(EventRow::seq)).orElseThrow();
        assertEquals("PRUNED", stopped.toState());
        assertTrue(stopped.detail().contains("study stopped: target value 0.705"), stopped.detail());
        assertEquals(otherEpochs, store.metrics("drv").stream().filter(m -> m.number() == 1).count());
    }

    @Test
    void consecutiveFailuresStopTheStudyWithASummary() {
        TunerConfig c = config(20, 1, "{type: none}", "training.epochs=2", "execution.segment_epochs=2");
        CurveWork w = new CurveWork(List.of(), List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), List.of(), 0);
        TuneJob job = job(c, w);
        StudySummary s = job.run();
        assertTrue(s.failedStop(), s.stopReason());
        assertTrue(s.stopReason().contains("3 trials failed in a row"), s.stopReason());
        assertEquals(3, job.study().trials().size());
        assertTrue(s.describe("val_loss").contains("no trial completed"));
    }

    @Test
    void theTimeoutCountsTheStudysRunningTimeAcrossResumes() throws Exception {
        TunerConfig c = config(50, 1, "{type: none}", "study.timeout=5m");
        // an earlier driver ran this study for 6 minutes, then ended
        Path folder = Path.of(StudyLease.folder(c.output().deltaPath(), "drv").toUri().getPath());
        Files.createDirectories(folder);
        java.time.Instant end = java.time.Instant.now().minusSeconds(30);
        Files.writeString(folder.resolve("lease-000000001.json"), """
                {"generation": 1, "token": "earlier", "host": "%s", "pid": 1, "pid_start": null,
                 "command": "smart-tuner tune", "since": "%s", "heartbeat": "%s", "released": true,
                 "prior_running_ms": 0}""".formatted(StudyLease.hostName(), end.minusSeconds(360), end));
        TuneJob job = job(c, work());
        StudySummary s = job.run();
        assertTrue(s.stopReason().startsWith("timeout PT5M reached after PT6M"), s.stopReason());
        assertEquals(0, job.study().trials().size(), "the study had used its time: no new trial");
    }
}
