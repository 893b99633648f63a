package org.smarttuner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudyFileCheck;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/**
 * The study file in Optuna's schema, kept in step with Delta so that {@code optuna.load_study},
 * the Optuna CLI and optuna-dashboard see the study as it runs. Running trials get a heartbeat on
 * every change. A study that Optuna started in this file (and that Delta does not know yet) is
 * continued from the file's trials.
 *
 * <p>The file never stops a study: Delta is the record. A file that cannot be opened or written
 * (locked by another process, read-only, of another Optuna revision) leaves the mirror detached
 * with one warning; it is tried again at most every {@link Settings#retryEvery()}, and once it can
 * be written it gets the latest state of every trial the mirror was given. A damaged file is moved
 * aside, never overwritten, and a new one is built from those trials.
 */
public final class SqliteMirror implements StudyMirror {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteMirror.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * How the mirror meets trouble: how soon a file that could not be used is tried again (a locked
     * file must not slow the driver down), how long a write waits for another process's lock, and
     * the clock for both and for heartbeats.
     */
    public record Settings(Duration retryEvery, SqliteStudyStorage.RetryPolicy locks, Clock clock) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), new SqliteStudyStorage.RetryPolicy(Duration.ofSeconds(2),
                    Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofSeconds(1)), Clock.systemUTC());
        }
    }

    private final Path file;
    private final String study;
    private final StudyDirection direction;
    private final Settings settings;
    /** The latest state of every trial given, one per number: what a new or caught-up file is written from. */
    private final Map<Integer, FrozenTrial> latest = new TreeMap<>();
    private final Set<Integer> unwritten = new TreeSet<>();
    /** Null while detached. */
    private SqliteStudyStorage storage;
    private Instant nextTry = Instant.MIN;
    private String lastWarning;
    private boolean settled;
    /** The running driver's mark on the study (ask/tell refuse while it is there); null until it is known. */
    private org.smarttuner.storage.DriverMark mark;

    public SqliteMirror(Path file, String study, StudyDirection direction) {
        this(file, study, direction, Settings.defaults());
    }

    public SqliteMirror(Path file, String study, StudyDirection direction, Settings settings) {
        this.file = file.toAbsolutePath().normalize();
        this.study = study;
        this.direction = direction;
        this.settings = settings;
        synchronized (this) {
            if (attach()) {
                LOG.info("Study file {} (Optuna schema; open it with optuna-dashboard sqlite:///{})", this.file,
                        this.file);
            }
        }
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /** The file's trials; none while detached (Delta is the record, and a file in trouble cannot say). */
    @Override
    public synchronized List<FrozenTrial> existingTrials() {
        if (storage == null) {
            return List.of();
        }
        try {
            return storage.trials(study);
        } catch (RuntimeException e) {
            troubled(e);
            return List.of();
        }
    }

    /**
     * Writes what changed, or, while detached, keeps it and tries the file again once
     * {@link Settings#retryEvery()} has passed. Never throws for the file's trouble: the mirror
     * holds what it could not write and writes it itself.
     */
    @Override
    public boolean wantsMetrics() {
        return false; // the study file holds intermediate values, which come with the trials
    }

    @Override
    public synchronized void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) {
        for (FrozenTrial t : trials) {
            latest.put(t.number(), t);
            unwritten.add(t.number());
        }
        sync(false);
    }

    /** Marks the study in the file as driven by this {@code tune}: ask/tell refuse while it runs. */
    @Override
    public synchronized void driverStarted(StudyLease.Holder holder, String deltaPath) {
        mark = new org.smarttuner.storage.DriverMark(holder.host(), holder.pid(), holder.since(), holder.since(),
                deltaPath, false);
        writeMark(mark);
    }

    private void writeMark(org.smarttuner.storage.DriverMark m) {
        if (storage == null || m == null) {
            return;
        }
        try {
            storage.setStudySystemAttr(study, org.smarttuner.storage.DriverMark.KEY, m.toJson());
        } catch (RuntimeException e) {
            LOG.debug("could not mark study file {} as driven: {}", file, e.getMessage());
        }
    }

    /** Trials whose latest state the file lacks (the mirror keeps them and writes them when it can). */
    @Override
    public synchronized int trialsWaiting() {
        return unwritten.size();
    }

    /** Whether the file is open and being written. */
    public synchronized boolean attached() {
        return storage != null;
    }

    /**
     * At the end of a study (before its summary counts what the mirrors lack): one last try to
     * write what is waiting, whatever the interval; it waits at most the lock budget of
     * {@link Settings#locks()}, not {@code timeout}.
     */
    @Override
    public synchronized void settle(Duration timeout) {
        if (!unwritten.isEmpty()) {
            sync(true);
            settled = true;
        }
    }

    @Override
    public synchronized void close() {
        if (!unwritten.isEmpty()) {
            sync(!settled); // one last try, whatever the interval, unless settle() just made it
        }
        if (!unwritten.isEmpty()) {
            LOG.warn("Study file {} lacks the latest state of {} trials ({}); the next run of this study writes "
                    + "them from Delta", file, unwritten.size(), lastWarning == null ? "not written" : lastWarning);
        }
        if (mark != null) {
            writeMark(mark.release(settings.clock().instant()));
        }
        if (storage != null) {
            try {
                storage.close();
            } catch (RuntimeException e) {
                LOG.warn("closing study file {} failed: {}", file, e.getMessage());
            }
            storage = null;
        }
    }

    private void sync(boolean now) {
        if (storage == null) {
            if (!now && settings.clock().instant().isBefore(nextTry)) {
                return;
            }
            if (!attach()) {
                return;
            }
        }
        if (unwritten.isEmpty()) {
            return;
        }
        try {
            write();
        } catch (RuntimeException e) {
            troubled(e);
            if (storage != null) { // it was damaged and has been rebuilt: write it all there
                try {
                    write();
                } catch (RuntimeException again) {
                    troubled(again);
                }
            }
        }
    }

    private void write() {
        List<FrozenTrial> batch = unwritten.stream().map(latest::get).toList();
        storage.writeTrials(study, batch);
        for (FrozenTrial t : batch) {
            if (t.state() == TrialState.RUNNING) {
                storage.heartbeat(study, t.number());
            }
        }
        unwritten.clear();
        if (mark != null) {
            writeMark(mark.beat(settings.clock().instant()));
        }
        if (lastWarning != null) {
            LOG.info("Study file {} is written again: it holds the latest state of all {} trials", file,
                    latest.size());
            lastWarning = null;
        }
    }

    /**
     * Opens the file and the study. On trouble: a damaged file is moved aside and a new one made;
     * any other trouble leaves the mirror detached until the next try. After an open, the file is
     * written every trial the mirror holds, since it may lack any of them.
     */
    private boolean attach() {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException | RuntimeException e) {
            detach("the folder " + file.getParent() + " of study file " + file + " cannot be created ("
                    + (e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way at "
                    + e.getMessage() : e.toString()) + ")");
            return false;
        }
        try {
            storage = openStudy();
        } catch (RuntimeException e) {
            StudyFileCheck.Report r = StudyFileCheck.inspect(file, settings.locks().busyTimeout());
            if (r.status() != StudyFileCheck.Status.DAMAGED || !r.writable() || !Files.isRegularFile(file)) {
                detach(r.usable() ? String.valueOf(e.getMessage()) : r.message());
                return false;
            }
            Path aside;
            try {
                aside = moveAside();
            } catch (IOException io) {
                detach(r.cause() + "; it could not be moved aside (" + io.getMessage() + ")");
                return false;
            }
            try {
                storage = openStudy();
            } catch (RuntimeException again) {
                detach(r.cause() + "; it was moved to " + aside + ", but a new study file cannot be made: "
                        + again.getMessage());
                return false;
            }
            LOG.warn("{}: moved it to {} (its bytes unchanged) and made a new study file in its place, written from "
                    + "the study's trials (Delta is the record)", r.cause(), aside);
        }
        unwritten.addAll(latest.keySet());
        return true;
    }

    private SqliteStudyStorage openStudy() {
        SqliteStudyStorage s = SqliteStudyStorage.open(file, settings.locks(), settings.clock());
        try {
            s.openOrCreateStudy(study, direction);
            return s;
        } catch (RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** After a failed read or write: close the file, then rebuild it if damaged, else detach. */
    private void troubled(RuntimeException e) {
        closeQuietly(storage);
        storage = null;
        StudyFileCheck.Report r = StudyFileCheck.inspect(file, settings.locks().busyTimeout());
        if (r.status() == StudyFileCheck.Status.DAMAGED) {
            attach();
        } else {
            detach(r.usable() ? String.valueOf(e.getMessage()) : r.message());
        }
    }

    private void detach(String trouble) {
        String cause = trouble.endsWith(".") ? trouble.substring(0, trouble.length() - 1) : trouble;
        storage = null;
        nextTry = settings.clock().instant().plus(settings.retryEvery());
        if (!cause.equals(lastWarning)) {
            LOG.warn("The study file is not written: {}. The study goes on (Delta is the record); the file is tried "
                    + "again every {} s and then gets the latest state of every trial", cause,
                    settings.retryEvery().toSeconds());
            lastWarning = cause;
        } else {
            LOG.debug("Study file {} still cannot be written: {}", file, cause);
        }
    }

    /**
     * Renames the damaged file to {@code <name>.damaged-<time>}, its WAL, index and journal with it
     * (left beside a new file, SQLite would replay the old WAL into it). Nothing is overwritten.
     */
    private Path moveAside() throws IOException {
        String base = file.getFileName() + ".damaged-" + STAMP.format(settings.clock().instant());
        Path aside = file.resolveSibling(base);
        for (int i = 1; Files.exists(aside) || Files.exists(Path.of(aside + "-wal")); i++) {
            aside = file.resolveSibling(base + "-" + i);
        }
        List<Path[]> moved = new ArrayList<>();
        try {
            for (String side : List.of("-wal", "-shm", "-journal")) {
                Path from = Path.of(file + side);
                if (Files.exists(from)) {
                    Path to = Path.of(aside + side);
                    Files.move(from, to);
                    moved.add(new Path[] {from, to});
                }
            }
            Files.move(file, aside);
        } catch (IOException e) {
            for (Path[] m : moved) {
                try {
                    Files.move(m[1], m[0]);
                } catch (IOException ignored) {
                    // Left under the new name; the warning names the file it belongs to.
                }
            }
            throw e;
        }
        return aside;
    }

    private static void closeQuietly(SqliteStudyStorage s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (RuntimeException ignored) {
            // Closing a file in trouble may fail too; it is opened afresh on the next try.
        }
    }
}
