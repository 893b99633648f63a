package org.smarttuner.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per study: the driver that runs a study holds its lease, a small JSON file beside the
 * study's Delta tables ({@code <delta_path>/_smart_tuner/leases/<study>/lease-<generation>.json}) that
 * names the holder (host, process, since when) and carries a heartbeat it rewrites every {@link
 * #HEARTBEAT} interval.
 *
 * <p>Taking the lease: the newest generation's file says who holds it. A second {@code tune} is refused
 * at once while that holder is alive. A holder is taken over when it released the lease, when its
 * heartbeat is older than the stale time (a driver that crashed on another host), or at once when it
 * provably died on this host (its process is gone, or it is this very JVM and no live lease object holds
 * it). Taking over creates the next generation's file without overwriting: of two drivers racing for
 * it one creates it, the other is refused.
 *
 * <p>Where it holds: creating a file that must not exist is atomic on local disks ({@code O_EXCL}), HDFS
 * and ABFS with hierarchical namespace. Object stores without a conditional create (S3A before
 * conditional writes, DBFS on S3) may let two drivers that start within the same moment both create
 * it; every holder therefore reads its file back after writing it and on every heartbeat, and a holder
 * that finds another holder's token, or a newer generation, stops its study ({@link #check()}) before
 * its next Delta commit: at worst one heartbeat interval of double work, never a silent mix.
 *
 * <p>The lease also keeps the study's running time across resumes (the earlier drivers' time from
 * their first to their last heartbeat), which {@code study.timeout} counts.
 */
