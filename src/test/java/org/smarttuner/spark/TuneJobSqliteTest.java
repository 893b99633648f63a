package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.storage.OutsideLock;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;

/**
 * The study file mirrors the job's study, and real Optuna reads it; an Optuna-made study is
 * continued; a study file in trouble never stops the study.
 */
class TuneJobSqliteTest {
    @TempDir
    Path dir;

    TunerConfig config(int nTrials) {
        String yaml = """
                study:
                  name: mirrored
                  n_trials: %d
                  sampler: {type: tpe, seed: 11, n_startup_trials: 2}
                  pruner: {type: asha, min_resource: 1, reduction_factor: 3}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                  batch_size: {type: int, low: 8, high: 32, step: 8}
                  optimizer: [adam, adamw]
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 3}
                execution: {parallelism: 2, checkpoint_dir: ck}
                output: {delta_path: delta, sqlite_path: study.db}
                """.formatted(nTrials);
        return new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", List.of(), Map.of());
    }

    TuneJob job(TunerConfig c) {
        SqliteMirror sqlite = new SqliteMirror(Path.of(c.output().sqlitePath()), c.study().name(),
                StudyFactory.direction(c.study()));
        return new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(), 0),
                List.of(sqlite), Clock.systemUTC());
    }

    JsonNode optuna(TunerConfig c) throws Exception {
        return new ObjectMapper().readTree(PythonEnv.run("optuna_read_study.py", 180,
                "sqlite:///" + c.output().sqlitePath(), c.study().name()));
    }

    @Test
    void optunaReadsTheStudyTheJobRan() throws Exception {
        TunerConfig c = config(5);
        TuneJob job = job(c);
        StudySummary s = job.run();
        List<FrozenTrial> ours = job.study().trials();
        JsonNode seen = optuna(c);
        assertEquals(ours.size(), seen.get("trials").size());
        for (FrozenTrial t : ours) {
            JsonNode o = seen.get("trials").get(t.number());
            assertEquals(t.state().name(), o.get("state").asText(), "trial " + t.number());
            assertEquals(t.intermediateValues().size(), o.get("intermediate_values").size());
            assertEquals(String.valueOf(t.params().get("optimizer")), o.get("params").get("optimizer").asText());
            assertEquals(((Number) t.params().get("batch_size")).longValue(), o.get("params").get("batch_size").asLong());
        }
        assertEquals(s.best().orElseThrow().number(), seen.get("best").get("number").asInt());
        assertEquals(s.best().orElseThrow().value().orElseThrow(), seen.get("best").get("value").asDouble(), 0.0);
    }

    @Test
    void aStudyOptunaStartedInTheFileIsContinuedAndBothStoresAgree() throws Exception {
        TunerConfig c = config(23);
        PythonEnv.run("optuna_make_study.py", 180, "sqlite:///" + c.output().sqlitePath(), c.study().name());
        TuneJob job = job(c);
        job.run();
        List<FrozenTrial> ours = job.study().trials();
        assertEquals(23, ours.size(), "Optuna's 21 trials (one enqueued) and 2 more");
        assertTrue(ours.stream().allMatch(t -> t.state().isFinished()), ours.toString());
        JsonNode seen = optuna(c);
        assertEquals(23, seen.get("trials").size());
        assertEquals(23, new DeltaResultStore(SparkTestSession.get(), c.output().deltaPath()).trials("mirrored").size(),
                "Delta holds Optuna's trials too");
        for (FrozenTrial t : ours) {
            assertEquals(t.state().name(), seen.get("trials").get(t.number()).get("state").asText());
        }
    }

    private void sameTrials(TuneJob job, JsonNode seen) {
        List<FrozenTrial> ours = job.study().trials();
        assertEquals(ours.size(), seen.get("trials").size());
        for (FrozenTrial t : ours) {
            assertEquals(t.state().name(), seen.get("trials").get(t.number()).get("state").asText(), "trial " + t.number());
        }
    }

    @Test
    void aDamagedStudyFileDoesNotStopTheStudyAndIsRebuiltBesideTheMovedOne() throws Exception {
        TunerConfig c = config(4);
        Path file = Path.of(c.output().sqlitePath());
        byte[] garbage = "not a database\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, garbage);
        TuneJob job = job(c);
        job.run();
        assertEquals(4, job.study().trials().size());
        List<Path> aside;
        try (var l = Files.list(file.getParent())) {
            aside = l.filter(p -> p.getFileName().toString().startsWith("study.db.damaged-")).toList();
        }
        assertEquals(1, aside.size(), aside.toString());
        assertArrayEquals(garbage, Files.readAllBytes(aside.get(0)));
        sameTrials(job, optuna(c));
    }

    @Test
    void aStudyFileLockedThroughoutTheRunDoesNotStopItAndTheNextRunBringsItLevelFromDelta() throws Exception {
        TunerConfig c = config(3);
        Path file = Path.of(c.output().sqlitePath());
        try (SqliteStudyStorage st = SqliteStudyStorage.open(file)) {
            st.createStudy("mirrored", StudyDirection.MINIMIZE);
        }
        try (Connection con = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = con.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE"); // Optuna's mode, where the lock keeps readers out too
        }
        try (OutsideLock lock = OutsideLock.hold(file, "exclusive")) {
            TuneJob first = job(c);
            first.run();
            assertEquals(3, first.study().trials().size());
            lock.release();
        }
        assertEquals(0, optuna(c).get("trials").size(), "the locked file got nothing");
        TuneJob again = job(c);
        again.run();
        assertEquals(3, again.study().trials().size());
        sameTrials(again, optuna(c));
    }
}
