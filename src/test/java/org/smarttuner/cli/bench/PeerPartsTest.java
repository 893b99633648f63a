package org.smarttuner.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.cli.bench.PeerReport.Overhead;
import org.smarttuner.cli.bench.PeerReport.PeerRun;
import org.smarttuner.cli.bench.PeerReport.Target;
import org.smarttuner.cli.bench.PeerReport.TargetFigures;
import org.smarttuner.spark.TargetMetric;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.tts.data.DatasetSplit;
import org.smarttuner.tts.data.Utterance;

/** bench peer's parts: the data the peer reads, its result file, the figures, the child process. */
class PeerPartsTest {
    private static final TargetMetric MCD_SL = TargetMetric.of("val_mcd_sl");
    private static final TargetMetric VAL_LOSS = TargetMetric.of("val_loss");

    @TempDir
    Path dir;

    @Test
    void theSplitIsWrittenPaddedInItsOwnOrderAndNumpyReadsIt() throws Exception {
        // two bands; utterance b is the longer in text, a in frames
        Utterance a = new Utterance("a", new int[] {5, 6}, new float[] {1, 2, 3, -1, -2, -3}, 3);
        Utterance b = new Utterance("b", new int[] {7, 8, 9, 10}, new float[] {0.5f, -0.5f}, 1);
        PeerData.split(new DatasetSplit("train", List.of(b, a), 2), "train_", dir);
        PeerData.split(new DatasetSplit("validation", List.of(), 2), "val_", dir);
        List<String> files = new ArrayList<>();
        for (String p : List.of("train_", "val_")) {
            for (String f : List.of("text", "text_lengths", "mel", "mel_lengths")) {
                files.add(dir.resolve(p + f + ".npy").toString());
            }
        }
        List<String> args = new ArrayList<>(List.of("--values"));
        args.addAll(files);
        JsonNode j = new ObjectMapper().readTree(PythonEnv.run("npy_info.py", 120, args.toArray(String[]::new)));
        JsonNode text = j.get(files.get(0));
        assertEquals("int64", text.get("dtype").asText());
        assertEquals("[[7,8,9,10],[5,6,0,0]]", text.get("values").toString(), "b first, as in the split; zero-padded");
        assertEquals("[4,2]", j.get(files.get(1)).get("values").toString());
        assertEquals("int64", j.get(files.get(1)).get("dtype").asText());
        JsonNode mel = j.get(files.get(2));
        assertEquals("float32", mel.get("dtype").asText());
        assertEquals("[2,2,3]", mel.get("shape").toString(), "(N, n_mels, F_max)");
        assertEquals("[[[0.5,0.0,0.0],[-0.5,0.0,0.0]],[[1.0,2.0,3.0],[-1.0,-2.0,-3.0]]]", mel.get("values").toString());
        assertEquals("[1,3]", j.get(files.get(3)).get("values").toString());
        assertEquals("[0,0]", j.get(files.get(4)).get("shape").toString(), "an empty split is still four files");
        assertEquals("[0,2,0]", j.get(files.get(6)).get("shape").toString());
    }