public final class StudyLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StudyLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration HEARTBEAT = Duration.ofSeconds(10);
    public static final Duration STALE = Duration.ofSeconds(60);
    /** Tokens of the leases live in this JVM: a holder on this host and process that is not here is dead. */
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    /** Who holds (or held) a study's lease, as its file says. */
    public record Holder(int generation, String token, String host, long pid, Instant pidStart, String command,
                         Instant since, Instant heartbeat, boolean released, Duration priorRunning) {
        String describe(Instant now) {
            return "host " + host + ", process " + pid + " (" + command + "), since " + since + ", last heartbeat "
                    + Duration.between(heartbeat, now).toSeconds() + " s ago";
        }
    }

    /** A live holder has the lease: this driver must not run the study. */
    public static final class HeldException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Holder holder;

        HeldException(String message, Holder holder) {
            super(message);
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    /** This driver's lease was taken by another: it must stop writing at once. */
    public static final class LostException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        LostException(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path dir;
    private final Path file;
    private final String study;
    private final Clock clock;
    private final Duration stale;
    private final Holder mine;
    private final Thread heartbeat;
    private volatile String lost;
    private volatile boolean closed;

    private StudyLease(FileSystem fs, Path dir, Path file, String study, Clock clock, Duration stale, Holder mine,
                       Duration interval) {
        this.fs = fs;
        this.dir = dir;
        this.file = file;
        this.study = study;
        this.clock = clock;
        this.stale = stale;
        this.mine = mine;
        this.heartbeat = new Thread(() -> beat(interval), "smart-tuner-lease");
        this.heartbeat.setDaemon(true);
    }

    public static Path folder(String deltaPath, String study) {
        return new Path(deltaPath + "/_smart_tuner/leases/" + URLEncoder.encode(study, StandardCharsets.UTF_8));
    }

    /** Takes the lease of {@code study} whose tables are under {@code deltaPath}, or throws {@link HeldException}. */
    public static StudyLease acquire(Configuration conf, String deltaPath, String study, String command) {
        return acquire(conf, deltaPath, study, command, Clock.systemUTC(), STALE, HEARTBEAT);
    }

    static StudyLease acquire(Configuration conf, String deltaPath, String study, String command, Clock clock,
                              Duration stale, Duration interval) {
        Path dir = folder(deltaPath, study);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            for (int attempt = 0; ; attempt++) {
                Optional<Holder> current = newest(fs, dir);
                Instant now = clock.instant();
                Duration prior = Duration.ZERO;
                if (current.isPresent()) {
                    Holder h = current.get();
                    Optional<String> why = takeOverReason(h, now, stale);
                    if (why.isEmpty()) {
                        Duration left = stale.minus(Duration.between(h.heartbeat(), now));
                        throw new HeldException("study '" + study + "' (" + deltaPath + ") is being run by another "
                                + "driver: " + h.describe(now) + ". Only one driver may run a study. Wait for it to "
                                + "end, stop it, or use another study.name. A holder that crashed on another host is "
                                + "taken over once its heartbeat is " + stale.toSeconds() + " s old (in about "
                                + Math.max(1, left.toSeconds()) + " s).", h);
                    }
                    LOG.info("Study {}: taking over the lease from {} ({})", study, h.describe(now), why.get());
                    prior = h.priorRunning().plus(positive(Duration.between(h.since(), h.heartbeat())));
                }
                int gen = current.map(h -> h.generation() + 1).orElse(1);
                Holder mine = new Holder(gen, UUID.randomUUID().toString(), hostName(), ProcessHandle.current().pid(),
                        ProcessHandle.current().info().startInstant().orElse(null), command, now, now, false, prior);
                Path file = new Path(dir, String.format("lease-%09d.json", gen));
                if (!createNew(fs, file, encode(mine))) {
                    if (attempt < 2) {
                        continue; // another driver took that generation a moment ago: look again
                    }
                    Holder h = newest(fs, dir).orElse(mine);
                    throw new HeldException("study '" + study + "' (" + deltaPath + "): another driver took the "
                            + "lease at the same moment: " + h.describe(now), h);
                }
                Optional<Holder> back = read(fs, file);
                if (back.isEmpty() || !back.get().token().equals(mine.token())) {
                    throw new HeldException("study '" + study + "' (" + deltaPath + "): another driver wrote the "
                            + "lease file " + file + " at the same moment (this file system has no atomic create)",
                            back.orElse(mine));
                }
                StudyLease lease = new StudyLease(fs, dir, file, study, clock, stale, mine, interval);
                LIVE.add(mine.token());
                lease.removeOlder(gen);
                lease.heartbeat.start();
                return lease;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot take the lease of study '" + study + "' in " + dir
                    + ": " + e.getMessage(), e);
        }
    }

    /** Why the holder may be taken over now; empty while it is alive. */
    static Optional<String> takeOverReason(Holder h, Instant now, Duration stale) {
        if (h.released()) {
            return Optional.of("it ended and released it");
        }
        if (h.host().equals(hostName())) {
            if (h.pid() == ProcessHandle.current().pid() && samePidStart(h, ProcessHandle.current())) {
                return LIVE.contains(h.token()) ? Optional.empty()
                        : Optional.of("its driver in this process has stopped");
            }
            Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
            if (p.isEmpty() || !p.get().isAlive() || !samePidStart(h, p.get())) {
                return Optional.of("process " + h.pid() + " on this host has died");
            }
            return Optional.empty();
        }
        Duration age = Duration.between(h.heartbeat(), now);
        return age.compareTo(stale) > 0 ? Optional.of("its last heartbeat is " + age.toSeconds() + " s old")
                : Optional.empty();
    }

    private static boolean samePidStart(Holder h, ProcessHandle p) {
        Optional<Instant> start = p.info().startInstant();
        return h.pidStart() == null || start.isEmpty()
                || Math.abs(Duration.between(h.pidStart(), start.get()).toMillis()) < 2000;
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The study's running time before this driver took the lease (earlier drivers, first to last heartbeat). */
    public Duration priorRunning() {
        return mine.priorRunning();
    }

    public Holder holder() {
        return mine;
    }

    /** Throws {@link LostException} when another driver has taken this lease: call before every commit. */
    public void check() {
        String why = lost;
        if (why != null) {
            throw new LostException("study '" + study + "': this driver lost its lease (" + why + "); it stops "
                    + "writing so that the two drivers do not mix their results");
        }
        if (closed) {
            throw new LostException("study '" + study + "': the lease was released; nothing more is written");
        }
    }

    public boolean held() {
        return lost == null && !closed;
    }

    private void beat(Duration interval) {
        while (!closed) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                Optional<Holder> newest = newest(fs, dir);
                Optional<Holder> own = read(fs, file);
                if (newest.isPresent() && newest.get().generation() > mine.generation()) {
                    lose("the lease was taken over by " + newest.get().describe(clock.instant()));
                    return;
                }
                if (own.isPresent() && !own.get().token().equals(mine.token())) {
                    lose("its lease file now names " + own.get().describe(clock.instant()));
                    return;
                }
                Instant now = clock.instant();
                write(fs, file, encode(withBeat(now, false)));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Study {}: the lease heartbeat failed ({}); trying again in {} s", study, e.getMessage(),
                        interval.toSeconds());
            }
        }
    }

    private void lose(String why) {
        lost = why;
        LIVE.remove(mine.token());
        LOG.error("Study {}: this driver lost its lease: {}", study, why);
    }

    private Holder withBeat(Instant now, boolean released) {
        return new Holder(mine.generation(), mine.token(), mine.host(), mine.pid(), mine.pidStart(), mine.command(),
                mine.since(), now, released, mine.priorRunning());
    }

    /** Stops the heartbeat without releasing: what a driver that dies leaves behind (fault tests). */
    void abandon() {
        closed = true;
        heartbeat.interrupt();
        LIVE.remove(mine.token());
    }

    /** Releases the lease: the next driver takes it at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.interrupt();
        try {
            heartbeat.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(mine.token());
        if (lost != null) {
            return;
        }
        try {
            Optional<Holder> own = read(fs, file);
            if (own.isPresent() && own.get().token().equals(mine.token())) {
                write(fs, file, encode(withBeat(clock.instant(), true)));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Study {}: could not release the lease {} ({}); the next driver takes it over once it is {} s "
                    + "old", study, file, e.getMessage(), stale.toSeconds());
        }
    }

    private void removeOlder(int gen) {
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                int g = generationOf(s.getPath().getName());
                if (g > 0 && g < gen) {
                    fs.delete(s.getPath(), false);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not remove old lease files in {}: {}", dir, e.getMessage());
        }
    }

    // ---- files

    /** The newest generation's holder, if any lease file exists. */
    public static Optional<Holder> newest(Configuration conf, String deltaPath, String study) {
        Path dir = folder(deltaPath, study);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            return fs.exists(dir) ? newest(fs, dir) : Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the lease of study '" + study + "' in " + dir, e);
        }
    }

    private static Optional<Holder> newest(FileSystem fs, Path dir) throws IOException {
        FileStatus best = null;
        int bestGen = 0;
        for (FileStatus s : fs.listStatus(dir)) {
            int g = generationOf(s.getPath().getName());
            if (g > bestGen) {
                bestGen = g;
                best = s;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        Optional<Holder> h = read(fs, best.getPath());
        if (h.isPresent()) {
            return h;
        }
        // unreadable (being rewritten, or damaged): held, with the file's own time as its heartbeat
        Instant at = Instant.ofEpochMilli(best.getModificationTime());
        return Optional.of(new Holder(bestGen, "", "unknown", -1, null, "unreadable lease file " + best.getPath(), at,
                at, false, Duration.ZERO));
    }

    private static int generationOf(String name) {
        if (!name.startsWith("lease-") || !name.endsWith(".json")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(6, name.length() - 5));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<Holder> read(FileSystem fs, Path file) {
        for (int i = 0; i < 3; i++) {
            try (InputStream in = fs.open(file)) {
                JsonNode n = JSON.readTree(in);
                if (n != null && n.has("token")) {
                    return Optional.of(new Holder(n.path("generation").asInt(), n.path("token").asText(),
                            n.path("host").asText(), n.path("pid").asLong(),
                            n.hasNonNull("pid_start") ? Instant.parse(n.get("pid_start").asText()) : null,
                            n.path("command").asText(), Instant.parse(n.path("since").asText()),
                            Instant.parse(n.path("heartbeat").asText()), n.path("released").asBoolean(),
                            Duration.ofMillis(n.path("prior_running_ms").asLong())));
                }
            } catch (IOException | RuntimeException e) {
                // being rewritten: look again in a moment
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    private static byte[] encode(Holder h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("generation", h.generation());
        n.put("token", h.token());
        n.put("host", h.host());
        n.put("pid", h.pid());
        n.put("pid_start", h.pidStart() == null ? null : h.pidStart().toString());
        n.put("command", h.command());
        n.put("since", h.since().toString());
        n.put("heartbeat", h.heartbeat().toString());
        n.put("released", h.released());
        n.put("prior_running_ms", h.priorRunning().toMillis());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static java.nio.file.Path local(FileSystem fs, Path p) {
        if (fs instanceof LocalFileSystem l) {
            return l.pathToFile(p).toPath();
        }
        if (fs instanceof RawLocalFileSystem r) {
            return r.pathToFile(p).toPath();
        }
        return null;
    }

    /** Creates {@code file} only if it does not exist; false when it does. */
    private static boolean createNew(FileSystem fs, Path file, byte[] content) throws IOException {
        java.nio.file.Path l = local(fs, file);
        if (l != null) {
            try {
                Files.write(l, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.SYNC);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    private static void write(FileSystem fs, Path file, byte[] content) throws IOException {
        java.nio.file.Path l = local(fs, file);
        if (l != null) {
            java.nio.file.Path tmp = l.resolveSibling("." + l.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, l, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (OutputStream out = fs.create(file, true)) {
            out.write(content);
        }
    }

    static String hostName() {
        return org.smarttuner.storage.DriverMark.thisHost();
    }
}
