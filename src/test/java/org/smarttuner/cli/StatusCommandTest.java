package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.SparkTestSession;
import org.smarttuner.spark.TrialCodec;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.FloatDistribution;

/** `smart-tuner status` against real Delta tables (local Spark) and real SQLite study files. */
class StatusCommandTest {
    @TempDir
    static Path dir;
    static String delta;
    static final Instant NOW = Instant.now();
    static final Instant HOURS_AGO = NOW.minus(Duration.ofHours(3));

    static FrozenTrial trial(int n, TrialState state, Double value, Instant start, Map<String, Object> sys) {
        Optional<Instant> end = state.isFinished() ? Optional.of(start.plusSeconds(60 + n)) : Optional.empty();
        TreeMap<Integer, Double> iv = new TreeMap<>();
        iv.put(1, value == null ? 2.0 : value + 0.5);
        return new FrozenTrial(n, state, Map.of("learning_rate", 0.001 * (n + 1)), Map.of("learning_rate",
                FloatDistribution.of(0.0, 1.0)), Optional.ofNullable(value), iv, Map.of(), sys, Optional.of(start),
                end, 0);
    }

    static Map<String, Object> where(String executor, String gpu) {
        return Map.of(TrialCodec.EXECUTOR, executor, TrialCodec.GPU, gpu, TrialCodec.EPOCHS_DONE, 2);
    }

