package org.smarttuner.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.UnsentRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.tracking.StudyInfo;
import org.smarttuner.tracking.StudyTracker;
import org.smarttuner.tracking.TrackingReport;
import org.smarttuner.tracking.TrialOutcome;
import org.smarttuner.tracking.UnsentItem;

/**
 * MLflow as a mirror of the study: the parent run opens when the study starts, each trial's
 * nested run when the trial is first recorded, epochs as metrics with their step, the end state
 * as the run's status, the best trial on the parent run. Run ids come back asynchronously and are
 * stored with the trial (system attribute {@code mlflow_run_id}) so a resumed study reuses them.
 * What the tracker cannot send by the end goes to the {@code tracking_unsent} Delta table.
 */
public final class MlflowMirror implements StudyMirror {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowMirror.class);

    private final StudyTracker tracker;
    private final String study;
    private final StudyDirection direction;
    private final java.time.Duration flushTimeout;
    private final DeltaResultStore store;
    private final List<UnsentItem> overflow;
    private final Map<Integer, String> runIds = new ConcurrentHashMap<>();
    private final Set<Integer> started = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();
    private final List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
    private Double best;
    private boolean studyFailed;

    public MlflowMirror(StudyTracker tracker, StudyInfo info, StudyDirection direction, java.time.Duration flushTimeout,
                        DeltaResultStore store, List<UnsentItem> overflow) {
        this.tracker = tracker;
        this.study = info.name();
        this.direction = direction;
        this.flushTimeout = flushTimeout;
        this.store = store;
        this.overflow = overflow;
        tracker.studyStarted(info);
    }

    @Override
    public String name() {
        return "mlflow";
    }

    @Override
    public Map<String, Object> attributesFor(int trial) {
        String id = runIds.get(trial);
        return id == null ? Map.of() : Map.of(TrialCodec.MLFLOW_RUN, id);
    }

    @Override
    public synchronized void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) {
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.WAITING || !started.add(t.number())) {
                continue;
            }
            Optional<String> kept = Optional.ofNullable((String) t.systemAttrs().get(TrialCodec.MLFLOW_RUN));
            kept.ifPresent(id -> runIds.put(t.number(), id));
            int n = t.number();
            pending.add(tracker.trialStarted(n, t.params(), kept).thenAccept(id -> id.ifPresent(i -> runIds.put(n, i))));
        }
        for (MetricRow m : newMetrics) {
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
        for (FrozenTrial t : trials) {
            if (!t.state().isFinished() || !finished.add(t.number())) {
                continue;
            }
            TrialOutcome outcome = switch (t.state()) {
                case COMPLETE -> TrialOutcome.COMPLETE;
                case PRUNED -> TrialOutcome.PRUNED;
                default -> TrialOutcome.FAIL;
            };
            Optional<String> reason = Optional.ofNullable((String) t.systemAttrs().get(TrialCodec.REASON));
            tracker.trialFinished(t.number(), outcome,
                    t.value().map(OptionalDouble::of).orElse(OptionalDouble.empty()), reason);
            if (t.state() == TrialState.COMPLETE && (best == null || direction.better(t.value().get(), best))) {
                best = t.value().get();
                Optional<Path> ck = TrialCodec.checkpoint(t).map(Path::of).filter(Files::isRegularFile);
                tracker.bestTrial(t.number(), best, ck);
            }
        }
    }

    private static void put(Map<String, Double> m, String k, Double v) {
        if (v != null && Double.isFinite(v)) {
            m.put(k, v);
        }
    }

    @Override
    public void settle(java.time.Duration requested) {
        java.time.Duration timeout = requested.compareTo(flushTimeout) < 0 ? requested : flushTimeout;
        java.util.concurrent.CompletableFuture<?>[] all;
        synchronized (this) {
            all = pending.toArray(new java.util.concurrent.CompletableFuture<?>[0]);
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(all).get(timeout.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
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

    @Override
    public synchronized void close() {
        tracker.studyFinished(studyFailed);
        TrackingReport report = tracker.close(flushTimeout);
        List<UnsentItem> all = new ArrayList<>(overflow);
        all.addAll(report.unsent());
        if (all.isEmpty()) {
            if (report.sent() > 0) {
                LOG.info("{}", report.summary());
            }
            return;
        }
        LOG.warn("{}; {} items kept in the Delta table tracking_unsent", report.summary(), all.size());
        List<UnsentRow> rows = new ArrayList<>();
        for (UnsentItem u : all) {
            rows.add(new UnsentRow(study, u.trial().isPresent() ? u.trial().getAsInt() : null, u.runId().orElse(null),
                    u.kind().name(), u.key(), u.value(), u.step().isPresent() ? u.step().getAsLong() : null,
                    new Timestamp(u.timestampMs()), u.reason()));
        }
        try {
            store.appendUnsent(rows);
        } catch (RuntimeException e) {
            LOG.error("could not keep {} unsent MLflow items in Delta: {}", rows.size(), e.getMessage());
        }
    }
}
