package org.smarttuner.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;

/**
 * Looks at a study file before anything writes to it: only a missing or empty file, or an
 * SQLite file in Optuna's current schema, is accepted. Reading is done read-only, so a refused
 * file keeps every byte.
 */
final class StudyFileCheck {
    static final String REVISION = "v3.2.0.a";
    static final int SCHEMA_VERSION = 12;
    static final List<String> TABLES = List.of("studies", "study_directions", "study_user_attributes",
            "study_system_attributes", "trials", "trial_user_attributes", "trial_system_attributes", "trial_params",
            "trial_values", "trial_intermediate_values", "trial_heartbeats", "version_info", "alembic_version");
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    enum Status { NEW, CURRENT }

    private StudyFileCheck() {
    }

    static Status check(Path file) {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                return Status.NEW;
            }
            if (!Files.isRegularFile(file)) {
                throw new StorageException(file + " is not a regular file");
            }
            checkHeader(file);
        } catch (IOException e) {
            throw new StorageException("cannot read study file " + file + ": " + e.getMessage(), e);
        }
        Set<String> tables = new TreeSet<>();
        String revision = null;
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro",
                cfg.toProperties()); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
                String verdict = r.next() ? r.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw damaged(file, "SQLite's integrity check says: " + verdict);
                }
            }
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            if (tables.isEmpty()) {
                return Status.NEW;
            }
            if (tables.contains("alembic_version")) {
                try (ResultSet r = s.executeQuery("SELECT version_num FROM alembic_version")) {
                    revision = r.next() ? r.getString(1) : null;
                }
            }
        } catch (SQLException e) {
            throw damaged(file, "SQLite cannot read it: " + e.getMessage());
        }
        if (revision == null) {
            throw new StorageException(file + " is an SQLite database but not an Optuna study file: it has tables "
                    + tables + " and no alembic_version revision. Use a new file name for the study (this file "
                    + "is left as it is).");
        }
        if (!revision.equals(REVISION)) {
            throw new StorageException(file + " is an Optuna study file of schema revision " + revision + ", "
                    + madeBy(revision) + "; this tool reads revision " + REVISION + " (Optuna 3.2 to 5.0). "
                    + "Upgrade it with Optuna 3.2 or newer: optuna storage upgrade --storage "
                    + SqliteUrl.of(file) + " (the file is left as it is).");
        }
        Set<String> missing = new TreeSet<>(TABLES);
        missing.removeAll(tables);
        if (!missing.isEmpty()) {
            throw damaged(file, "it says revision " + REVISION + " but lacks tables " + missing);
        }
        return Status.CURRENT;
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
    private static void checkHeader(Path file) throws IOException {
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
            throw new StorageException(file + " is not an SQLite database (it starts with \"" + start
                    + "\"); a study file is an SQLite file made by Optuna or smart-tuner. Give another path "
                    + "(the file is left as it is).");
        }
        if (n < 100) {
            throw damaged(file, "only " + n + " bytes, shorter than SQLite's 100-byte header");
        }
        int pageSize = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
        long size = pageSize == 1 ? 65536 : pageSize;
        long pages = readInt(h, 28);
        boolean countValid = readInt(h, 24) == readInt(h, 92) && pages > 0;
        long length = Files.size(file);
        if (countValid && length < size * pages) {
            throw damaged(file, "truncated: " + length + " bytes where its header declares " + pages + " pages of "
                    + size + " bytes (" + size * pages + " bytes)");
        }
    }

    private static long readInt(byte[] h, int at) {
        return ((long) (h[at] & 0xff) << 24) | ((h[at + 1] & 0xff) << 16) | ((h[at + 2] & 0xff) << 8)
                | (h[at + 3] & 0xff);
    }

    private static StorageException damaged(Path file, String why) {
        return new StorageException(file + " is a damaged SQLite study file (" + why + "). Restore it from a "
                + "copy or start a new file; it is left as it is.");
    }
}
