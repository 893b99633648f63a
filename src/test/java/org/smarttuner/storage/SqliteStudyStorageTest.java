package org.smarttuner.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Spaces;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.TpeSampler;

class SqliteStudyStorageTest {
    @TempDir
    Path dir;

    /** Trials of every state with every kind of parameter, infinite values and NaN intermediates. */
    static List<FrozenTrial> sampleTrials(int n) {
        Study s = Study.create("every", StudyDirection.MINIMIZE, new TpeSampler(1), new NopPruner());
        for (int i = 0; i < n; i++) {
            FrozenTrial t = s.ask(Spaces.everyKind());
            s.report(t.number(), 0, 1.0 + i);
            s.report(t.number(), 1, i % 6 == 1 ? Double.NaN : i % 6 == 2 ? Double.NEGATIVE_INFINITY : 0.5 * i);
            s.setUserAttrs(t.number(), Map.of("note", "trial " + i, "list", List.of(1, "two", 3.5)));
            switch (i % 5) {
                case 0 -> s.tell(t.number(), 100.0 - i);
                case 1 -> s.tell(t.number(), TrialState.PRUNED, Optional.empty());
                case 2 -> s.tell(t.number(), TrialState.FAIL, Optional.empty());
                case 3 -> s.tell(t.number(), i % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                default -> {
                }
            }
        }
        s.enqueue(Map.of("cat", "sgd", "i", 3));
        return s.trials();
    }

    @Test
    void trialsRoundTripExactly() {
        Path f = dir.resolve("s.db");
        List<FrozenTrial> trials = sampleTrials(25);
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("every", StudyDirection.MINIMIZE);
            st.writeTrials("every", trials);
            List<FrozenTrial> back = st.trials("every");
            assertEquals(trials.size(), back.size());
            for (int i = 0; i < trials.size(); i++) {
                FrozenTrial a = trials.get(i);
                FrozenTrial b = back.get(i);
                assertEquals(a.number(), b.number());
                assertEquals(a.state(), b.state());
                assertEquals(a.internalParams(), b.internalParams(), "trial " + i);
                assertEquals(a.distributions(), b.distributions(), "trial " + i);
                assertEquals(a.value(), b.value(), "trial " + i);
                assertEquals(a.intermediateValues(), b.intermediateValues(), "trial " + i);
                assertEquals(a.userAttrs(), b.userAttrs(), "trial " + i);
                assertEquals(a.start().map(x -> x.toEpochMilli()), b.start().map(x -> x.toEpochMilli()));
            }
            assertEquals(Map.of(Study.FIXED_PARAMS, Map.of("cat", "sgd", "i", 3)),
                    back.get(back.size() - 1).systemAttrs());
        }
    }

    @Test
    void studyFileHasOptunasSchemaAndOurConnectionSettings() throws Exception {
        Path f = dir.resolve("s.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(SqliteUrl.of(f))) {
            st.createStudy("a", StudyDirection.MINIMIZE);
            st.createStudy("b", StudyDirection.MAXIMIZE);
            assertEquals(List.of("a", "b"), st.studies().stream().map(StudyInfo::name).toList());
            assertEquals(StudyDirection.MAXIMIZE, st.findStudy("b").orElseThrow().direction());
            StorageException dup = assertThrows(StorageException.class, () -> st.createStudy("a",
                    StudyDirection.MINIMIZE));
            assertTrue(dup.getMessage().contains("already exists"), dup.getMessage());
            StorageException dir2 = assertThrows(StorageException.class, () -> st.openOrCreateStudy("b",
                    StudyDirection.MINIMIZE));
            assertTrue(dir2.getMessage().contains("maximized"), dir2.getMessage());
            StorageException none = assertThrows(StorageException.class, () -> st.trials("c"));
            assertTrue(none.getMessage().contains("no study named 'c'") && none.getMessage().contains("a, b"),
                    none.getMessage());
            st.writeTrials("a", sampleTrials(3));
            st.deleteStudy("a");
            assertEquals(List.of("b"), st.studies().stream().map(StudyInfo::name).toList());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            assertEquals("wal", one(s, "PRAGMA journal_mode"));
            assertEquals("v3.2.0.a", one(s, "SELECT version_num FROM alembic_version"));
            assertEquals("12", one(s, "SELECT schema_version FROM version_info"));
            assertEquals("0", one(s, "SELECT count(*) FROM trials"), "delete-study removed the trials");
        }
    }

    private static String one(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private void refusedUnchanged(Path f, String... words) throws Exception {
        byte[] before = Files.readAllBytes(f);
        StorageException e = assertThrows(StorageException.class, () -> SqliteStudyStorage.open(f));
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(f), "the refused file was modified");
        assertFalse(Files.exists(Path.of(f + "-wal")), "a WAL file was created beside the refused file");
    }

    @Test
    void notSqliteIsRefusedAndLeftAlone() throws Exception {
        Path f = dir.resolve("notes.db");
        Files.writeString(f, "name,value\nlr,0.001\n");
        refusedUnchanged(f, "is not an SQLite database", "name,value", "left as it is");
    }

