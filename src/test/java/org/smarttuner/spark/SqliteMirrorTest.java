package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.storage.OutsideLock;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.SqliteUrl;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Spaces;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.tracking.LogCapture;

/**
 * The study file never stops a study: trouble at the start or later is one warning, the mirror
 * keeps the latest state of its trials and writes them all once the file can be written, and a
 * damaged file is moved aside and built anew.
 */
class SqliteMirrorTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    /** A clock moved by hand, so that "tried again at most every 30 s" is seen without waiting. */
    static final class HandClock extends Clock {
        volatile Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock();
    private final Study study = Study.create("s", StudyDirection.MINIMIZE, new RandomSampler(3), new NopPruner());

    private SqliteMirror mirror(Path f) {
        return new SqliteMirror(f, "s", StudyDirection.MINIMIZE, new SqliteMirror.Settings(Duration.ofSeconds(30),
                new SqliteStudyStorage.RetryPolicy(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofMillis(10),
                        Duration.ofMillis(100)), clock));
    }

    /** {@code k} new trials with one epoch reported each (running). */
    private List<FrozenTrial> start(int k) {
        List<FrozenTrial> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int n = study.ask(Spaces.everyKind()).number();
            out.add(study.report(n, 0, 10.0 + n));
        }
        return out;
    }

    private List<FrozenTrial> finish(int n) {
        study.report(n, 1, 5.0 + n);
        return List.of(n % 2 == 0 ? study.tell(n, 1.0 + n) : study.tell(n, TrialState.PRUNED, java.util.Optional.empty()));
    }

    /** The file holds exactly the study's trials, each in its latest state. */
    private void holdsEveryTrial(Path f) {
        List<FrozenTrial> back;
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            back = st.trials("s");
        }
        List<FrozenTrial> ours = study.trials();
        assertEquals(ours.size(), back.size(), "trials in " + f);
        for (int i = 0; i < ours.size(); i++) {
            FrozenTrial a = ours.get(i);
            FrozenTrial b = back.get(i);
            assertEquals(a.number(), b.number());
            assertEquals(a.state(), b.state(), "trial " + i);
            assertEquals(a.value(), b.value(), "trial " + i);
            assertEquals(a.intermediateValues(), b.intermediateValues(), "trial " + i);
            assertEquals(a.internalParams(), b.internalParams(), "trial " + i);
        }
    }

    private static List<String> warnings(LogCapture log) {
        return log.lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }

    private List<String> siblings() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path studyFile(String name, String journalMode, List<FrozenTrial> trials) throws Exception {
        Path f = dir.resolve(name);
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("s", StudyDirection.MINIMIZE);
            st.writeTrials("s", trials);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=" + journalMode);
        }
        return f;
    }

    @Test
    void aDamagedFileIsMovedAsideUnchangedAndANewOneIsBuiltFromTheTrials() throws Exception {
        Path f = dir.resolve("study.db");
        byte[] garbage = "trial,value\n0,1.5\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        Files.write(f, garbage);
        Files.write(Path.of(f + "-wal"), new byte[] {1, 2, 3});
        SqliteMirror m;
        try (LogCapture log = new LogCapture()) {
            m = mirror(f);
            Path aside = dir.resolve("study.db.damaged-20260301T120000Z");
            List<String> warned = warnings(log);
            assertEquals(1, warned.size(), log.lines().toString());
            assertTrue(warned.get(0).contains(f + " is not an SQLite database") && warned.get(0).contains(
                    "moved it to " + aside), warned.get(0));
            assertArrayEquals(garbage, Files.readAllBytes(aside), "the damaged file was changed");
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(Path.of(aside + "-wal")),
                    "its WAL went with it, not into the new file");
        }
        assertTrue(m.attached());
        assertEquals(List.of(), m.existingTrials());
        m.trialsChanged(start(3), List.of());
        m.trialsChanged(finish(0), List.of());
        m.trialsChanged(finish(1), List.of());
        m.close();
        holdsEveryTrial(f);
        JsonNode seen = new ObjectMapper().readTree(PythonEnv.run("optuna_read_study.py", 120, SqliteUrl.of(f), "s"));
        assertEquals(3, seen.get("trials").size());
        assertEquals(List.of("COMPLETE", "PRUNED", "RUNNING"), List.of(seen.get("trials").get(0).get("state").asText(),
                seen.get("trials").get(1).get("state").asText(), seen.get("trials").get(2).get("state").asText()));
    }

    @Test
    void aReadOnlyFileIsLeftAloneTriedAtMostEvery30sAndCaughtUpOnceWritable() throws Exception {
        Path f = studyFile("kept.db", "WAL", start(2));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        byte[] before = Files.readAllBytes(f);
        try (LogCapture log = new LogCapture()) {
            SqliteMirror m = mirror(f);
            List<String> warned = warnings(log);
            assertEquals(1, warned.size(), log.lines().toString());
            assertTrue(warned.get(0).contains(f + " is read-only") && warned.get(0).contains("The study goes on"),
                    warned.get(0));
            assertFalse(m.attached());
            assertEquals(List.of(), m.existingTrials(), "a detached mirror offers no trials (Delta is the record)");
            m.trialsChanged(study.trials(), List.of());
            m.trialsChanged(start(2), List.of());
            m.trialsChanged(finish(0), List.of());
            assertArrayEquals(before, Files.readAllBytes(f));
            // Reading a WAL-mode file makes its -wal and -shm, as any reader's would; nothing else appears.
            assertEquals(List.of("kept.db", "kept.db-shm", "kept.db-wal"), siblings(), "nothing moved aside");

            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            clock.advance(Duration.ofSeconds(20));
            m.trialsChanged(finish(1), List.of());
            assertFalse(m.attached(), "tried again before 30 s");
            assertArrayEquals(before, Files.readAllBytes(f));
            assertEquals(4, m.trialsWaiting());

            clock.advance(Duration.ofSeconds(11));
            m.trialsChanged(finish(2), List.of());
            assertTrue(m.attached());
            assertEquals(0, m.trialsWaiting());
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO") && l.contains(
                    f + " is written again")), log.lines().toString());
            assertEquals(1, warnings(log).size(), log.lines().toString());
            m.close();
        }
        holdsEveryTrial(f);
    }

    @Test
    void aFileLockedByAnotherProcessAtTheStartIsNotDamagedAndIsCaughtUpOnceReleased() throws Exception {
        // Optuna's own files are in rollback-journal mode: its exclusive lock keeps even readers out.
        Path f = studyFile("optuna.db", "DELETE", List.of());
        try (OutsideLock lock = OutsideLock.hold(f, "exclusive"); LogCapture log = new LogCapture()) {
            SqliteMirror m = mirror(f);
            List<String> warned = warnings(log);
            assertEquals(1, warned.size(), log.lines().toString());
            assertTrue(warned.get(0).contains(f + " is locked by pid " + lock.pid()), warned.get(0));
            assertFalse(warned.get(0).contains("is a damaged"), warned.get(0));
            assertFalse(m.attached());
            assertEquals(List.of(), m.existingTrials());
            m.trialsChanged(start(3), List.of());
            clock.advance(Duration.ofSeconds(31));
            m.trialsChanged(finish(0), List.of());
            assertFalse(m.attached(), "still locked");
            assertEquals(1, warnings(log).size(), "the same trouble is not warned again: " + log.lines());
            assertEquals(List.of("optuna.db"), siblings(), "a locked file is not moved aside");

            lock.release();
            m.trialsChanged(finish(1), List.of());
            m.trialsChanged(List.of(study.report(2, 1, 0.5)), List.of());
            assertFalse(m.attached(), "not tried again before 30 s");
            assertEquals(3, m.trialsWaiting());
            m.settle(Duration.ofSeconds(30)); // the end of the study: one last try, whatever the interval
            assertTrue(m.attached());
            assertEquals(0, m.trialsWaiting());
            m.close();
        }
        holdsEveryTrial(f);
    }

    @Test
    void aLockTakenLaterDetachesWithoutThrowingAndTheLastTryOnCloseCatchesUp() throws Exception {
        Path f = dir.resolve("ours.db");
        SqliteMirror m = mirror(f);
        assertTrue(m.attached());
        m.trialsChanged(start(2), List.of());
        try (OutsideLock lock = OutsideLock.hold(f, "immediate"); LogCapture log = new LogCapture()) {
            m.trialsChanged(finish(0), List.of());
            m.trialsChanged(start(1), List.of());
            assertFalse(m.attached());
            assertEquals(2, m.trialsWaiting());
            List<String> warned = warnings(log);
            assertEquals(1, warned.size(), log.lines().toString());
            assertTrue(warned.get(0).contains(f + " is locked by pid " + lock.pid()), warned.get(0));
            lock.release();
        }
        m.trialsChanged(finish(1), List.of());
        assertFalse(m.attached(), "not tried again before 30 s");
        m.close();
        holdsEveryTrial(f);
    }

    @Test
    void aFolderThatCannotBeMadeOrAnotherRevisionWaitsAndNeitherIsTouched() throws Exception {
        Path blocker = Files.writeString(dir.resolve("out"), "a file where the folder should be");
        Path f = blocker.resolve("study.db");
        Path old = studyFile("old.db", "DELETE", List.of());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement()) {
            s.execute("UPDATE alembic_version SET version_num = 'v3.0.0.d'");
        }
        byte[] oldBytes = Files.readAllBytes(old);
        try (LogCapture log = new LogCapture()) {
            SqliteMirror m = mirror(f);
            SqliteMirror o = new SqliteMirror(old, "s", StudyDirection.MINIMIZE);
            List<String> warned = warnings(log);
            assertEquals(2, warned.size(), log.lines().toString());
            assertTrue(warned.get(0).contains("the folder " + blocker + " of study file " + f + " cannot be created"),
                    warned.get(0));
            assertTrue(warned.get(1).contains("revision v3.0.0.d") && warned.get(1).contains("optuna storage upgrade"),
                    warned.get(1));
            assertFalse(m.attached());
            assertFalse(o.attached());
            m.trialsChanged(start(2), List.of());
            o.trialsChanged(study.trials(), List.of());
            o.close();
            assertArrayEquals(oldBytes, Files.readAllBytes(old));

            Files.delete(blocker);
            clock.advance(Duration.ofSeconds(30));
            m.trialsChanged(finish(0), List.of());
            assertTrue(m.attached());
            m.close();
        }
        holdsEveryTrial(f);
    }
}
