package org.smarttuner.tracking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tracker's thread: sends the backlog in order, batching consecutive metrics and tags per run,
 * and retries with backoff while the server is unreachable (429, 5xx, no connection), so the study
 * never waits. Ops leave the backlog only once sent or refused for good. What the server refuses for
 * good (a 4xx) is kept as unsent data for the report.
 */
final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    static final String TAG_STUDY = "smarttuner.study";
    /** The study's own id (made when the study is created): what ties runs to a study, not its name. */
    static final String TAG_STUDY_ID = "smarttuner.study_id";
    static final String TAG_ROLE = "smarttuner.role";
    static final String TAG_TRIAL = "smarttuner.trial";
    static final String TAG_PARENT = "mlflow.parentRunId";
    private static final int MAX_OPS_PER_STEP = 500;

    private final MlflowApi api;
    private final Backlog backlog;
    private final String experiment;
    private final Duration retryBase;
    private final Duration retryMax;
    private final int refusedCap;
    private final java.util.function.Consumer<UnsentItem> overflow;
    private final BatchSplitter splitter = new BatchSplitter();
    private final Map<RunKey, RunState> runs = new HashMap<>();
    private final List<UnsentItem> refused = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private volatile String study = "";
    private volatile String studyId = "";
    private volatile boolean byNameToo = true;
    private volatile boolean stopping;
    private volatile String lastError = "";
    private long refusedDropped;
    private String experimentId;

    Sender(MlflowApi api, Backlog backlog, String experiment, Duration retryBase, Duration retryMax, int refusedCap,
           java.util.function.Consumer<UnsentItem> overflow) {
        this.overflow = overflow;
        this.api = api;
        this.backlog = backlog;
        this.experiment = experiment;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
        this.refusedCap = refusedCap;
    }

    /**
     * The study whose runs this sender finds: by {@code id} (tag {@value #TAG_STUDY_ID}) when there is one;
     * with {@code byNameToo}, a parent run tagged with the name only (made before study ids) is taken too.
     */
    void study(String name, String id, boolean byNameToo) {
        study = name;
        studyId = id;
        this.byNameToo = byNameToo;
    }

    void stop() {
        stopping = true;
    }

    long sent() {
        return sent.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void run() {
        int failures = 0;
        while (!stopping) {
            List<Op> head;
            try {
                head = backlog.head(MAX_OPS_PER_STEP, 200);
            } catch (InterruptedException e) {
                return;
            }
            if (head.isEmpty()) {
                continue;
            }
            try {
                int done = step(head);
                backlog.removeFirst(done);
                if (failures > 0) {
                    LOG.info("MLflow is reachable again; sending the backlog ({} entries queued)", backlog.entries());
                }
                failures = 0;
            } catch (SendFailure e) {
                if (!e.retryable()) {
                    // Refusals are handled where they happen; one that gets here must not block the queue.
                    LOG.warn("MLflow refused the {}: {}", head.get(0).run(), e.getMessage());
                    giveUp(head.get(0), e.getMessage());
                    continue;
                }
                failures++;
                if (stopping) {
                    return;     // close() cut the call short: keep the error that made us wait
                }
                lastError = e.getMessage();
                if (failures == 1) {
                    LOG.warn("MLflow unreachable ({}); the study goes on, {} queued entries will be sent when it is back",
                            e.getMessage(), backlog.entries());
                } else {
                    LOG.debug("MLflow still unreachable (attempt {}): {}", failures, e.getMessage());
                }
                if (!pause(failures)) {
                    return;
                }
            } catch (RuntimeException e) {
                // A bug must not kill the thread silently and leave the study's data queued forever.
                LOG.error("MLflow tracker failed on {}; giving up on it", head.get(0).run(), e);
                giveUp(head.get(0), "tracker error: " + e);
            }
        }
    }

    private void giveUp(Op op, String reason) {
        refuse(op.unsent(study, runId(op.run()), reason));
        op.settle(false);
        if (op instanceof Op.StartRun s) {
            s.runId().complete(runId(op.run()));
        }
        backlog.removeFirst(1);
    }

    private boolean pause(int failures) {
        long base = retryBase.toMillis();
        long wait = Math.min(retryMax.toMillis(), base << Math.min(failures - 1, 20));
        wait = (long) (wait * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        try {
            Thread.sleep(Math.max(1, wait));
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Sends the op at the head (or a run of Log ops); returns how many ops are done. */
    private int step(List<Op> head) throws SendFailure {
        Op first = head.get(0);
        if (first instanceof Op.StartRun s) {
            startRun(s);
            return 1;
        }
        if (first instanceof Op.EndRun e) {
            withRun(e, state -> {
                api.setStatus(state.runId, e.status(), Optional.of(e.timestampMs()));
                state.finished();
                sent.incrementAndGet();
            });
            return 1;
        }
        if (first instanceof Op.Upload u) {
            withRun(u, state -> {
                api.upload(state.artifactUri, u.file(), u.artifactPath());
                sent.incrementAndGet();
            });
            return 1;
        }
        List<Op.Log> logs = new ArrayList<>();
        for (Op op : head) {
            if (!(op instanceof Op.Log l)) {
                break;
            }
            logs.add(l);
        }
        sendLogs(logs);
        return logs.size();
    }

    private interface RunAction {
        void apply(RunState state) throws SendFailure;
    }

    private void withRun(Op op, RunAction action) throws SendFailure {
        RunState state = runs.get(op.run());
        if (state == null || state.failure.isPresent()) {
            refuse(op.unsent(study, Optional.empty(), state == null ? "the " + op.run() + " was never started"
                    : "the " + op.run() + " could not be made: " + state.failure.get()));
            op.settle(false);
            return;
        }
        if (state.ended) {
            op.settle(true); // sent by the process that ended the run (see RunState.ended)
            return;
        }
        try {
            action.apply(state);
            op.settle(true);
        } catch (SendFailure f) {
            if (f.retryable()) {
                throw f;
            }
            LOG.warn("MLflow refused {} of the {}: {}", op.getClass().getSimpleName(), op.run(), f.getMessage());
            refuse(op.unsent(study, Optional.of(state.runId), f.getMessage()));
            op.settle(false);
        }
    }

    private void startRun(Op.StartRun s) throws SendFailure {
        RunState state = runs.get(s.run());
        try {
            if (state == null) {
                state = findOrCreate(s);
                runs.put(s.run(), state);
                if (state.failure.isEmpty()) {
                    sent.incrementAndGet();
                }
            }
            if (state.failure.isPresent()) {
                refuse(s.unsent(study, Optional.empty(), state.failure.get()));
                s.runId().complete(Optional.empty());
                return;
            }
            if (state.ended && s.attachOnly()) {
                // Entries an earlier run kept as unsent are sent again: they are not on the ended run. What it has
                // is read first, so nothing is logged twice.
                for (String key : state.endedMetricKeys) {
                    state.addSteps(key, api.loggedSteps(state.runId, key));
                }
                state.ended = false;
            }
            if (!state.ended) {
                logRunData(state, s);
            }
            s.runId().complete(Optional.of(state.runId));
        } catch (SendFailure f) {
            if (f.retryable()) {
                throw f;
            }
            LOG.warn("MLflow refused the {}: {}; its data is kept in the tracking report", s.run(), f.getMessage());
            if (state == null) {
                runs.put(s.run(), RunState.failed(f.getMessage()));
            }
            refuse(s.unsent(study, Optional.ofNullable(state).map(st -> st.runId), f.getMessage()));
            s.runId().complete(Optional.ofNullable(state).map(st -> st.runId));
        }
    }

    private RunState findOrCreate(Op.StartRun s) throws SendFailure {
        if (experimentId == null) {
            experimentId = api.experimentId(experiment);
        }
        Map<String, String> tags = new LinkedHashMap<>(s.tags());
        Map<String, String> lookFor = new LinkedHashMap<>();
        if (s.run().isParent()) {
            if (studyId.isEmpty()) {
                lookFor.put(TAG_STUDY, study);
            } else {
                lookFor.put(TAG_STUDY_ID, studyId);
            }
            lookFor.put(TAG_ROLE, "study");
        } else {
            RunState parent = runs.get(RunKey.PARENT);
            if (parent == null || parent.failure.isPresent()) {
                return RunState.failed("its study run could not be made"
                        + (parent == null ? "" : ": " + parent.failure.get()));
            }
            // The parent run is the study's own (found by its study id): its children are this study's trials.
            tags.put(TAG_PARENT, parent.runId);
            lookFor.put(TAG_PARENT, parent.runId);
            lookFor.put(TAG_TRIAL, String.valueOf(s.run().trial()));
        }
        Optional<RemoteRun> found = Optional.empty();
        if (s.existingId().isPresent()) {
            found = api.run(s.existingId().get()).filter(r -> r.experimentId().equals(experimentId));
            if (found.isEmpty()) {
                LOG.warn("MLflow run {} kept for the {} is not in experiment '{}'; looking for it by its tags",
                        s.existingId().get(), s.run(), experiment);
            }
        }
        if (found.isEmpty()) {
            // Also catches a run made by an earlier attempt whose id never got back to the job.
            List<RemoteRun> matches = api.findRuns(experimentId, lookFor);
            if (matches.isEmpty() && s.run().isParent() && !studyId.isEmpty() && byNameToo) {
                // A study from before study ids: its parent run is tagged with the name only. A run that has a
                // study id belongs to another study of that name (deleted and made anew): never taken.
                Map<String, String> byName = new LinkedHashMap<>();
                byName.put(TAG_STUDY, study);
                byName.put(TAG_ROLE, "study");
                matches = api.findRuns(experimentId, byName).stream()
                        .filter(r -> !r.tags().containsKey(TAG_STUDY_ID)).toList();
                if (!matches.isEmpty()) {
                    LOG.info("MLflow: study '{}' was tracked before study ids; its run {} is tagged with id {} now",
                            study, matches.get(0).runId(), studyId);
                }
            }
            if (matches.size() > 1) {
                LOG.warn("{} MLflow runs match the {} of study '{}'; reusing {}", matches.size(), s.run(), study,
                        matches.get(0).runId());
            }
            found = matches.stream().findFirst();
        }
        if (found.isPresent()) {
            RemoteRun r = found.get();
            RunState state = RunState.of(r);
            boolean running = "RUNNING".equals(r.status());
            if (s.mode() == Op.Mode.ENDED_CHECK && !running) {
                state.ended = true; // one call: nothing more for a run that has ended
                state.endedMetricKeys = List.copyOf(r.metricKeys());
                return state;
            }
            for (String key : r.metricKeys()) {
                state.addSteps(key, api.loggedSteps(r.runId(), key));
            }
            if (!running && s.mode() == Op.Mode.OPEN) {
                api.setStatus(r.runId(), "RUNNING", Optional.empty());
            }
            LOG.info("MLflow: reusing run {} for the {}", r.runId(), s.run());
            return state;
        }
        if (s.attachOnly()) {
            return RunState.failed("no MLflow run found for the " + s.run() + " of study '" + study + "'");
        }
        return RunState.of(api.createRun(experimentId, s.runName(), tags, s.timestampMs()));
    }

    private void logRunData(RunState state, Op.StartRun s) throws SendFailure {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        for (Map.Entry<String, String> p : s.params().entrySet()) {
            String old = state.params.get(p.getKey());
            if (old == null) {
                params.add(p);
            } else if (Redaction.redact(old).equals(p.getValue()) && !old.equals(p.getValue())) {
                // Logged with its password by a version before redaction: nothing to send, but say so.
                LOG.warn("MLflow: param '{}' of run {} holds a URL with a password (logged by an earlier version "
                        + "of this tool); MLflow cannot change or delete params, so change that password", p.getKey(),
                        state.runId);
            } else if (!old.equals(p.getValue())) {
                String reason = "param '" + p.getKey() + "' is already '" + Redaction.redact(old) + "' on run "
                        + state.runId + " and MLflow does not allow changing it; new value not logged";
                LOG.warn("MLflow: {}", reason);
                refuse(List.of(new UnsentItem(study, s.run().trialNumber(), Optional.of(state.runId), UnsentItem.Kind.PARAM,
                        p.getKey(), p.getValue(), java.util.OptionalLong.empty(), s.timestampMs(), reason)));
                state.params.put(p.getKey(), old);
            }
        }
        List<Map.Entry<String, String>> tags = new ArrayList<>();
        for (Map.Entry<String, String> t : s.tags().entrySet()) {
            if (!t.getValue().equals(state.tags.get(t.getKey()))) {
                tags.add(t);
            }
        }
        for (Batch b : splitter.split(List.of(), params, tags)) {
            try {
                api.logBatch(state.runId, b);
                sent.addAndGet(b.size());
            } catch (SendFailure f) {
                if (f.retryable()) {
                    throw f;
                }
                // The server knows a value we did not (e.g. set outside this tool): one by one, to keep the rest.
                for (Map.Entry<String, String> p : b.params()) {
                    try {
                        api.logParam(state.runId, p.getKey(), p.getValue());
                        sent.incrementAndGet();
                    } catch (SendFailure pf) {
                        if (pf.retryable()) {
                            throw pf;
                        }
                        LOG.warn("MLflow refused param '{}' of the {}: {}", p.getKey(), s.run(), pf.getMessage());
                        refuse(List.of(new UnsentItem(study, s.run().trialNumber(), Optional.of(state.runId),
                                UnsentItem.Kind.PARAM, p.getKey(), p.getValue(), java.util.OptionalLong.empty(),
                                s.timestampMs(), pf.getMessage())));
                    }
                    state.params.put(p.getKey(), p.getValue());
                }
                if (!b.tags().isEmpty()) {
                    sendOrRefuse(state, s.run(), new Batch(List.of(), List.of(), b.tags()), s.timestampMs());
                }
                continue;
            }
            b.params().forEach(p -> state.params.put(p.getKey(), p.getValue()));
            b.tags().forEach(t -> state.tags.put(t.getKey(), t.getValue()));
        }
    }

    private void sendLogs(List<Op.Log> logs) throws SendFailure {
        Map<RunKey, List<Op.Log>> byRun = new LinkedHashMap<>();
        for (Op.Log l : logs) {
            byRun.computeIfAbsent(l.run(), k -> new ArrayList<>()).add(l);
        }
        for (Map.Entry<RunKey, List<Op.Log>> e : byRun.entrySet()) {
            RunState state = runs.get(e.getKey());
            if (state == null || state.failure.isPresent()) {
                String reason = state == null ? "the " + e.getKey() + " was never started"
                        : "the " + e.getKey() + " could not be made: " + state.failure.get();
                e.getValue().forEach(l -> refuse(l.unsent(study, Optional.empty(), reason)));
                continue;
            }
            if (state.ended) {
                continue; // sent by the process that ended the run (see RunState.ended)
            }
            List<MetricPoint> metrics = new ArrayList<>();
            java.util.Set<String> pending = new java.util.HashSet<>();
            Map<String, String> tags = new LinkedHashMap<>();
            long ts = 0;
            for (Op.Log l : e.getValue()) {
                for (MetricPoint m : l.metrics()) {
                    // First value of a (key, step) wins: a resumed trial re-training an epoch does not duplicate it.
                    if (!state.hasStep(m.key(), m.step()) && pending.add(m.key() + '\u0000' + m.step())) {
                        metrics.add(m);
                    }
                }
                tags.putAll(l.tags());
                ts = l.timestampMs();
            }
            tags.entrySet().removeIf(t -> t.getValue().equals(state.tags.get(t.getKey())));
            for (Batch b : splitter.split(metrics, List.of(), List.copyOf(tags.entrySet()))) {
                sendOrRefuse(state, e.getKey(), b, ts);
            }
        }
    }

    private void sendOrRefuse(RunState state, RunKey run, Batch b, long ts) throws SendFailure {
        try {
            api.logBatch(state.runId, b);
            sent.addAndGet(b.size());
        } catch (SendFailure f) {
            if (f.retryable()) {
                throw f;
            }
            LOG.warn("MLflow refused {} entries of the {}: {}", b.size(), run, f.getMessage());
            refuse(new Op.Log(run, b.metrics(), toMap(b.tags()), ts).unsent(study, Optional.of(state.runId), f.getMessage()));
        }
        // Sent or refused for good: either way never again.
        b.metrics().forEach(m -> state.addStep(m.key(), m.step()));
        b.tags().forEach(t -> state.tags.put(t.getKey(), t.getValue()));
    }

    private static Map<String, String> toMap(List<Map.Entry<String, String>> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private Optional<String> runId(RunKey key) {
        RunState s = runs.get(key);
        return s == null ? Optional.empty() : Optional.ofNullable(s.runId);
    }

    private void refuse(List<UnsentItem> items) {
        for (UnsentItem item : items) {
            boolean kept;
            synchronized (refused) {
                kept = refused.size() < refusedCap;
                if (kept) {
                    refused.add(item);
                } else {
                    refusedDropped++;
                }
            }
            if (!kept) {
                overflow.accept(item);
            }
        }
    }

    List<UnsentItem> refused() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }

    long refusedDropped() {
        synchronized (refused) {
            return refusedDropped;
        }
    }

    /**
     * Ops left at the end as unsent data. Only call once the thread has stopped: entries of a
     * half-sent op that did reach the server are left out.
     */
    List<UnsentItem> leftovers(List<Op> ops, String reason) {
        List<UnsentItem> out = new ArrayList<>();
        for (Op op : ops) {
            Optional<String> id = runId(op.run());
            RunState state = runs.get(op.run());
            if (state != null && state.ended) {
                op.settle(true); // the run had ended: what was queued for it is there (see RunState.ended)
                if (op instanceof Op.StartRun s) {
                    s.runId().complete(id);
                }
                continue;
            }
            if (op instanceof Op.StartRun s && state != null && state.failure.isEmpty()) {
                Map<String, String> params = new LinkedHashMap<>(s.params());
                params.keySet().removeAll(state.params.keySet());
                Map<String, String> tags = new LinkedHashMap<>(s.tags());
                tags.entrySet().removeIf(t -> t.getValue().equals(state.tags.get(t.getKey())));
                out.addAll(new Op.StartRun(s.run(), s.runName(), id, params, tags, s.timestampMs(), s.runId(), s.mode())
                        .unsent(study, id, reason).stream().filter(u -> u.kind() != UnsentItem.Kind.RUN).toList());
            } else if (op instanceof Op.Log l && state != null && state.failure.isEmpty()) {
                List<MetricPoint> left = l.metrics().stream().filter(m -> !state.hasStep(m.key(), m.step())).toList();
                Map<String, String> tags = new LinkedHashMap<>(l.tags());
                tags.entrySet().removeIf(t -> t.getValue().equals(state.tags.get(t.getKey())));
                out.addAll(new Op.Log(l.run(), left, tags, l.timestampMs()).unsent(study, id, reason));
            } else {
                out.addAll(op.unsent(study, id, reason));
            }
            if (op instanceof Op.StartRun s) {
                s.runId().complete(id);
            }
            op.settle(false);
        }
        return out;
    }
}
