package org.smarttuner.tracking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tracks a study in MLflow: a parent run for the study, a nested run per trial. The driver's calls
 * only format and queue (a bounded queue, see {@link Backlog}); a daemon thread sends. When the
 * queue is full the entry goes to the overflow sink at once (the job keeps it in Delta) and the
 * study goes on. Run starts and ends are always queued.
 */
public final class MlflowTracker implements StudyTracker {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowTracker.class);

    private final TrackerSettings settings;
    private final Backlog backlog;
    private final Sender sender;
    private final MlflowApi api;
    private final Thread thread;
    private final Consumer<UnsentItem> overflowSink;
    private final AtomicLong overflowed = new AtomicLong();
    private final Set<Integer> trials = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String study;
    private volatile Optional<String> studyId = Optional.empty();
    private volatile boolean closed;
    private TrackingReport report;

    private MlflowTracker(TrackerSettings settings, Consumer<UnsentItem> overflowSink) {
        this.settings = settings;
        this.overflowSink = overflowSink;
        this.backlog = new Backlog(settings.queueCapacity());
        // Once per tracker: credentials over plain http, unverified TLS, ignored credentials.
        settings.target().warnings().forEach(w -> LOG.warn("{}", w));
        this.api = new MlflowApi(settings.target(), settings.requestTimeout(), settings.uploadTimeout());
        this.sender = new Sender(api, backlog, settings.experiment(), settings.retryBase(), settings.retryMax(),
                Math.max(1000, settings.queueCapacity()), overflowSink);
        this.thread = new Thread(sender, "mlflow-tracker");
        thread.setDaemon(true);
    }

    /**
     * Starts the tracker's thread. Nothing is sent until {@link #studyStarted}.
     *
     * @param overflowSink takes entries that did not fit the queue (on the caller's thread) or the
     *                     report (on the tracker's thread); must be quick and thread-safe
     */
    public static MlflowTracker start(TrackerSettings settings, Consumer<UnsentItem> overflowSink) {
        MlflowTracker t = new MlflowTracker(settings, overflowSink);
        t.thread.start();
        return t;
    }

    @Override
    public synchronized CompletableFuture<Optional<String>> studyStarted(StudyInfo info) {
        checkOpen();
        if (study != null) {
            throw new IllegalStateException("studyStarted was already called for study '" + study + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        info.config().forEach((k, v) -> putParam(params, k, v));
        putParam(params, "sampler", info.sampler());
        putParam(params, "pruner", info.pruner());
        putParam(params, "dataset_hash", info.datasetHash());
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(Sender.TAG_STUDY, Keys.tagValue(info.name()));
        info.studyId().ifPresent(i -> tags.put(Sender.TAG_STUDY_ID, Keys.tagValue(i)));
        tags.put(Sender.TAG_ROLE, "study");
        tags.put("smarttuner.code_version", Keys.tagValue(info.codeVersion()));
        study = info.name();
        studyId = info.studyId();
        sender.study(Keys.tagValue(info.name()), info.studyId().map(Keys::tagValue).orElse(""), info.byNameToo());
        CompletableFuture<Optional<String>> id = new CompletableFuture<>();
        backlog.offer(new Op.StartRun(RunKey.PARENT, info.name(), info.parentRunId(), params, tags, now(), id,
                Op.Mode.OPEN));
        return id;
    }

    @Override
    public CompletableFuture<Optional<String>> trialStarted(int trial, Map<String, ?> params, Optional<String> runId) {
        return startTrial(trial, params, runId, Op.Mode.OPEN);
    }

    @Override
    public CompletableFuture<Optional<String>> trialEndedBefore(int trial, Map<String, ?> params,
                                                                Optional<String> runId) {
        return startTrial(trial, params, runId, Op.Mode.ENDED_CHECK);
    }

    private CompletableFuture<Optional<String>> startTrial(int trial, Map<String, ?> params, Optional<String> runId,
                                                           Op.Mode mode) {
        checkOpen();
        if (study == null) {
            throw new IllegalStateException("trialStarted(" + trial + ") before studyStarted");
        }
        RunKey key = RunKey.trial(trial);
        if (!trials.add(trial)) {
            throw new IllegalStateException("trial " + trial + " was already started");
        }
        Map<String, String> values = new LinkedHashMap<>();
        params.forEach((k, v) -> putParam(values, k, v));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(Sender.TAG_STUDY, Keys.tagValue(study));
        studyId.ifPresent(i -> tags.put(Sender.TAG_STUDY_ID, Keys.tagValue(i)));
        tags.put(Sender.TAG_ROLE, "trial");
        tags.put(Sender.TAG_TRIAL, Integer.toString(trial));
        CompletableFuture<Optional<String>> id = new CompletableFuture<>();
        backlog.offer(new Op.StartRun(key, "trial-" + trial, runId, values, tags, now(), id, mode));
        return id;
    }

    @Override
    public void epochMetrics(int trial, long step, Map<String, Double> metrics) {
        RunKey key = started(trial);
        if (step < 0) {
            throw new IllegalArgumentException("metric step must be >= 0, got " + step + " for trial " + trial);
        }
        long ts = now();
        List<MetricPoint> points = new ArrayList<>(metrics.size());
        metrics.forEach((k, v) -> points.add(new MetricPoint(Keys.key(k), v, ts, step)));
        offer(new Op.Log(key, points, Map.of(), ts));
    }

    @Override
    public CompletableFuture<Boolean> trialFinished(int trial, TrialOutcome outcome, OptionalDouble value,
                                                    Optional<String> reason) {
        RunKey key = started(trial);
        long ts = now();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("smarttuner.state", outcome.name());
        reason.ifPresent(r -> tags.put("smarttuner.reason", Keys.tagValue(r)));
        List<MetricPoint> points = value.isPresent() ? List.of(new MetricPoint("value", value.getAsDouble(), ts, 0))
                : List.of();
        offer(new Op.Log(key, points, tags, ts));
        Op.EndRun end = new Op.EndRun(key, outcome.runStatus(), ts);
        backlog.offer(end);
        return end.done();
    }

    @Override
    public CompletableFuture<Boolean> artifact(int trial, Path file, String artifactPath) {
        return upload(started(trial), file, artifactPath);
    }

    @Override
    public CompletableFuture<Boolean> studyArtifact(Path file, String artifactPath) {
        checkOpen();
        if (study == null) {
            throw new IllegalStateException("studyArtifact(" + file + ") before studyStarted");
        }
        return upload(RunKey.PARENT, file, artifactPath);
    }

    private CompletableFuture<Boolean> upload(RunKey key, Path file, String artifactPath) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(artifactPath, "artifactPath");
        if (artifactPath.contains("..") || artifactPath.contains("\\")) {
            throw new IllegalArgumentException("artifact path '" + artifactPath + "' must be a plain folder path "
                    + "(no '..', no backslash)");
        }
        Op.Upload op = new Op.Upload(key, file.toAbsolutePath(), artifactPath, now());
        offer(op);
        return op.done();
    }

    @Override
    public void resend(List<UnsentItem> items) {
        checkOpen();
        if (study == null) {
            throw new IllegalStateException("resend before studyStarted");
        }
        Map<RunKey, List<UnsentItem>> byRun = new LinkedHashMap<>();
        for (UnsentItem u : items) {
            RunKey key = u.trial().isPresent() ? RunKey.trial(u.trial().getAsInt()) : RunKey.PARENT;
            byRun.computeIfAbsent(key, k -> new ArrayList<>()).add(u);
        }
        byRun.forEach((key, list) -> {
            Map<String, String> params = new LinkedHashMap<>();
            Map<String, String> tags = new LinkedHashMap<>();
            List<Op> after = new ArrayList<>();
            List<MetricPoint> points = new ArrayList<>();
            Optional<String> runId = Optional.empty();
            long ts = now();
            for (UnsentItem u : list) {
                if (runId.isEmpty()) {
                    runId = u.runId();
                }
                switch (u.kind()) {
                    case PARAM -> params.putIfAbsent(u.key(), u.value());
                    case TAG -> tags.put(u.key(), u.value());
                    case METRIC -> points.add(new MetricPoint(u.key(), Double.parseDouble(u.value()), u.timestampMs(),
                            u.step().orElse(0)));
                    case ARTIFACT -> after.add(new Op.Upload(key, Path.of(u.value()), u.key(), u.timestampMs()));
                    // The parent run is ended by this run of the study; a trial's end is sent again.
                    case RUN_STATUS -> {
                        if (!key.isParent()) {
                            after.add(new Op.EndRun(key, u.key(), u.timestampMs()));
                        }
                    }
                    case RUN -> { } // the run is found below; one that was never made is made by the trial's resume
                }
            }
            // Metrics keep their original order and are sent before the run's end.
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < points.size(); i += 1000) {
                ops.add(new Op.Log(key, List.copyOf(points.subList(i, Math.min(points.size(), i + 1000))), Map.of(), ts));
            }
            backlog.add(new Op.StartRun(key, key.isParent() ? study : "trial-" + key.trial(), runId, params, tags, ts,
                    new CompletableFuture<>(), Op.Mode.ATTACH));
            ops.forEach(backlog::add);
            after.forEach(backlog::add);
        });
    }

    @Override
    public long requests() {
        return api.requests();
    }

    @Override
    public void bestTrial(int trial, double value, Optional<Path> checkpoint) {
        checkOpen();
        if (study == null) {
            throw new IllegalStateException("bestTrial(" + trial + ") before studyStarted");
        }
        RunKey key = RunKey.trial(trial);
        if (checkpoint.isPresent() && trials.add(trial)) {
            // A trial finished by an earlier run of this study: find its run to put the checkpoint there.
            backlog.offer(new Op.StartRun(key, "trial-" + trial, Optional.empty(), Map.of(), Map.of(), now(),
                    new CompletableFuture<>(), Op.Mode.ATTACH));
        }
        long ts = now();
        // Step = trial number: unique per best, so a resumed study neither repeats nor loses one.
        offer(new Op.Log(RunKey.PARENT, List.of(new MetricPoint("best_value", value, ts, trial)),
                Map.of("smarttuner.best_trial", Integer.toString(trial)), ts));
        checkpoint.ifPresent(c -> offer(new Op.Upload(key, c.toAbsolutePath(), "checkpoint", ts)));
    }

    @Override
    public void studyFinished(boolean failed) {
        checkOpen();
        if (study == null) {
            throw new IllegalStateException("studyFinished before studyStarted");
        }
        backlog.offer(new Op.EndRun(RunKey.PARENT, failed ? "FAILED" : "FINISHED", now()));
    }

    @Override
    public void close() {
        close(settings.flushTimeout());
    }

    @Override
    public synchronized TrackingReport close(Duration flushTimeout) {
        if (report != null) {
            return report;
        }
        closed = true;
        long deadline = System.nanoTime() + flushTimeout.toNanos();
        boolean drained;
        try {
            drained = backlog.awaitEmpty(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        sender.stop();
        thread.interrupt();
        api.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Op> left = backlog.drain();
        List<UnsentItem> unsent = new ArrayList<>(sender.refused());
        if (!left.isEmpty()) {
            String why = "not sent within the flush timeout of " + (flushTimeout.toMillis() % 1000 == 0
                    ? flushTimeout.toSeconds() + " s" : flushTimeout.toMillis() + " ms")
                    + (sender.lastError().isEmpty() ? "" : " (last error: " + sender.lastError() + ")");
            unsent.addAll(thread.isAlive() ? leftoversUnfiltered(left, why) : sender.leftovers(left, why));
        }
        report = new TrackingReport(sender.sent(), unsent, overflowed.get() + sender.refusedDropped(), api.requests());
        if (report.complete()) {
            LOG.info("{}", report.summary());
        } else {
            LOG.warn("{}{}", report.summary(), drained ? "" : "; the MLflow server did not take the backlog in time");
        }
        return report;
    }

    private List<UnsentItem> leftoversUnfiltered(List<Op> left, String why) {
        List<UnsentItem> out = new ArrayList<>();
        for (Op op : left) {
            out.addAll(op.unsent(Keys.tagValue(study == null ? "" : study), Optional.empty(), why));
            if (op instanceof Op.StartRun s) {
                s.runId().complete(Optional.empty());
            }
            op.settle(false);
        }
        return out;
    }

    /** Entries waiting to be sent now (for monitoring and the memory measurement). */
    public int queuedEntries() {
        return backlog.entries();
    }

    private void offer(Op op) {
        if (!backlog.offer(op)) {
            long n = overflowed.addAndGet(op.entries());
            if (n == op.entries()) {
                LOG.warn("MLflow tracking queue is full ({} entries): further entries go to the unsent records until "
                        + "the server takes the backlog", settings.queueCapacity());
            }
            for (UnsentItem item : op.unsent(Keys.tagValue(study), Optional.empty(),
                    "tracking queue full (" + settings.queueCapacity() + " entries) while MLflow was unreachable")) {
                overflowSink.accept(item);
            }
            op.settle(false);
        }
    }

    private RunKey started(int trial) {
        checkOpen();
        if (!trials.contains(trial)) {
            throw new IllegalStateException("trial " + trial + " was not started (call trialStarted first)");
        }
        return RunKey.trial(trial);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the MLflow tracker is closed");
        }
    }

    private static void putParam(Map<String, String> params, String key, Object value) {
        String k = Keys.key(key);
        String v = Keys.paramValue(ParamFormat.format(value));
        String old = params.putIfAbsent(k, v);
        if (old != null && !old.equals(v)) {
            throw new IllegalArgumentException("param '" + k + "' is given twice with different values ('" + old
                    + "' and '" + v + "')" + (k.equals(key) ? "" : " (after replacing characters MLflow does not allow)"));
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
