package org.smarttuner.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Looks at a study file before anything writes to it, and tells its troubles apart: a file held
 * locked by another process is not damaged, and neither is one of another Optuna schema revision
 * or one without write permission. Only a missing or empty file, or an SQLite file in Optuna's
 * current schema, is usable. The content is read read-only, so a refused file keeps every byte.
 */
public final class StudyFileCheck {
    static final String REVISION = "v3.2.0.a";
    static final int SCHEMA_VERSION = 12;
    static final List<String> TABLES = List.of("studies", "study_directions", "study_user_attributes",
            "study_system_attributes", "trials", "trial_user_attributes", "trial_system_attributes", "trial_params",
            "trial_values", "trial_intermediate_values", "trial_heartbeats", "version_info", "alembic_version");
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    public enum Status {
        /** Missing, empty, or an SQLite file without tables: the schema is created on open. */
        NEW,
        /** An Optuna study file of the current revision, writable, with no write lock held elsewhere. */
        OK,
        /** Another connection holds the write lock (an open write transaction or an exclusive lock). */
        LOCKED,
        /** Not an SQLite database, fails SQLite's integrity check, or lacks the study tables. */
        DAMAGED,
        /** This process may not write the file, or may not create files in its folder. */
        READ_ONLY,
        /** An Optuna study file of another schema revision (named in the report). */
        WRONG_REVISION
    }

    /**
     * What a look at the file found. {@code cause} names the file and its trouble; {@code message}
     * adds what to do about it; {@code holder} names the processes holding a lock, where they could
     * be found; {@code writable}: this process may change the file and create files beside it (a
     * file that is not is never moved nor rewritten).
     */
    public record Report(Path file, Status status, String cause, String message, Optional<String> holder,
                         Optional<String> revision, boolean writable) {
        public boolean usable() {
            return status == Status.NEW || status == Status.OK;
        }
    }

    private StudyFileCheck() {
    }