    /** Seed 1: three trials, epochs listed out of order, one epoch without val_mcd_sl. */
    static final String SEED1 = """
            {"arm": "ray-tune", "seed": 1, "ray_version": "2.58.0", "torch_version": "2.13.0",
             "start": 1000.0, "init_seconds": 4.0, "end": 1100.0,
             "trials": [{"trial": "t0", "params": {"learning_rate": 0.002}, "status": "TERMINATED", "epochs": 2, "pruned": true},
                        {"trial": "t1", "params": {}, "status": "TERMINATED", "epochs": 2, "pruned": false},
                        {"trial": "t2", "params": {}, "status": "ERROR", "epochs": 1, "pruned": true}],
             "epochs": [
              {"trial": "t1", "epoch": 2, "ts": 1045.0, "seconds": 10, "train_seconds": 9, "train_loss": 2.0, "val_loss": 1.8,
               "val_mel_loss": 1.0, "val_gate_loss": 0.8, "val_mcd": 7.0, "val_mcd_sl": 7.5, "val_stop_error": 0.5, "val_stop_rate": 0.5},
              {"trial": "t0", "epoch": 1, "ts": 1010.0, "seconds": 8, "train_seconds": 7, "train_loss": 3.5, "val_loss": 3.0, "val_mcd_sl": 9.0},
              {"trial": "t1", "epoch": 1, "ts": 1020.0, "seconds": 9, "train_seconds": 8, "train_loss": 3.0, "val_loss": 2.5, "val_mcd_sl": 8.5},
              {"trial": "t0", "epoch": 2, "ts": 1030.0, "seconds": 8, "train_seconds": 7, "train_loss": 2.5, "val_loss": 2.0,
               "val_mcd_sl": null, "val_mcd": NaN},
              {"trial": "t2", "epoch": 1, "ts": 1060.0, "seconds": 9, "train_seconds": 8, "train_loss": 1.9, "val_loss": 1.5, "val_mcd_sl": 7.9}]}
            """;
    /** Seed 2: never reaches val_mcd_sl 8 in its 90 s. */
    static final String SEED2 = """
            {"arm": "ray-tune", "seed": 2, "ray_version": "2.58.0", "torch_version": "2.13.0",
             "start": 5000.0, "init_seconds": 6.5, "end": 5100.0,
             "trials": [{"trial": "a", "params": {}, "status": "TERMINATED", "epochs": 2, "pruned": false}],
             "epochs": [{"trial": "a", "epoch": 1, "ts": 5030.0, "seconds": 20, "val_loss": 2.0, "val_mcd_sl": 8.5},
                        {"trial": "a", "epoch": 2, "ts": 5090.0, "seconds": 50, "val_loss": 1.9, "val_mcd_sl": 8.2}]}
            """;
    static final String SEED3 = """
            {"arm": "ray-tune", "seed": 3, "ray_version": "2.58.0", "torch_version": "2.13.0",
             "start": 7000.0, "init_seconds": 5.0, "end": 7030.0,
             "trials": [{"trial": "b", "params": {}, "status": "TERMINATED", "epochs": 1, "pruned": false}],
             "epochs": [{"trial": "b", "epoch": 1, "ts": 7020.0, "seconds": 15, "val_loss": 1.0, "val_mcd_sl": 6.0}]}
            """;

    private RayResult ray(String json, long seed) throws Exception {
        Path f = dir.resolve("r" + seed + ".json");
        Files.writeString(f, json);
        return RayResult.read(f, seed);
    }

    @Test
    void aResultFileBecomesRowsNumberedByTheTrialsOrder() throws Exception {
        RayResult r = ray(SEED1, 1);
        assertEquals("2.58.0", r.rayVersion());
        assertEquals(Instant.ofEpochSecond(1000), r.start());
        assertEquals(4.0, r.initSeconds());
        assertEquals(3, r.trials().size());
        assertEquals(2, r.prunedTrials());
        assertEquals(Map.of("learning_rate", 0.002), r.trials().get(0).params());
        assertEquals("ERROR", r.trials().get(2).status());
        MetricRow first = r.rows().get(0);
        assertEquals("ray-s1", first.study());
        assertEquals(1, first.number(), "t1 is trials[1]");
        assertEquals(1, first.segment(), "each report is its own segment: epoch 2 is the second");
        assertEquals(2, first.epoch());
        assertEquals(7.5, first.valMcdSl());
        assertEquals(0.5, first.valStopRate());
        assertEquals(10.0, first.seconds());
        assertEquals(Timestamp.from(Instant.ofEpochSecond(1045)), first.ts());
        MetricRow unmeasured = r.rows().get(3);
        assertNull(unmeasured.valMcdSl());
        assertNull(unmeasured.metric("val_mcd"), "NaN is not a measurement");
        assertEquals(2, r.rows().get(4).number());
        assertEquals(Instant.ofEpochSecond(1733150010, 500_000_000), RayResult.instant(1733150010.5));
    }