    @Test
    void truncatedFileIsRefusedAndLeftAlone() throws Exception {
        Path good = dir.resolve("good.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(good)) {
            st.createStudy("s", StudyDirection.MINIMIZE);
            st.writeTrials("s", sampleTrials(30));
        }
        // Fold the WAL into the main file so that the copy below is the whole database.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + good); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            s.execute("PRAGMA journal_mode=DELETE");
        }
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.db");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        refusedUnchanged(cut, "damaged", "truncated");
    }

    @Test
    void foreignSchemaAndOldOptunaRevisionAreRefusedAndLeftAlone() throws Exception {
        Path foreign = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("INSERT INTO users (name) VALUES ('ada')");
        }
        refusedUnchanged(foreign, "not an Optuna study file", "[users]");
        Path old = dir.resolve("old.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(old)) {
            st.createStudy("s", StudyDirection.MINIMIZE);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement()) {
            s.execute("UPDATE alembic_version SET version_num = 'v3.0.0.d'");
            s.execute("PRAGMA journal_mode=DELETE");
        }
        refusedUnchanged(old, "revision v3.0.0.d", "Optuna 3.0 or 3.1", "optuna storage upgrade --storage sqlite:///");
    }

    @Test
    void staleRunningTrialsFailAndComeBackWithinTheRetryBudget() {
        Path f = dir.resolve("s.db");
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        Clock early = Clock.fixed(t0, ZoneOffset.UTC);
        Clock late = Clock.fixed(t0.plusSeconds(120), ZoneOffset.UTC);
        Study s = Study.create("s", StudyDirection.MINIMIZE, new TpeSampler(1), new NopPruner());
        FrozenTrial alive = s.ask(Spaces.everyKind());
        FrozenTrial dead = s.ask(Spaces.everyKind());
        FrozenTrial noHeartbeat = s.ask(Spaces.everyKind());
        try (SqliteStudyStorage a = SqliteStudyStorage.open(f, SqliteStudyStorage.RetryPolicy.defaults(), early)) {
            a.createStudy("s", StudyDirection.MINIMIZE);
            a.writeTrials("s", s.trials());
            a.heartbeat("s", dead.number());
        }
        try (SqliteStudyStorage b = SqliteStudyStorage.open(f, SqliteStudyStorage.RetryPolicy.defaults(), late)) {
            b.heartbeat("s", alive.number());
            List<FrozenTrial> failed = b.failStaleTrials("s", Duration.ofSeconds(60), 1);
            assertEquals(List.of(dead.number()), failed.stream().map(FrozenTrial::number).toList());
            List<FrozenTrial> all = b.trials("s");
            assertEquals(4, all.size());
            assertEquals(TrialState.RUNNING, all.get(alive.number()).state());
            assertEquals(TrialState.RUNNING, all.get(noHeartbeat.number()).state());
            assertEquals(TrialState.FAIL, all.get(dead.number()).state());
            FrozenTrial retry = all.get(3);
            assertEquals(TrialState.WAITING, retry.state());
            assertEquals(1, retry.attempt());
            assertEquals(dead.number(), ((Number) retry.systemAttrs().get(Study.FAILED_TRIAL)).intValue());
            // The retry runs and dies too: the budget of 1 retry is spent, nothing is enqueued.
            Study resumed = Study.resume("s", StudyDirection.MINIMIZE, new TpeSampler(1), new NopPruner(), all, late);
            FrozenTrial again = resumed.ask(Spaces.everyKind());
            assertEquals(dead.params(), again.params());
            b.writeTrial("s", again);
            b.heartbeat("s", again.number());
        }
        Clock later = Clock.fixed(t0.plusSeconds(400), ZoneOffset.UTC);
        try (SqliteStudyStorage c = SqliteStudyStorage.open(f, SqliteStudyStorage.RetryPolicy.defaults(), later)) {
            List<FrozenTrial> failed = c.failStaleTrials("s", Duration.ofSeconds(60), 1);
            assertEquals(List.of(alive.number(), 3), failed.stream().map(FrozenTrial::number).toList());
            List<FrozenTrial> all = c.trials("s");
            assertEquals(5, all.size(), "one retry for the first-attempt trial, none for the retried one");
            assertEquals(TrialState.WAITING, all.get(4).state());
            assertEquals(alive.number(), ((Number) all.get(4).systemAttrs().get(Study.FAILED_TRIAL)).intValue());
        }
    }

    @Test
    void badStorageUrlsAreExplained() {
        StorageException e = assertThrows(StorageException.class, () -> SqliteUrl.parse("postgresql://x/y"));
        assertTrue(e.getMessage().contains("sqlite:///"), e.getMessage());
        assertEquals(Path.of("/abs/s.db"), SqliteUrl.parse("sqlite:////abs/s.db"));
        assertEquals(Path.of("rel/s.db"), SqliteUrl.parse("sqlite:///rel/s.db"));
    }
}