    /**
     * The content as {@link #read} sees it and, for a usable study file, whether another connection
     * holds the write lock: one write transaction is begun and rolled back, changing nothing. In
     * WAL mode readers are never blocked, so only that attempt finds a writer.
     */
    public static Report inspect(Path path, Duration busyTimeout) {
        Report r = read(path, busyTimeout);
        if (r.status() != Status.OK) {
            return r;
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout((int) busyTimeout.toMillis());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + r.file(), cfg.toProperties());
             Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            if (SqliteStudyStorage.busy(e)) {
                return locked(r.file());
            }
            return readOnly(r.file(), "SQLite cannot begin a write transaction in it: " + e.getMessage());
        }
        return r;
    }

    /** The content only, read-only: what {@link SqliteStudyStorage#open} checks before it writes. */
    static Report read(Path path, Duration busyTimeout) {
        Path file = path.toAbsolutePath().normalize();
        Path folder = file.getParent();
        boolean folderWritable = folder == null || !Files.isDirectory(folder) || writable(folder);
        if (!Files.exists(file)) {
            return folderWritable ? report(file, Status.NEW, file + " does not exist yet", "", true)
                    : readOnly(file, "its folder " + folder + " is read-only, so it cannot be created");
        }
        if (!Files.isRegularFile(file)) {
            return report(file, Status.DAMAGED, file + " is not a regular file", "Give the path of a file (this is "
                    + "left as it is).", false);
        }
        if (!Files.isReadable(file)) {
            return readOnly(file, "it cannot be read (no read permission)");
        }
        boolean canWrite = folderWritable && writable(file);
        String readOnlyWhy = !writable(file) ? "it has no write permission"
                : "its folder " + folder + " is read-only (SQLite creates " + file.getFileName() + "-wal and "
                + file.getFileName() + "-shm there)";
        try {
            if (Files.size(file) == 0) {
                return canWrite ? report(file, Status.NEW, file + " is empty", "", true) : readOnly(file, readOnlyWhy);
            }
            Optional<Report> header = checkHeader(file, canWrite);
            if (header.isPresent()) {
                return header.get();
            }
        } catch (IOException e) {
            return report(file, Status.DAMAGED, file + " cannot be read (" + e.getMessage() + ")",
                    "Restore it from a copy or start a new file; it is left as it is.", false);
        }
        Set<String> tables = new TreeSet<>();
        String revision = null;
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setBusyTimeout((int) busyTimeout.toMillis());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro",
                cfg.toProperties()); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
                String verdict = r.next() ? r.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    return damaged(file, "SQLite's integrity check says: " + verdict, canWrite);
                }
            }
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            if (tables.contains("alembic_version")) {
                try (ResultSet r = s.executeQuery("SELECT version_num FROM alembic_version")) {
                    revision = r.next() ? r.getString(1) : null;
                }
            }
        } catch (SQLException e) {
            if (SqliteStudyStorage.busy(e)) {
                return locked(file);
            }
            if (!canWrite && !corrupt(e)) {
                return readOnly(file, readOnlyWhy + "; SQLite cannot read it so: " + e.getMessage());
            }
            return damaged(file, "SQLite cannot read it: " + e.getMessage(), canWrite);
        }
        if (tables.isEmpty()) {
            return canWrite ? report(file, Status.NEW, file + " is an SQLite file without tables", "", true)
                    : readOnly(file, readOnlyWhy);
        }
        if (revision == null) {
            return report(file, Status.DAMAGED, file + " is an SQLite database but not an Optuna study file: it has "
                    + "tables " + tables + " and no alembic_version revision", "Use a new file name for the study "
                    + "(this file is left as it is).", canWrite);
        }
        if (!revision.equals(REVISION)) {
            return new Report(file, Status.WRONG_REVISION, file + " is an Optuna study file of schema revision "
                    + revision + ", " + madeBy(revision) + "; this tool reads revision " + REVISION
                    + " (Optuna 3.2 to 5.0)", file + " is an Optuna study file of schema revision " + revision + ", "
                    + madeBy(revision) + "; this tool reads revision " + REVISION + " (Optuna 3.2 to 5.0). "
                    + "Upgrade it with Optuna 3.2 or newer: optuna storage upgrade --storage "
                    + SqliteUrl.of(file) + " (the file is left as it is).", Optional.empty(), Optional.of(revision),
                    canWrite);
        }
        Set<String> missing = new TreeSet<>(TABLES);
        missing.removeAll(tables);
        if (!missing.isEmpty()) {
            return damaged(file, "it says revision " + REVISION + " but lacks tables " + missing, canWrite);
        }
        if (!canWrite) {
            return readOnly(file, readOnlyWhy);
        }
        return new Report(file, Status.OK, file + " is an Optuna study file of revision " + REVISION, "",
                Optional.empty(), Optional.of(revision), true);
    }

    /** For {@link SqliteStudyStorage#open}: the status of a usable file; any other is refused with its message. */
    static Status check(Path file, Duration busyTimeout) {
        Report r = read(file, busyTimeout);
        if (!r.usable()) {
            throw new StorageException(r.message());
        }
        return r.status();
    }

    /**
     * Whether this process may write {@code p}. Root may write a file without write permission, but
     * a file whose write bits were taken away is meant to be read-only, and is for us all the same.
     */
    static boolean writable(Path p) {
        if (!Files.isWritable(p)) {
            return false;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            return perms.contains(PosixFilePermission.OWNER_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    private static boolean corrupt(SQLException e) {
        if (e instanceof SQLiteException s) {
            int primary = s.getResultCode().code & 0xff;
            return primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code;
        }
        return false;
    }

    private static Report locked(Path file) {
        Optional<String> holder = LockHolder.describe(file);
        String cause = holder.map(h -> file + " is locked by " + h + ": it holds a write lock (an open write "
                        + "transaction or an exclusive lock); the file is not damaged")
                .orElse(file + " is locked by another connection (an open write transaction or an exclusive lock; "
                        + "its process could not be named: another host, or no /proc/locks); the file is not damaged");
        return new Report(file, Status.LOCKED, cause, cause + ". Wait for that transaction to end, or stop the "
                + "process holding it.", holder, Optional.empty(), true);
    }

    private static Report readOnly(Path file, String why) {
        String cause = file + " is read-only: " + why;
        return new Report(file, Status.READ_ONLY, cause, cause + ". Make it writable or give another path (the "
                + "file is left as it is).", Optional.empty(), Optional.empty(), false);
    }

    private static Report report(Path file, Status status, String cause, String advice, boolean writable) {
        return new Report(file, status, cause, advice.isEmpty() ? cause : cause + ". " + advice, Optional.empty(),
                Optional.empty(), writable);
    }

    private static Report damaged(Path file, String why, boolean writable) {
        return report(file, Status.DAMAGED, file + " is a damaged SQLite study file (" + why + ")",
                "Restore it from a copy or start a new file; it is left as it is.", writable);
    }

    private static String madeBy(String revision) {
        if (revision.startsWith("v3.0.0")) {
            return "made by Optuna 3.0 or 3.1";
        }
        if (revision.startsWith("v2.")) {
            return "made by Optuna 2.x";
        }
        if (revision.startsWith("v1.") || revision.startsWith("v0.")) {
            return "made by Optuna 1.x or older";
        }
        return "not one this tool knows (perhaps a newer Optuna than 5.0)";
    }

    /** The 100-byte header: magic string, and a file at least as long as the pages it declares. */
    private static Optional<Report> checkHeader(Path file, boolean writable) throws IOException {
        byte[] h = new byte[100];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(h, 0, 100);
        }
        boolean magic = n >= MAGIC.length;
        for (int i = 0; magic && i < MAGIC.length; i++) {
            magic = h[i] == MAGIC[i];
        }
        if (!magic) {
            StringBuilder start = new StringBuilder();
            for (int i = 0; i < Math.min(n, 16); i++) {
                char c = (char) (h[i] & 0xff);
                start.append(c >= 0x20 && c < 0x7f ? c : '.');
            }
            return Optional.of(new Report(file, Status.DAMAGED, file + " is not an SQLite database (it starts with \""
                    + start + "\")", file + " is not an SQLite database (it starts with \"" + start + "\"); a study "
                    + "file is an SQLite file made by Optuna or smart-tuner. Give another path (the file is left "
                    + "as it is).", Optional.empty(), Optional.empty(), writable));
        }
        if (n < 100) {
            return Optional.of(damaged(file, "only " + n + " bytes, shorter than SQLite's 100-byte header", writable));
        }
        int pageSize = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
        long size = pageSize == 1 ? 65536 : pageSize;
        long pages = readInt(h, 28);
        boolean countValid = readInt(h, 24) == readInt(h, 92) && pages > 0;
        long length = Files.size(file);
        if (countValid && length < size * pages) {
            return Optional.of(damaged(file, "truncated: " + length + " bytes where its header declares " + pages
                    + " pages of " + size + " bytes (" + size * pages + " bytes)", writable));
        }
        return Optional.empty();
    }

    private static long readInt(byte[] h, int at) {
        return ((long) (h[at] & 0xff) << 24) | ((h[at + 1] & 0xff) << 16) | ((h[at + 2] & 0xff) << 8)
                | (h[at + 3] & 0xff);
    }
}