    /** Writes trials to the Delta tables as the driver would, each row last updated at {@code updated}. */
    static void toDelta(String study, List<FrozenTrial> trials, Instant updated) {
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), delta);
        List<TrialRow> rows = new ArrayList<>();
        List<EventRow> events = new ArrayList<>();
        for (FrozenTrial t : trials) {
            rows.add(TrialCodec.toRow(study, t, updated));
            events.add(new EventRow(study, t.number(), 0, Timestamp.from(updated), null, t.state().name(), null, 0,
                    null, "test"));
        }
        store.write(new DeltaResultStore.Batch(rows, events, List.of()));
    }

    @BeforeAll
    static void stores() {
        delta = dir.resolve("delta").toString();
        new DeltaResultStore(SparkTestSession.get(), delta).createTables();
        toDelta("healthy", List.of(trial(0, TrialState.COMPLETE, 1.5, NOW.minusSeconds(600), Map.of()),
                trial(1, TrialState.COMPLETE, 0.75, NOW.minusSeconds(500), Map.of()),
                trial(2, TrialState.RUNNING, null, NOW.minusSeconds(400), where("3@worker-1", "0"))), NOW);
        toDelta("stale", List.of(trial(0, TrialState.COMPLETE, 1.0, HOURS_AGO.minusSeconds(600), Map.of()),
                trial(1, TrialState.RUNNING, null, HOURS_AGO.minusSeconds(300), where("7@worker-2", "1"))), HOURS_AGO);
    }

    static MainTest.Run status(String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "status";
        System.arraycopy(more, 0, args, 1, more.length);
        return MainTest.run(args);
    }

    @Test
    void deltaRunningAndHealthy() throws Exception {
        MainTest.Run r = status("--delta", delta, "--study", "healthy");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Study healthy (Delta tables at " + delta + "): running, healthy"), r.out());
        assertTrue(r.out().contains("trials: 3 (1 running, 2 complete)"), r.out());
        assertTrue(r.out().contains("best: #1 val_mcd_sl 0.750000 {learning_rate=0.002}"), r.out());
        assertTrue(r.out().matches("(?s).*running #2: epoch 2 on 3@worker-1 gpu 0, for \\d+m\\d\\ds, last recorded .*"),
                r.out());
        assertFalse(r.out().contains("STALE"), r.out());
        assertTrue(r.out().contains("last event: " + NOW.truncatedTo(java.time.temporal.ChronoUnit.MICROS)), r.out());

        JsonNode j = new ObjectMapper().readTree(status("--delta", delta, "--study", "healthy", "-f", "json").out());
        assertEquals("running", j.get("phase").asText());
        assertEquals(0, j.get("exit_code").asInt());
        assertEquals(1, j.get("best").get("number").asInt());
        assertEquals("worker-1", j.get("running").get(0).get("executor").asText().split("@")[1]);
        assertEquals("0", j.get("running").get(0).get("gpu").asText());
        assertFalse(j.get("running").get(0).get("stale").asBoolean());
    }

    @Test
    void deltaStaleRunningTrialExitsThree() throws Exception {
        MainTest.Run r = status("--delta", delta, "--study", "stale");
        assertEquals(StatusCommand.STALE, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("running, 1 trial(s) with no record for more than 1h00m"), r.out());
        assertTrue(r.out().matches("(?s).*running #1: epoch 2 on 7@worker-2 gpu 1, for 3h\\d\\dm, last recorded 3h\\d\\dm ago"
                + "  STALE.*"), r.out());
        // A longer grace makes the same trial healthy.
        assertEquals(0, status("--delta", delta, "--study", "stale", "--stale-after", "4h").code());
    }

    @Test
    void sqliteStaleHeartbeatThenAFreshOne() throws Exception {
        Path db = dir.resolve("hb.db");
        try (SqliteStudyStorage old = SqliteStudyStorage.open(db, SqliteStudyStorage.RetryPolicy.defaults(),
                Clock.fixed(HOURS_AGO, ZoneOffset.UTC))) {
            old.createStudy("hb", StudyDirection.MINIMIZE);
            old.writeTrials("hb", List.of(trial(0, TrialState.COMPLETE, 0.5, HOURS_AGO.minusSeconds(900), Map.of()),
                    trial(1, TrialState.RUNNING, null, HOURS_AGO.minusSeconds(60), where("1@gpu-node", "2"))));
            old.heartbeat("hb", 1);
        }
        MainTest.Run r = status("--sqlite", db.toString(), "--study", "hb", "--format", "json");
        assertEquals(StatusCommand.STALE, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("stale", j.get("phase").asText());
        JsonNode run = j.get("running").get(0);
        assertTrue(run.get("stale").asBoolean());
        assertEquals("1@gpu-node", run.get("executor").asText());
        assertTrue(run.get("since_seen_s").asLong() >= 3 * 3600, run.toString());
        assertEquals(HOURS_AGO.truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString(),
                j.get("last_event").asText());

        try (SqliteStudyStorage st = SqliteStudyStorage.open(db)) {
            st.heartbeat("hb", 1);
        }
        r = status("--sqlite", db.toString(), "--study", "hb");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("running, healthy"), r.out());
    }

    @Test
    void sqliteFinishedAndStoppedOnFailures() {
        Path db = dir.resolve("done.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(db)) {
            st.createStudy("ok", StudyDirection.MAXIMIZE);
            st.writeTrials("ok", List.of(trial(0, TrialState.COMPLETE, 0.5, NOW.minusSeconds(900), Map.of()),
                    trial(1, TrialState.FAIL, null, NOW.minusSeconds(800), Map.of()),
                    trial(2, TrialState.COMPLETE, 0.9, NOW.minusSeconds(700), Map.of())));
            st.createStudy("bad", StudyDirection.MINIMIZE);
            List<FrozenTrial> bad = new ArrayList<>(List.of(trial(0, TrialState.COMPLETE, 0.5, NOW.minusSeconds(900),
                    Map.of())));
            for (int i = 1; i <= 3; i++) {
                bad.add(trial(i, TrialState.FAIL, null, NOW.minusSeconds(800 - i), Map.of()));
            }
            st.writeTrials("bad", bad);
        }
        MainTest.Run ok = status("--sqlite", db.toString(), "--study", "ok");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("): finished"), ok.out());
        assertTrue(ok.out().contains("best: #2"), "maximized, from the file's direction: " + ok.out());
        // The embedded default's max_failures is 5; a configuration with 3 makes the last three failures a stop.
        MainTest.Run bad = status("--sqlite", db.toString(), "--study", "bad", "--set", "study.max_failures=3");
        assertEquals(StatusCommand.FAILED, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("stopped on failures: the last 3 finished trial(s) failed"), bad.out());
        assertEquals(0, status("--sqlite", db.toString(), "--study", "bad").code(), "3 failures < max_failures 5");
    }

    @Test
    void badInputsAreUsageErrors() throws Exception {
        MainTest.Run r = status("--delta", delta, "--study", "nope");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("no study named 'nope' in the Delta tables at " + delta
                + "; studies there: healthy, stale"), r.err());
        r = status("--delta", dir.resolve("none").toString(), "--study", "x");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("no Delta tables at " + dir.resolve("none")), r.err());
        Path missing = dir.resolve("missing.db");
        r = status("--sqlite", missing.toString(), "--study", "x");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("no SQLite study file at " + missing), r.err());
        assertFalse(Files.exists(missing));
        r = status("--delta", delta, "--sqlite", missing.toString());
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("not both"), r.err());
        r = status("--delta", delta, "--study", "healthy", "--stale-after", "soon");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("--stale-after: 'soon' is not a positive duration"), r.err());
        r = status("--delta", delta, "--study", "healthy", "--format", "xml");
        assertEquals(Main.USAGE_ERROR, r.code());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "study: {n_trials: 0}\n");
        r = status("-c", bad.toString());
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("study.n_trials"), r.err());
    }
}
