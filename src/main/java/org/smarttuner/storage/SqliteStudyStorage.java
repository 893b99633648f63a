package org.smarttuner.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A study file in Optuna's SQLite schema (alembic {@value StudyFileCheck#REVISION}). The file
 * is checked before anything is written; then WAL, synchronous=NORMAL, a busy timeout and
 * foreign keys are set. Every write is one IMMEDIATE transaction, retried with exponential
 * backoff and jitter while another process holds the lock, up to a bounded total. Writes from
 * one process go one at a time (a lock per file); readers are not blocked (WAL).
 */
public final class SqliteStudyStorage implements StudyStorage {

    /** How long writes wait for another process's lock. */
    public record RetryPolicy(Duration busyTimeout, Duration maxTotal, Duration firstBackoff, Duration maxBackoff) {
        public static RetryPolicy defaults() {
            return new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMillis(10),
                    Duration.ofSeconds(1));
        }
    }

    private static final Map<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

    private final Path file;
    private final Connection connection;
    private final RetryPolicy retry;
    private final ReentrantLock writer;
    private final Clock clock;

    private SqliteStudyStorage(Path file, Connection connection, RetryPolicy retry, Clock clock) {
        this.file = file;
        this.connection = connection;
        this.retry = retry;
        this.clock = clock;
        this.writer = WRITERS.computeIfAbsent(file, f -> new ReentrantLock());
    }

    /** Opens (creating if missing or empty) the study file of a {@code sqlite:///...} URL. */
    public static SqliteStudyStorage open(String url) {
        return open(SqliteUrl.parse(url), RetryPolicy.defaults(), Clock.systemUTC());
    }

    public static SqliteStudyStorage open(Path file) {
        return open(file, RetryPolicy.defaults(), Clock.systemUTC());
    }

    public static SqliteStudyStorage open(Path path, RetryPolicy retry, Clock clock) {
        Path file = path.toAbsolutePath().normalize();
        StudyFileCheck.Status status = StudyFileCheck.check(file, retry.busyTimeout());
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
            throw new StorageException("cannot create study file " + file + ": folder " + file.getParent()
                    + " does not exist");
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout((int) retry.busyTimeout().toMillis());
        cfg.enforceForeignKeys(true);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties());
        } catch (SQLException e) {
            throw new StorageException("cannot open study file " + file + ": " + e.getMessage(), e);
        }
        SqliteStudyStorage s = new SqliteStudyStorage(file, c, retry, clock);
        try {
            s.withRetry("set WAL mode", () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=WAL");
                }
                return null;
            });
            if (status == StudyFileCheck.Status.NEW) {
                s.write("create the schema", conn -> {
                    createSchema(conn);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static void createSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
            if (r.next() && r.getInt(1) > 0) {
                return; // another process created it first
            }
        }
        String ddl;
        try (InputStream in = SqliteStudyStorage.class.getResourceAsStream("optuna-v3.2.0.a.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new StorageException("the Optuna schema resource is missing from the jar", e);
        }
        try (Statement st = c.createStatement()) {
            for (String sql : ddl.split(";")) {
                String body = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + "\n" + b).trim();
                if (!body.isEmpty()) {
                    st.execute(body);
                }
            }
            st.execute("INSERT INTO alembic_version (version_num) VALUES ('" + StudyFileCheck.REVISION + "')");
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)")) {
            p.setInt(1, StudyFileCheck.SCHEMA_VERSION);
            p.setString(2, "smart-tuner " + Optional.ofNullable(SqliteStudyStorage.class.getPackage()
                    .getImplementationVersion()).orElse("dev"));
            p.executeUpdate();
        }
    }

    public Path file() {
        return file;
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    interface Attempt<T> {
        T run() throws SQLException;
    }

    /** One IMMEDIATE write transaction, retried as a whole while the database is busy. */
    <T> T write(String what, Work<T> work) {
        writer.lock();
        try {
            synchronized (connection) {
                return withRetry(what, () -> transaction("BEGIN IMMEDIATE", work));
            }
        } finally {
            writer.unlock();
        }
    }

    /**
     * One explicit transaction with the driver in autocommit mode: the driver's own transaction
     * handling re-begins after a rollback, which breaks when that BEGIN is the statement that met
     * the lock.
     */
    private <T> T transaction(String begin, Work<T> work) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(begin);
        }
        try {
            T result = work.run(connection);
            try (Statement st = connection.createStatement()) {
                st.execute("COMMIT");
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private void rollbackQuietly() {
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may have rolled back already (it does on some errors); nothing left to undo.
        }
    }

    /** A consistent read (one read transaction in WAL). */
    <T> T read(String what, Work<T> work) {
        synchronized (connection) {
            return withRetry(what, () -> transaction("BEGIN DEFERRED", work));
        }
    }

    private <T> T withRetry(String what, Attempt<T> attempt) {
        long start = System.nanoTime();
        long backoff = retry.firstBackoff().toNanos();
        int tries = 0;
        while (true) {
            tries++;
            try {
                return attempt.run();
            } catch (SQLException e) {
                if (!busy(e)) {
                    throw new StorageException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
                }
                long spent = System.nanoTime() - start;
                if (spent >= retry.maxTotal().toNanos()) {
                    String holder = LockHolder.describe(file).map(h -> "; the lock is held by " + h)
                            .orElse("; the holder could not be found (another process or host)");
                    throw new StorageException("cannot " + what + " in " + file + ": the database stayed locked for "
                            + Duration.ofNanos(spent).toMillis() + " ms over " + tries + " tries" + holder, e);
                }
                long jittered = (long) (backoff * (0.5 + ThreadLocalRandom.current().nextDouble()));
                long sleep = Math.min(jittered, retry.maxTotal().toNanos() - spent);
                try {
                    Thread.sleep(Math.max(1, sleep / 1_000_000));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted while waiting for the lock on " + file, ie);
                }
                backoff = Math.min(backoff * 2, retry.maxBackoff().toNanos());
            }
        }
    }

    static boolean busy(SQLException e) {
        if (e instanceof SQLiteException s) {
            int primary = s.getResultCode().code & 0xff;
            return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("SQLITE_BUSY") || m.contains("database is locked");
    }

    // ---- studies

    @Override
    public StudyInfo createStudy(String name, StudyDirection direction) {
        checkName(name);
        return write("create study '" + name + "'", c -> {
            if (find(c, name).isPresent()) {
                throw new StorageException("study '" + name + "' already exists in " + file);
            }
            return insertStudy(c, name, direction);
        });
    }

    @Override
    public StudyInfo openOrCreateStudy(String name, StudyDirection direction) {
        checkName(name);
        return write("open study '" + name + "'", c -> {
            Optional<StudyInfo> found = find(c, name);
            if (found.isPresent()) {
                if (found.get().direction() != direction) {
                    throw new StorageException("study '" + name + "' in " + file + " is "
                            + found.get().direction().name().toLowerCase() + "d, not " + direction.name()
                            .toLowerCase() + "d; use another study name or the same direction");
                }
                return found.get();
            }
            return insertStudy(c, name, direction);
        });
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > 512) {
            throw new StorageException("a study name must be 1 to 512 characters, got '" + name + "'");
        }
    }

    private static StudyInfo insertStudy(Connection c, String name, StudyDirection direction) throws SQLException {
        long id;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO studies (study_name) VALUES (?)",
                Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, name);
            p.executeUpdate();
            try (ResultSet k = p.getGeneratedKeys()) {
                k.next();
                id = k.getLong(1);
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, 0)")) {
            p.setString(1, direction.name());
            p.setLong(2, id);
            p.executeUpdate();
        }
        return new StudyInfo(id, name, direction);
    }

    @Override
    public Optional<StudyInfo> findStudy(String name) {
        return read("find study '" + name + "'", c -> find(c, name));
    }

    private Optional<StudyInfo> find(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT study_id FROM studies WHERE study_name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                long id = r.getLong(1);
                return Optional.of(new StudyInfo(id, name, direction(c, id, name)));
            }
        }
    }

    private StudyDirection direction(Connection c, long id, String name) throws SQLException {
        List<String> dirs = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    dirs.add(r.getString(1));
                }
            }
        }
        if (dirs.size() != 1) {
            throw new StorageException("study '" + name + "' in " + file + " has " + dirs.size() + " objectives "
                    + dirs + "; only single-objective studies are supported");
        }
        try {
            return StudyDirection.valueOf(dirs.get(0));
        } catch (IllegalArgumentException e) {
            throw new StorageException("study '" + name + "' in " + file + " has direction '" + dirs.get(0)
                    + "'; allowed: MINIMIZE, MAXIMIZE");
        }
    }

    private StudyInfo require(Connection c, String name) throws SQLException {
        Optional<StudyInfo> s = find(c, name);
        if (s.isEmpty()) {
            List<String> names = names(c);
            throw new StorageException("no study named '" + name + "' in " + file + "; studies there: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        return s.get();
    }

    @Override
    public List<StudyInfo> studies() {
        return read("list studies", c -> {
            List<StudyInfo> out = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
                    "SELECT study_name FROM studies ORDER BY study_id")) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            for (String n : names) {
                out.add(find(c, n).orElseThrow());
            }
            return List.copyOf(out);
        });
    }

    /** The names of all studies, in the order they were created. */
    public List<String> studyNames() {
        return read("list studies", c -> List.copyOf(names(c)));
    }

    private static List<String> names(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
                "SELECT study_name FROM studies ORDER BY study_id")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }

    /**
     * Every study as Optuna's {@code get_all_study_summaries} sees it, multi-objective ones
     * included (they are listed, not opened), in the order they were created.
     */
    public List<StudySummary> summaries() {
        return read("summarise studies", c -> {
            List<StudySummary> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT s.study_id, s.study_name, "
                    + "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id), "
                    + "(SELECT min(t.datetime_start) FROM trials t WHERE t.study_id = s.study_id) "
                    + "FROM studies s ORDER BY s.study_id")) {
                List<Object[]> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(new Object[] {r.getLong(1), r.getString(2), r.getInt(3), r.getString(4)});
                }
                for (Object[] row : rows) {
                    long id = (Long) row[0];
                    List<String> dirs = new ArrayList<>();
                    try (PreparedStatement p = c.prepareStatement(
                            "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective")) {
                        p.setLong(1, id);
                        try (ResultSet d = p.executeQuery()) {
                            while (d.next()) {
                                dirs.add(d.getString(1));
                            }
                        }
                    }
                    out.add(new StudySummary((String) row[1], dirs, (Integer) row[2], TrialRows.time((String) row[3]),
                            userAttrs(c, id, (String) row[1])));
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public void deleteStudy(String name) {
        write("delete study '" + name + "'", c -> {
            long id = require(c, name).id();
            for (String table : List.of("trial_params", "trial_values", "trial_intermediate_values",
                    "trial_user_attributes", "trial_system_attributes", "trial_heartbeats")) {
                exec(c, "DELETE FROM " + table + " WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)",
                        id);
            }
            for (String table : List.of("trials", "study_user_attributes", "study_system_attributes",
                    "study_directions", "studies")) {
                exec(c, "DELETE FROM " + table + " WHERE study_id = ?", id);
            }
            return null;
        });
    }

    private static void exec(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, id);
            p.executeUpdate();
        }
    }

    // ---- study system attributes (Optuna's study_system_attributes: key, JSON value)

    /** A study system attribute's JSON value, if set. */
    public Optional<String> studySystemAttr(String study, String key) {
        return read("read study attribute " + key, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT value_json FROM study_system_attributes "
                    + "WHERE study_id = ? AND key = ?")) {
                p.setLong(1, require(c, study).id());
                p.setString(2, key);
                try (java.sql.ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Sets a study system attribute to a JSON value (replacing it). */
    public void setStudySystemAttr(String study, String key, String json) {
        write("write study attribute " + key, c -> {
            replaceAttr(c, "study_system_attributes", require(c, study).id(), key, json);
            return null;
        });
    }

    // ---- study user attributes (Optuna's study_user_attributes: key, JSON value)

    /** A study's user attributes (JSON values as Java's: String, Number, Boolean, List, Map, null). */
    public Map<String, Object> studyUserAttrs(String study) {
        return read("read user attributes of '" + study + "'", c -> userAttrs(c, require(c, study).id(), study));
    }

    private Map<String, Object> userAttrs(Connection c, long id, String study) throws SQLException {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT key, value_json FROM study_user_attributes "
                + "WHERE study_id = ? ORDER BY study_user_attribute_id")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), AttrJson.read(r.getString(2), file + " study '" + study + "'"));
                }
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Sets a study user attribute (replacing it), as Optuna's {@code study.set_user_attr}. */
    public void setStudyUserAttr(String study, String key, Object value) {
        String json = AttrJson.write(value);
        write("write user attribute " + key + " of '" + study + "'", c -> {
            replaceAttr(c, "study_user_attributes", require(c, study).id(), key, json);
            return null;
        });
    }

    /** Sets a key in place, as Optuna's RDB storage updates an existing row (its position is kept). */
    private static void replaceAttr(Connection c, String table, long id, String key, String json) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " (study_id, \"key\", value_json) "
                + "VALUES (?, ?, ?) ON CONFLICT (study_id, \"key\") DO UPDATE SET value_json = excluded.value_json")) {
            p.setLong(1, id);
            p.setString(2, key);
            p.setString(3, json);
            p.executeUpdate();
        }
    }

    // ---- trials

    @Override
    public List<FrozenTrial> trials(String study) {
        return read("read trials of '" + study + "'", c -> List.copyOf(TrialRows.read(c, require(c, study).id(),
                file + " study '" + study + "'")));
    }

    @Override
    public void writeTrials(String study, List<FrozenTrial> trials) {
        write("write trials of '" + study + "'", c -> {
            long id = require(c, study).id();
            for (FrozenTrial t : trials) {
                TrialRows.write(c, id, t);
            }
            return null;
        });
    }

    @Override
    public <T> T update(String study, Function<List<FrozenTrial>, Update<T>> change) {
        return write("update study '" + study + "'", c -> {
            long id = require(c, study).id();
            Update<T> u = change.apply(List.copyOf(TrialRows.read(c, id, file + " study '" + study + "'")));
            for (FrozenTrial t : u.changed()) {
                TrialRows.write(c, id, t);
            }
            return u.result();
        });
    }

    @Override
    public void heartbeat(String study, int number) {
        write("record a heartbeat", c -> {
            long id = TrialRows.trialId(c, require(c, study).id(), number).orElseThrow(() -> new StorageException(
                    "study '" + study + "' in " + file + " has no trial " + number));
            try (PreparedStatement p = c.prepareStatement("INSERT INTO trial_heartbeats (trial_id, heartbeat) "
                    + "VALUES (?, ?) ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat")) {
                p.setLong(1, id);
                p.setString(2, TrialRows.time(clock.instant()));
                p.executeUpdate();
            }
            return null;
        });
    }

    /** The last heartbeat of each trial that has one (trial number to time), for status checks. */
    public Map<Integer, Instant> heartbeats(String study) {
        return read("read heartbeats of '" + study + "'", c -> {
            Map<Integer, Instant> out = new java.util.TreeMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT t.number, h.heartbeat FROM trials t JOIN "
                    + "trial_heartbeats h ON h.trial_id = t.trial_id WHERE t.study_id = ?")) {
                p.setLong(1, require(c, study).id());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        int number = r.getInt(1);
                        TrialRows.time(r.getString(2)).ifPresent(at -> out.put(number, at));
                    }
                }
            }
            return Map.copyOf(out);
        });
    }

    @Override
    public List<FrozenTrial> failStaleTrials(String study, Duration grace, int maxRetries) {
        return write("fail stale trials of '" + study + "'", c -> {
            StudyInfo info = require(c, study);
            Instant cutoff = clock.instant().minus(grace);
            List<Integer> stale = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT t.number, h.heartbeat FROM trials t JOIN "
                    + "trial_heartbeats h ON h.trial_id = t.trial_id WHERE t.study_id = ? AND t.state = 'RUNNING'")) {
                p.setLong(1, info.id());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        if (TrialRows.time(r.getString(2)).orElseThrow().isBefore(cutoff)) {
                            stale.add(r.getInt(1));
                        }
                    }
                }
            }
            if (stale.isEmpty()) {
                return List.of();
            }
            List<FrozenTrial> trials = TrialRows.read(c, info.id(), file + " study '" + study + "'");
            Study s = Study.resume(study, info.direction(), new RandomSampler(0), new NopPruner(), trials, clock);
            int before = trials.size();
            List<FrozenTrial> failed = new ArrayList<>();
            for (int n : stale) {
                s.failAndRetry(n, maxRetries);
                failed.add(s.trial(n));
            }
            List<FrozenTrial> changed = new ArrayList<>(failed);
            changed.addAll(s.trials().subList(before, s.trials().size()));
            for (FrozenTrial t : changed) {
                TrialRows.write(c, info.id(), t);
            }
            return List.copyOf(failed);
        });
    }

    @Override
    public void close() {
        try {
            synchronized (connection) {
                connection.close();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

}