    @Test
    void aMissingOrGarbledResultFileIsNamed() throws Exception {
        Path missing = dir.resolve("none.json");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RayResult.read(missing, 1));
        assertTrue(e.getMessage().contains("wrote no result file " + missing), e.getMessage());
        Path f = dir.resolve("bad.json");
        Map<String, String> cases = Map.of(
                "{\"seed\": 1, \"start\": ", "is not valid JSON",
                "[1, 2]", "is not a JSON object",
                SEED1.replace("\"seed\": 1", "\"seed\": 4"), "is of seed 4, not 1",
                SEED1.replace("\"start\": 1000.0,", ""), "has no number \"start\"",
                SEED1.replace("{\"trial\": \"t2\", \"epoch\": 1", "{\"trial\": \"t9\", \"epoch\": 1"),
                "of trial t9, which is not in \"trials\"",
                SEED1.replace("\"ts\": 1010.0, ", ""), "has no number \"ts\" of epoch row 2",
                SEED1.replace(", \"pruned\": false}", "}"), "has no true/false \"pruned\" of trial 2 (t1)",
                SEED1.replace("\"val_loss\": 1.5", "\"val_loss\": \"low\""), "\"val_loss\" that is not a number");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(f, c.getKey());
            e = assertThrows(IllegalStateException.class, () -> RayResult.read(f, 1), c.getValue());
            assertTrue(e.getMessage().contains("the Ray Tune result " + f) && e.getMessage().contains(c.getValue()),
                    e.getMessage());
        }
    }

    @Test
    void aSegmentsEpochsRecordedTogetherBeganOneAfterTheOtherBeforeTheirRecord() {
        // trial 0's first segment: epochs 1-3 (5 s each) recorded at once 30 s after the start, so the first of
        // them began at 15 s, not at 25 s (its record less its own seconds); trial 1 began later
        List<MetricRow> rows = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            // the driver stamps each row of the batch a few microseconds apart
            MetricRow r = ours(0, e, 2030, 5, 9.0 - e, null);
            rows.add(new MetricRow(r.study(), 0, 0, e, null, null, null, null, null, null, r.valMcdSl(), null, null,
                    null, null, null, 5.0, Timestamp.from(Instant.ofEpochSecond(2030, e * 20_000L))));
        }
        MetricRow fourth = ours(0, 4, 2036, 5, 6.0, null);
        rows.add(new MetricRow(fourth.study(), 0, 1, 4, null, null, null, null, null, null, 6.0, null, null, null,
                null, null, 5.0, fourth.ts()));
        rows.add(ours(1, 1, 2050, 4, 9.0, null));
        ArmRun run = new ArmRun(1, "smart-tuner", rows, Instant.ofEpochSecond(2000), 2, 0);
        assertEquals(15.0, run.firstEpochSeconds(), 1e-9);
    }

    @Test
    void atTheBudgetOnlyWhatWasRecordedWithinItCounts() {
        // a 60 s budget: Ray's second trial (recorded at 70 s) and our second segment (65 s, past the timeout
        // because a study checks it between segments) come too late
        ArmRun ray = new ArmRun(1, PeerReport.RAY, List.of(ours(0, 1, 1010, 9, 9.0, 6.0), ours(0, 2, 1020, 9, 8.0,
                5.0), ours(1, 1, 1070, 9, 5.0, 3.0)), Instant.ofEpochSecond(1000), 2, 0);
        ArmRun mine = new ArmRun(1, PeerReport.OURS, List.of(ours(0, 1, 2030, 9, 8.5, null), ours(0, 2, 2030, 9, 7.5,
                null), ours(1, 1, 2065, 9, 4.0, 2.0)), Instant.ofEpochSecond(2000), 2, 0);
        PeerReport report = new PeerReport(List.of(1L), List.of(PeerReport.RAY, PeerReport.OURS),
                List.of(new PeerRun(ray, 1), new PeerRun(mine, 1)), 60);
        TargetMetric loss = TargetMetric.of("val_loss");
        List<PeerReport.AtBudget> at = report.atBudget(List.of(MCD_SL, loss));
        assertEquals(Optional.of(8.0), at.get(0).best().get("val_mcd_sl"));
        assertEquals(Optional.of(5.0), at.get(0).best().get("val_loss"));
        assertEquals(1, at.get(0).trials());
        assertEquals(2, at.get(0).epochs());
        assertEquals(Optional.of(7.5), at.get(1).best().get("val_mcd_sl"));
        assertEquals(Optional.empty(), at.get(1).best().get("val_loss"), "not measured within the budget");
        assertEquals(Map.of(PeerReport.RAY, Optional.of(8.0), PeerReport.OURS, Optional.of(7.5)),
                report.medianBestAtBudget(MCD_SL));
        StringWriter text = new StringWriter();
        report.printAtBudget(new PrintWriter(text, true), List.of(MCD_SL, loss));
        assertTrue(text.toString().contains("median best val_mcd_sl at the budget: ray-tune 8.0000, smart-tuner 7.5000"),
                text.toString());
        assertTrue(new PeerReport(List.of(1L), List.of(PeerReport.RAY), List.of(new PeerRun(ray, 1)))
                .atBudget(List.of(MCD_SL)).isEmpty(), "no budget, no figures at it");
    }

    private static MetricRow ours(int number, int epoch, long ts, double seconds, Double mcdSl, Double valLoss) {
        return new MetricRow("smart-tuner-s1", number, epoch - 1, epoch, null, valLoss, null, null, null, null, mcdSl, null,
                null, null, null, null, seconds, Timestamp.from(Instant.ofEpochSecond(ts)));
    }

    /** Three seeds: Ray faster on seed 3, slower on seed 1, never there on seed 2. */
    private List<PeerRun> runs() throws Exception {
        List<PeerRun> runs = new ArrayList<>();
        RayResult r1 = ray(SEED1, 1);
        runs.add(new PeerRun(r1.run("ray-tune"), r1.initSeconds()));
        runs.add(new PeerRun(new ArmRun(1, "smart-tuner", List.of(ours(0, 1, 2005, 4, 8.8, null),
                ours(0, 2, 2010, 4, 7.9, null), ours(1, 1, 2020, 5, 8.9, 1.2)), Instant.ofEpochSecond(2000), 2, 1), 12.5));
        RayResult r2 = ray(SEED2, 2);
        runs.add(new PeerRun(r2.run("ray-tune"), r2.initSeconds()));
        runs.add(new PeerRun(new ArmRun(2, "smart-tuner", List.of(ours(0, 1, 6030, 25, 7.0, null)),
                Instant.ofEpochSecond(6000), 1, 0), 12.5));
        RayResult r3 = ray(SEED3, 3);
        runs.add(new PeerRun(r3.run("ray-tune"), r3.initSeconds()));
        runs.add(new PeerRun(new ArmRun(3, "smart-tuner", List.of(ours(0, 1, 8040, 30, 7.9, null)),
                Instant.ofEpochSecond(8000), 1, 0), 12.5));
        return runs;
    }

    @Test
    void timesRatiosMediansAndOverheadsOfHandWrittenRuns() throws Exception {
        PeerReport report = new PeerReport(List.of(1L, 2L, 3L), List.of("ray-tune", "smart-tuner"), runs());
        TargetFigures f = report.figures(new Target(MCD_SL, 8.0));
        PeerReport.Row ray1 = f.rows().get(0);
        // reached by t1's epoch 2 at 1045: the 4th epoch in time order (t0/1, t1/1, t0/2, t1/2), 8+9+8+10 s
        assertEquals(Optional.of(45.0), ray1.wallSeconds());
        assertEquals(Optional.of(35.0), ray1.time().trainingSeconds());
        assertEquals(4, ray1.time().epochs().getAsInt());
        assertEquals(Optional.of(7.5), ray1.time().best());
        assertEquals(5, ray1.time().totalEpochs());
        assertEquals(3, ray1.trials());
        assertEquals(2, ray1.pruned());
        PeerReport.Row ours1 = f.rows().get(1);
        assertEquals(Optional.of(10.0), ours1.wallSeconds());
        assertEquals(Optional.of(8.0), ours1.time().trainingSeconds());
        assertFalse(f.rows().get(2).time().reached());
        assertEquals("4.50x", f.ratios().get(1L).text());
        // seed 2: Ray's whole 90 s run against our 30 s
        assertEquals("> 3.00x (ray-tune never reached it)", f.ratios().get(2L).text());
        assertTrue(f.ratios().get(2L).lowerBound());
        assertEquals("0.50x", f.ratios().get(3L).text());
        assertEquals(Optional.of(45.0), f.medianWall().get("ray-tune"), "of 20, 45 and never");
        assertEquals(Optional.of(30.0), f.medianWall().get("smart-tuner"), "of 10, 30, 40");
        assertEquals(2L, f.reachedSeeds().get("ray-tune"));
        assertEquals("1.50x", f.medianRatio().orElseThrow().text());

        // val_loss from the same runs: Ray's seed 1 reaches 1.6 only with t2 at 1060, after all 5 epochs (44 s)
        TargetFigures loss = report.figures(new Target(VAL_LOSS, 1.6));
        assertEquals(Optional.of(60.0), loss.rows().get(0).wallSeconds());
        assertEquals(Optional.of(44.0), loss.rows().get(0).time().trainingSeconds());
        assertEquals(Optional.of(20.0), loss.rows().get(1).wallSeconds(), "our third epoch");
        assertEquals("3.00x", loss.ratios().get(1L).text());
        assertEquals("n/a (not reached by smart-tuner)", loss.ratios().get(2L).text());

        Overhead o = report.overheads().get(0);
        assertEquals(60.0, o.wallSeconds(), 1e-9);
        assertEquals(44.0, o.epochSeconds(), 1e-9);
        assertEquals(16.0, o.overheadSeconds(), 1e-9);
        assertEquals(16.0 / 3, o.perTrial(), 1e-9);
        assertEquals(16.0 / 5, o.perEpoch(), 1e-9);
        assertEquals(4.0, o.startupSeconds());
        Overhead ours = report.overheads().get(1);
        assertEquals(7.0, ours.overheadSeconds(), 1e-9);
        assertEquals(3.5, ours.perTrial(), 1e-9);

        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        report.print(out, f);
        report.printOverheads(out);
        out.flush();
        String s = text.toString();
        assertTrue(s.contains("val_mcd_sl <= 8.0"), s);
        assertTrue(s.contains("1      ray-tune     yes            45.0         35.0        4     7.5000        3        2"
                + "          5"), s);
        assertTrue(s.contains("2      ray-tune     no                -            -        -     8.2000"), s);
        assertTrue(s.contains("seed 1: ray-tune / smart-tuner = 4.50x wall"), s);
        assertTrue(s.contains("median wall over 3 seed(s): ray-tune 45.0 s (reached in 2 of 3), smart-tuner 30.0 s "
                + "(reached in 3 of 3); ray-tune / smart-tuner = 1.50x"), s);
        // Ray's first epoch (t0/1) was recorded at 10 s after 8 s of its own: it began 2 s after the start
        assertEquals(2.0, o.firstEpochSeconds(), 1e-9);
        assertEquals(1.0, ours.firstEpochSeconds(), 1e-9);
        assertTrue(s.contains("1      ray-tune           60.0       44.0        16.0         5.33         3.20"
                + "             2.0        4.0"), s);

        Map<String, Object> summary = report.summary(List.of(new Target(MCD_SL, 8.0)));
        JsonNode j = new ObjectMapper().valueToTree(summary);
        assertEquals(45.0, j.at("/targets/0/runs/0/wall_seconds").asDouble());
        assertTrue(j.at("/targets/0/runs/2/wall_seconds").isNull());
        assertEquals(3.0, j.at("/targets/0/wall_ratios/1/ratio").asDouble(), 1e-9);
        assertTrue(j.at("/targets/0/wall_ratios/1/lower_bound").asBoolean());
        assertEquals(1.5, j.at("/targets/0/median_wall_ratio/ratio").asDouble(), 1e-9);
        assertEquals(16.0, j.at("/overhead/0/overhead_seconds").asDouble(), 1e-9);
        assertEquals(2.0, j.at("/overhead/0/first_epoch_start_seconds").asDouble(), 1e-9);
    }

    @Test
    void aMedianNotReachedGivesALowerBoundFromRaysWholeRuns() throws Exception {
        PeerReport report = new PeerReport(List.of(1L, 2L), List.of("ray-tune", "smart-tuner"), runs().subList(0, 4));
        TargetFigures f = report.figures(new Target(MCD_SL, 8.0));
        assertEquals(Optional.empty(), f.medianWall().get("ray-tune"), "45 and never: the mean of the two is never");
        assertEquals(Optional.of(20.0), f.medianWall().get("smart-tuner"));
        // Ray's lower bounds: 45 (reached) and 90 (its whole run), median 67.5
        assertEquals("> 3.38x (ray-tune never reached it)", f.medianRatio().orElseThrow().text());
        assertEquals(Double.POSITIVE_INFINITY, PeerReport.median(new double[] {1, Double.POSITIVE_INFINITY}));
        assertEquals(2.0, PeerReport.median(new double[] {3, 1, 2}));
        assertEquals(2.5, PeerReport.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void oneArmAloneHasNoRatios() throws Exception {
        List<PeerRun> rayOnly = runs().stream().filter(r -> r.run().arm().equals("ray-tune")).toList();
        TargetFigures f = new PeerReport(List.of(1L, 2L, 3L), List.of("ray-tune"), rayOnly)
                .figures(new Target(MCD_SL, 8.0));
        assertTrue(f.ratios().isEmpty());
        assertTrue(f.medianRatio().isEmpty());
        assertEquals(Optional.of(45.0), f.medianWall().get("ray-tune"));
    }

    @Test
    void aFailingChildShowsItsCommandAndTheLogsLastLines() throws Exception {
        Path log = dir.resolve("sub/log.txt");
        List<String> cmd = List.of("bash", "-c", "for i in $(seq 1 30); do echo line $i; done; echo oops >&2; "
                + "echo \"threads=$OMP_NUM_THREADS\"; exit 3");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChildProcess.run("the stand-in",
                cmd, Map.of("OMP_NUM_THREADS", "7"), log, Duration.ofSeconds(30)));
        String m = e.getMessage();
        assertTrue(m.startsWith("the stand-in failed with exit code 3: bash -c for i in"), m);
        assertTrue(m.contains("the last 20 lines of " + log + ":\nline 13\n"), m);
        assertTrue(m.endsWith("line 30\noops\nthreads=7"), "stderr too, and the variable set: " + m);
        assertFalse(m.contains("line 12\n"), m);
    }

    @Test
    void aHungChildIsKilledWithItsChildrenAndALeftOverProcessToo() throws Exception {
        Path pid = dir.resolve("pid");
        Path log = dir.resolve("hung.txt");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChildProcess.run("the hung one",
                List.of("bash", "-c", "sleep 300 & echo $! > " + pid + "; echo waiting; wait"), Map.of(), log,
                Duration.ofMillis(1500)));
        assertTrue(e.getMessage().startsWith("the hung one was still running after 1.5 s and was killed with its "
                + "child processes"), e.getMessage());
        assertTrue(e.getMessage().endsWith("\nwaiting"), e.getMessage());
        assertTrue(gone(Long.parseLong(Files.readString(pid).trim())), "the grandchild is gone");

        // exits 0 but leaves a process behind (as a raylet whose driver did not shut Ray down)
        Path left = dir.resolve("left");
        ChildProcess.run("the untidy one", List.of("bash", "-c", "sleep 300 & echo $! > " + left + "; sleep 1.5"),
                Map.of(), dir.resolve("untidy.txt"), Duration.ofSeconds(30));
        assertTrue(gone(Long.parseLong(Files.readString(left).trim())), "the left-over process is gone");
    }

    /** Gone, or a zombie nobody reaped (this machine's init does not). */
    private static boolean gone(long pid) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (ProcessHandle.of(pid).map(h -> !ChildProcess.running(h)).orElse(true)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
