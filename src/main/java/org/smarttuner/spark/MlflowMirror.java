package org.smarttuner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.UnsentRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.tracking.NoopTracker;
import org.smarttuner.tracking.StudyInfo;
import org.smarttuner.tracking.StudyTracker;
import org.smarttuner.tracking.TrackingReport;
import org.smarttuner.tracking.Trackers;
import org.smarttuner.tracking.TrialOutcome;
import org.smarttuner.tracking.UnsentItem;

/**
 * MLflow as a mirror of the study: the parent run (found by the study's id) opens when the study
 * opens, each trial's nested run when the trial is first recorded, epochs as metrics with their step,
 * each rung's alignment images and spoken sample as artifacts ({@code rung-epochNNNN/}), the end state
 * as the run's status, the best trial and the HTML report on the parent run.
 *
 * <p>What MLflow confirmed is stored with the trial (system attributes {@code mlflow_run_id},
 * {@code mlflow_synced}: the run's end is there, {@code mlflow_rung_artifacts_epoch}: rungs uploaded), so a
 * resumed study sends nothing for a trial whose end was confirmed, reuses the runs of unfinished trials,
 * sends them the epochs Delta holds that their runs may lack, and checks, with one call each, the trials a
 * killed driver finished without a confirmation. What does not fit the tracker's queue goes to the
 * {@code tracking_unsent} Delta table as it happens ({@link UnsentRecords}); what an earlier run could not
 * send is sent again when the study resumes.
 */
