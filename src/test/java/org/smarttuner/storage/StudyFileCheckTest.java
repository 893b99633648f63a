package org.smarttuner.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.storage.StudyFileCheck.Report;
import org.smarttuner.storage.StudyFileCheck.Status;
import org.smarttuner.study.StudyDirection;

/** Each trouble a study file can have gets its own status: a lock held elsewhere is not damage. */
class StudyFileCheckTest {
    private static final Duration BUSY = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private Path study(String name, String journalMode) throws Exception {
        Path f = dir.resolve(name);
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("s", StudyDirection.MINIMIZE);
            st.writeTrials("s", SqliteStudyStorageTest.sampleTrials(12));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=" + journalMode);
        }
        return f;
    }

    @Test
    void aFileHeldExclusivelyByAnotherProcessIsLockedNotDamagedAndNamesItsPid() throws Exception {
        // Optuna leaves its files in rollback-journal mode, where an exclusive lock keeps readers out too.
        Path f = study("optuna.db", "DELETE");
        byte[] before = Files.readAllBytes(f);
        try (OutsideLock lock = OutsideLock.hold(f, "exclusive")) {
            Report r = StudyFileCheck.inspect(f, BUSY);
            assertEquals(Status.LOCKED, r.status(), r.message());
            assertEquals(Optional.of(true), r.holder().map(h -> h.contains("pid " + lock.pid())), r.message());
            assertTrue(r.cause().contains("locked by pid " + lock.pid() + " (") && r.cause().contains("hold_lock_until.py"),
                    r.cause());
            assertTrue(r.cause().contains("not damaged"), r.cause());
            SqliteStudyStorage.RetryPolicy quick = new SqliteStudyStorage.RetryPolicy(BUSY, Duration.ofMillis(500),
                    Duration.ofMillis(10), Duration.ofMillis(100));
            StorageException e = assertThrows(StorageException.class,
                    () -> SqliteStudyStorage.open(f, quick, Clock.systemUTC()));
            assertTrue(e.getMessage().contains("locked by pid " + lock.pid()), e.getMessage());
            assertFalse(e.getMessage().contains("is a damaged"), e.getMessage());
            lock.release();
        }
        assertArrayEquals(before, Files.readAllBytes(f), "looking at the locked file changed it");
        assertEquals(Status.OK, StudyFileCheck.inspect(f, BUSY).status());
    }

    @Test
    void anOpenWriteTransactionElsewhereIsFoundInWalModeWhereReadersAreNotBlocked() throws Exception {
        Path f = study("ours.db", "WAL");
        try (OutsideLock lock = OutsideLock.hold(f, "immediate")) {
            assertEquals(Status.OK, StudyFileCheck.read(f, BUSY).status(), "readers go on in WAL mode");
            Report r = StudyFileCheck.inspect(f, BUSY);
            assertEquals(Status.LOCKED, r.status(), r.message());
            assertTrue(r.cause().contains("locked by pid " + lock.pid()), r.cause());
            lock.release();
        }
        assertEquals(Status.OK, StudyFileCheck.inspect(f, BUSY).status());
    }

    private Report unchanged(Path f) throws Exception {
        byte[] before = Files.readAllBytes(f);
        Report r = StudyFileCheck.inspect(f, BUSY);
        assertArrayEquals(before, Files.readAllBytes(f), "inspecting changed " + f);
        assertFalse(Files.exists(Path.of(f + "-wal")), "a WAL file was created beside " + f);
        return r;
    }

    @Test
    void damagedFilesAreDamaged() throws Exception {
        Path notes = dir.resolve("notes.db");
        Files.writeString(notes, "name,value\nlr,0.001\n");
        Report r = unchanged(notes);
        assertEquals(Status.DAMAGED, r.status());
        assertTrue(r.cause().contains("is not an SQLite database") && r.writable(), r.cause());

        Path whole = study("whole.db", "DELETE");
        byte[] all = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.db");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        r = unchanged(cut);
        assertEquals(Status.DAMAGED, r.status());
        assertTrue(r.cause().contains("truncated"), r.cause());

        Path scribbled = dir.resolve("scribbled.db");
        Files.write(scribbled, all);
        try (RandomAccessFile raf = new RandomAccessFile(scribbled.toFile(), "rw")) {
            byte[] junk = new byte[4096];
            Arrays.fill(junk, (byte) 0x5a);
            for (long page = 2; page * 4096 < all.length; page += 2) {
                raf.seek(page * 4096);
                raf.write(junk);
            }
        }
        r = unchanged(scribbled);
        assertEquals(Status.DAMAGED, r.status(), r.cause());

        Path foreign = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
        }
        r = unchanged(foreign);
        assertEquals(Status.DAMAGED, r.status());
        assertTrue(r.cause().contains("not an Optuna study file"), r.cause());

        Path partial = study("partial.db", "DELETE");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + partial); Statement s = c.createStatement()) {
            s.execute("DROP TABLE trial_heartbeats");
        }
        r = unchanged(partial);
        assertEquals(Status.DAMAGED, r.status());
        assertTrue(r.cause().contains("lacks tables [trial_heartbeats]"), r.cause());
    }

    @Test
    void anotherOptunaRevisionIsNamed() throws Exception {
        Path old = study("old.db", "DELETE");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement()) {
            s.execute("UPDATE alembic_version SET version_num = 'v3.0.0.d'");
        }
        Report r = unchanged(old);
        assertEquals(Status.WRONG_REVISION, r.status());
        assertEquals(Optional.of("v3.0.0.d"), r.revision());
        assertTrue(r.cause().contains("revision v3.0.0.d, made by Optuna 3.0 or 3.1"), r.cause());
        assertTrue(r.message().contains("optuna storage upgrade"), r.message());
    }

    @Test
    void aFileOrFolderWithoutWritePermissionIsReadOnly() throws Exception {
        Path f = study("kept.db", "DELETE");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        Report r = unchanged(f);
        assertEquals(Status.READ_ONLY, r.status(), r.message());
        assertFalse(r.writable());
        assertTrue(r.cause().contains("read-only") && r.cause().contains("no write permission"), r.cause());
        assertThrows(StorageException.class, () -> SqliteStudyStorage.open(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

        Path folder = Files.createDirectory(dir.resolve("shelf"));
        Path inside = folder.resolve("s.db");
        Files.copy(f, inside);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            r = unchanged(inside);
            assertEquals(Status.READ_ONLY, r.status(), r.message());
            assertTrue(r.cause().contains("its folder " + folder.toAbsolutePath()), r.cause());
            assertEquals(Status.READ_ONLY, StudyFileCheck.inspect(folder.resolve("new.db"), BUSY).status());
        } finally {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void missingEmptyAndGoodFilesAreUsable() throws Exception {
        assertEquals(Status.NEW, StudyFileCheck.inspect(dir.resolve("none.db"), BUSY).status());
        assertEquals(Status.NEW, StudyFileCheck.inspect(dir.resolve("no/folder/yet.db"), BUSY).status());
        Path empty = Files.createFile(dir.resolve("empty.db"));
        assertEquals(Status.NEW, StudyFileCheck.inspect(empty, BUSY).status());
        Report r = StudyFileCheck.inspect(study("good.db", "WAL"), BUSY);
        assertEquals(Status.OK, r.status(), r.message());
        assertTrue(r.usable() && r.writable());
    }
}