public final class MlflowMirror implements StudyMirror {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowMirror.class);
    /** The trial's MLflow run has its end: nothing to send for it on resume. */
    public static final String SYNCED = "mlflow_synced";
    /** The last rung whose artifacts were uploaded (or kept as unsent). */
    public static final String RUNG_UPLOADED = "mlflow_rung_artifacts_epoch";

    private final StudyTracker tracker;
    private final StudyInfo info;
    private final String study;
    private final StudyDirection direction;
    private final Duration flushTimeout;
    private final DeltaResultStore store;
    private final UnsentRecords unsent;
    private final Optional<Path> artifactDir;
    private final Map<Integer, String> runIds = new ConcurrentHashMap<>();
    private final Set<Integer> synced = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> uploaded = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> queuedRung = new HashMap<>();
    private final Set<Integer> seen = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();
    /** Trials a killed driver finished: their rung files are kept (one may be in the unsent records). */
    private final Set<Integer> checkedOnly = new HashSet<>();
    private final List<CompletableFuture<?>> pending = new ArrayList<>();
    private List<UnsentRow> resend = List.of();
    private boolean resent;
    private boolean opened;
    /** Trials earlier drivers recorded: only these can have been finished without MLflow hearing of it. */
    private Set<Integer> earlier = Set.of();
    private Double best;
    private boolean studyFailed;
    private TrackingReport report;

    /**
     * @param unsent      where overflowed and unsent entries are kept (the tracker's overflow sink adds to it)
     * @param artifactDir where the driver writes the trials' rung artifacts ({@link TrialArtifacts#studyDir});
     *                    empty: none are uploaded
     */
    public MlflowMirror(StudyTracker tracker, StudyInfo info, StudyDirection direction, Duration flushTimeout,
                        DeltaResultStore store, UnsentRecords unsent, Optional<Path> artifactDir) {
        this.tracker = tracker;
        this.info = info;
        this.study = info.name();
        this.direction = direction;
        this.flushTimeout = flushTimeout;
        this.store = store;
        this.unsent = unsent;
        this.artifactDir = artifactDir;
    }

    /**
     * The mirror a {@code tune} of {@code config} keeps: the tracker from output.mlflow (or MLFLOW_TRACKING_URI
     * in {@code env}), overflow kept in Delta as it happens.
     */
    public static MlflowMirror open(TunerConfig config, SparkSession spark, StudyInfo info, Map<String, String> env) {
        var m = config.output().mlflow();
        DeltaResultStore store = new DeltaResultStore(spark, config.output().deltaPath());
        UnsentRecords unsent = new UnsentRecords(spark, store, config.study().name());
        try {
            StudyTracker tracker = Trackers.open(m.trackingUri(), m.experiment(), m.flushTimeout(), m.queueCapacity(),
                    env, unsent::add);
            return new MlflowMirror(tracker, info, StudyFactory.direction(config.study()), m.flushTimeout(), store,
                    unsent, m.rungArtifacts() && !(tracker instanceof NoopTracker)
                            ? Optional.of(TrialArtifacts.studyDir(config)) : Optional.empty());
        } catch (RuntimeException e) {
            unsent.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "mlflow";
    }

    @Override
    public boolean wantsRungArtifacts() {
        return artifactDir.isPresent();
    }

    @Override
    public synchronized void studyOpened(String studyId, boolean olderThanId, Set<Integer> recordedBefore) {
        if (opened) {
            throw new IllegalStateException("the MLflow mirror of study " + study + " was opened already");
        }
        opened = true;
        earlier = Set.copyOf(recordedBefore);
        tracker.studyStarted(info.withStudyId(studyId, olderThanId));
        if (!(tracker instanceof NoopTracker)) {
            try {
                resend = unsent.pending();
            } catch (RuntimeException e) {
                LOG.warn("MLflow: the unsent entries of earlier runs could not be read ({}); they stay for a later run",
                        e.toString());
            }
        }
    }

    @Override
    public Map<String, Object> attributesFor(int trial) {
        Map<String, Object> out = new LinkedHashMap<>();
        String id = runIds.get(trial);
        if (id != null) {
            out.put(TrialCodec.MLFLOW_RUN, id);
        }
        if (synced.contains(trial)) {
            out.put(SYNCED, Boolean.TRUE);
        }
        Integer rung = uploaded.get(trial);
        if (rung != null && rung > 0) {
            out.put(RUNG_UPLOADED, rung);
        }
        return out;
    }

    @Override
    public synchronized void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) {
        if (!opened) {
            throw new IllegalStateException("the MLflow mirror of study " + study + " got trials before studyOpened");
        }
        if (tracker instanceof NoopTracker) {
            return; // tracking is off: nothing to send, and no Delta read to find it
        }
        Set<Integer> resync = new HashSet<>();
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.WAITING || !seen.add(t.number())) {
                continue;
            }
            int n = t.number();
            Optional<String> kept = Optional.ofNullable((String) t.systemAttrs().get(TrialCodec.MLFLOW_RUN));
            kept.ifPresent(id -> runIds.put(n, id));
            uploaded.put(n, intAttr(t, RUNG_UPLOADED));
            if (t.state().isFinished() && kept.isPresent() && Boolean.TRUE.equals(t.systemAttrs().get(SYNCED))) {
                // Its run has everything: no call at all, only the best value to compare later trials with.
                synced.add(n);
                finished.add(n);
                noteBest(t);
                continue;
            }
            boolean before = earlier.contains(n);
            boolean endedBefore = before && t.state().isFinished();
            if (endedBefore) {
                checkedOnly.add(n);
            }
            CompletableFuture<Optional<String>> id = endedBefore
                    ? tracker.trialEndedBefore(n, t.params(), kept) : tracker.trialStarted(n, t.params(), kept);
            pending.add(id.thenAccept(i -> i.ifPresent(x -> runIds.put(n, x))));
            if (before) {
                resync.add(n); // recorded by an earlier driver: its run may lack epochs Delta has
            }
        }
        if (!resent && !resend.isEmpty()) {
            // Before anything else for these runs, and before any run's end: a run takes its entries in order.
            resent = true;
            resendEarlier();
        }
        if (!resync.isEmpty()) {
            for (MetricRow m : store.metrics(study)) {
                if (resync.contains(m.number())) {
                    epoch(m);
                }
            }
        }
        newMetrics.forEach(this::epoch);
        for (FrozenTrial t : trials) {
            if (seen.contains(t.number()) && !(synced.contains(t.number()) && finished.contains(t.number()))) {
                uploadRungs(t);
            }
        }
        for (FrozenTrial t : trials) {
            if (!t.state().isFinished() || !finished.add(t.number())) {
                continue;
            }
            int n = t.number();
            // The best trial's checkpoint goes before the run's end: everything for a run precedes its end.
            if (t.state() == TrialState.COMPLETE && (best == null || direction.better(t.value().get(), best))) {
                best = t.value().get();
                Optional<Path> ck = TrialCodec.checkpoint(t).map(Path::of).filter(Files::isRegularFile);
                tracker.bestTrial(n, best, ck);
            }
            TrialOutcome outcome = switch (t.state()) {
                case COMPLETE -> TrialOutcome.COMPLETE;
                case PRUNED -> TrialOutcome.PRUNED;
                default -> TrialOutcome.FAIL;
            };
            Optional<String> reason = Optional.ofNullable((String) t.systemAttrs().get(TrialCodec.REASON));
            pending.add(tracker.trialFinished(n, outcome,
                    t.value().map(OptionalDouble::of).orElse(OptionalDouble.empty()), reason)
                    .thenAccept(ok -> {
                        if (ok) {
                            synced.add(n);
                        }
                    }));
        }
        pending.removeIf(CompletableFuture::isDone);
    }

    private void noteBest(FrozenTrial t) {
        if (t.state() == TrialState.COMPLETE && t.value().isPresent()
                && (best == null || direction.better(t.value().get(), best))) {
            best = t.value().get();
        }
    }

    private void epoch(MetricRow m) {
        Map<String, Double> values = new LinkedHashMap<>();
        put(values, "train_loss", m.trainLoss());
        put(values, "val_loss", m.valLoss());
        put(values, "val_mel_loss", m.valMelLoss());
        put(values, "val_gate_loss", m.valGateLoss());
        put(values, "attention_sharpness", m.attentionSharpness());
        put(values, "val_mcd", m.valMcd());
        put(values, "val_mcd_sl", m.valMcdSl());
        put(values, "val_stop_error", m.valStopError());
        put(values, "val_stop_rate", m.valStopRate());
        put(values, "val_attention", m.valAttention());
        put(values, "frames_per_second", m.framesPerSecond());
        put(values, "peak_memory_mb", m.peakMemoryMb());
        tracker.epochMetrics(m.number(), m.epoch(), values);
    }

    /** Uploads the rung folders the driver wrote for the trial since the last one queued. */
    private void uploadRungs(FrozenTrial t) {
        if (artifactDir.isEmpty()) {
            return;
        }
        int n = t.number();
        int written = intAttr(t, TrialCodec.RUNG_ARTIFACTS);
        int after = queuedRung.getOrDefault(n, uploaded.getOrDefault(n, 0));
        if (written <= after) {
            return;
        }
        queuedRung.put(n, written);
        for (TrialArtifacts.Rung rung : TrialArtifacts.rungs(artifactDir.get(), n, after, written)) {
            List<CompletableFuture<Boolean>> files = new ArrayList<>();
            for (Path f : rung.files()) {
                files.add(tracker.artifact(n, f, rung.name()));
            }
            int epoch = rung.epoch();
            boolean keepFiles = checkedOnly.contains(n);
            pending.add(CompletableFuture.allOf(files.toArray(new CompletableFuture<?>[0])).thenRun(() -> {
                uploaded.merge(n, epoch, Math::max);
                if (!keepFiles && files.stream().allMatch(CompletableFuture::join)) {
                    deleteQuietly(rung.files()); // uploaded: MLflow keeps them now (unsent ones stay for a retry)
                }
            }));
        }
    }

    private void resendEarlier() {
        List<UnsentItem> items = new ArrayList<>();
        List<UnsentRow> gone = new ArrayList<>();
        for (UnsentRow r : resend) {
            UnsentItem u = UnsentRecords.item(r);
            if (u.kind() == UnsentItem.Kind.ARTIFACT && !Files.isRegularFile(Path.of(u.value()))) {
                LOG.warn("MLflow: artifact {} of {} was kept as unsent but its file {} is gone; it is dropped",
                        u.key(), u.trial().isPresent() ? "trial " + u.trial().getAsInt() : "the study run", u.value());
                gone.add(r);
                continue;
            }
            items.add(u);
        }
        LOG.info("MLflow: sending again {} entries an earlier run of study {} could not send", items.size(), study);
        tracker.resend(items);
        if (!gone.isEmpty()) {
            try {
                unsent.settle(gone, List.of());
            } catch (RuntimeException e) {
                LOG.warn("MLflow: could not drop {} unsent artifacts whose files are gone: {}", gone.size(), e.toString());
            }
        }
        List<UnsentRow> kept = new ArrayList<>(resend);
        kept.removeAll(gone);
        resend = kept;
    }

    @Override
    public void studyReport(Path html) {
        synchronized (this) {
            if (!opened) {
                return;
            }
        }
        tracker.studyArtifact(html, "");
    }

    private static int intAttr(FrozenTrial t, String key) {
        Object v = t.systemAttrs().get(key);
        return v instanceof Number n ? n.intValue() : 0;
    }

    private static void put(Map<String, Double> m, String k, Double v) {
        if (v != null && Double.isFinite(v)) {
            m.put(k, v);
        }
    }

    private static void deleteQuietly(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.debug("could not delete uploaded artifact {}: {}", f, e.toString());
            }
        }
    }

    @Override
    public void settle(Duration requested) {
        Duration timeout = requested.compareTo(flushTimeout) < 0 ? requested : flushTimeout;
        CompletableFuture<?>[] all;
        synchronized (this) {
            all = pending.toArray(new CompletableFuture<?>[0]);
        }
        try {
            CompletableFuture.allOf(all).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.info("MLflow has not confirmed every trial run after {} s; their ids are stored when it does",
                    timeout.toSeconds());
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("MLflow run creation failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The study ended by a failure stop (max_failures); the parent run is marked FAILED. */
    public void studyFailed() {
        studyFailed = true;
    }

    /** What the tracker reported when the mirror closed (empty before): for the driver benchmark. */
    public synchronized Optional<TrackingReport> report() {
        return Optional.ofNullable(report);
    }

    /** HTTP requests made to MLflow so far. */
    public long requests() {
        return tracker.requests();
    }

    @Override
    public synchronized void close() {
        if (report != null) {
            return;
        }
        if (opened) {
            tracker.studyFinished(studyFailed);
        }
        report = tracker.close(flushTimeout);
        unsent.close();
        List<UnsentRow> still = new ArrayList<>();
        for (UnsentItem u : report.unsent()) {
            still.add(UnsentRecords.row(study, u));
        }
        List<UnsentRow> resentRows = resent ? resend : List.of();
        if (still.isEmpty() && unsent.kept() == 0) {
            if (report.sent() > 0) {
                LOG.info("{}", report.summary());
            }
        } else {
            LOG.warn("{}; {} entries kept in the Delta table tracking_unsent (sent again when the study resumes)",
                    report.summary(), still.size() + unsent.kept());
        }
        try {
            unsent.settle(resentRows, still);
        } catch (RuntimeException e) {
            LOG.error("could not keep {} unsent MLflow entries in Delta: {}", still.size(), e.getMessage());
        }
    }
}
