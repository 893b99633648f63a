package org.smarttuner.spark;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.report.Showcase;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StopConditions;
import org.smarttuner.study.Study;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.pruner.PruneDecision;
import org.smarttuner.tts.eval.VoiceMetrics;
import org.smarttuner.tts.train.TargetStop;
import org.smarttuner.tts.train.TrainingStop;

/**
 * The Spark driver of a study. It keeps {@code execution.parallelism} trial segments in flight,
 * asks the sampler for a new trial the moment a slot frees, tells the study each segment's
 * epochs, lets the pruner decide, and submits the next segment or ends the trial. The driver is
 * the only writer: every change goes to Delta first, then to the mirrors.
 *
 * <p>Rerunning the same command resumes: finished trials are kept, trials that were RUNNING
 * continue from their last recorded checkpoint, and history a crashed driver wrote past that
 * point is dropped so nothing is recorded twice.
 */
public final class TuneJob {
    private static final Logger LOG = LoggerFactory.getLogger(TuneJob.class);

    private final TunerConfig config;
    private final SparkSession spark;
    private final SegmentWork work;
    private final List<StudyMirror> mirrors;
    private final Clock clock;
    private final String name;
    private final String metric;
    private final int maxEpochs;
    /** What executors return to look at per rung (SegmentRequest.rungArtifacts): -1 when no mirror shows it. */
    private final int rungArtifacts;
    /** study.target_value as the executors apply it, when set. */
    private final Optional<TargetStop> target;

    private final Map<Integer, InFlight> inFlight = new LinkedHashMap<>();
    private final Deque<Integer> toContinue = new ArrayDeque<>();
    private final Map<Integer, Integer> lostSegments = new HashMap<>();
    private final LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
    private final OverheadStats overhead = new OverheadStats();

    private volatile Study study;
    private DriverWatch watch;
    /** The study's lease: given by the command (taken before the mirrors open) or taken in {@link #run()}. */
    private StudyLease lease;
    private ResultWriter writer;
    private SparkSegmentExecutor executor;
    private DeltaResultStore store;
    private int segmentsRecorded;
    private volatile int abortAfterSegments = -1;

    /** A segment in flight; {@code cancelledAt} is set when it ran past execution.segment_timeout. */
    private static final class InFlight {
        final SegmentRequest request;
        final long submitMillis;
        long cancelledAt = -1;

        InFlight(SegmentRequest request, long submitMillis) {
            this.request = request;
            this.submitMillis = submitMillis;
        }

        SegmentRequest request() {
            return request;
        }

        long submitMillis() {
            return submitMillis;
        }

        boolean timedOut() {
            return cancelledAt >= 0;
        }
    }

    /** How long a timed-out segment's cancelled job may take to end before the driver stops waiting for it. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(60);

    /** Submit time and the task's own start and end, for the overhead figures. */
    private record Times(long submit, long taskStart, long taskEnd) {
    }

    private record Done(int number, SegmentRequest request, SegmentOutcome outcome, Throwable error) {
    }

    public TuneJob(TunerConfig config, SparkSession spark, SegmentWork work, List<StudyMirror> mirrors, Clock clock) {
        this.config = config;
        this.spark = spark;
        this.work = work;
        this.mirrors = List.copyOf(mirrors);
        // Delta and SQLite keep microseconds: a trial read back must equal the one written.
        this.clock = Clock.tick(clock, Duration.ofNanos(1000));
        this.name = config.study().name();
        this.metric = config.study().metric();
        this.maxEpochs = config.maxEpochs();
        this.target = config.study().targetValue()
                .map(v -> TargetStop.of(metric, config.study().direction(), v));
        this.rungArtifacts = this.mirrors.stream().anyMatch(StudyMirror::wantsRungArtifacts)
                ? config.output().mlflow().rungArtifactSetting() : -1;
    }

    /**
     * Runs with a lease the caller has taken (the {@code tune} command takes it before it opens the study
     * file); {@link #run()} releases it at the end. Without one, {@link #run()} takes it itself.
     */
    public TuneJob withLease(StudyLease taken) {
        this.lease = taken;
        return this;
    }

    /** For {@code bench driver}: ask times and per-segment overheads go to {@code w} as well. */
    public TuneJob withWatch(DriverWatch w) {
        this.watch = w;
        return this;
    }

    /** For fault tests: the driver "dies" (stops abruptly, writing nothing more) after this many segments. */
    public void abortAfterSegments(int n) {
        this.abortAfterSegments = n;
    }

    /**
     * Runs the study to its end. However it ends (done, failed, refused early, stopped by SIGTERM), the
     * study's Spark jobs still running are cancelled and everything it holds is released before it
     * returns or throws: the lease (a rerun takes it at once), the writer's threads, the segment threads
     * and the mirrors' handles, so that a shared notebook JVM can run the study again at once.
     */
    public StudySummary run() {
        boolean aborted = false;
        CountDownLatch ended = new CountDownLatch(1);
        Runnable onShutdown = () -> stopForShutdown(ended);
        boolean hooked = addShutdownHook(onShutdown);
        try {
            if (lease == null) {
                lease = StudyLease.acquire(spark.sparkContext().hadoopConfiguration(), config.output().deltaPath(),
                        name, "tune");
            }
            StudyLease held = lease;
            for (StudyMirror m : mirrors) {
                m.driverStarted(held.holder(), config.output().deltaPath());
            }
            // study.timeout counts the study's own running time: what earlier drivers ran counts too
            Instant startedAt = clock.instant().minus(held.priorRunning());
            store = new DeltaResultStore(spark, config.output().deltaPath());
            boolean newTables = store.createTables();
            writer = new ResultWriter((batch, writerId, version) -> {
                held.check(); // a driver that lost its lease writes nothing more
                DeltaResultStore.WriteTimes took = store.write(batch, writerId, version);
                if (watch != null) {
                    watch.committed(took, batch.size());
                }
            }, () -> {
                held.check();
                long t0 = System.nanoTime();
                int merged = store.materialize(); // and compaction, where the file system allows it here
                if (watch != null && merged > 0) {
                    watch.materialized((System.nanoTime() - t0) / 1_000_000);
                }
            }, ResultWriter.VIEWS_INTERVAL, mirrors, Duration.ofMinutes(10), Duration.ofMinutes(15));
            executor = new SparkSegmentExecutor(spark, work, config.execution().parallelism(),
                    config.execution().gpusPerTrial());
            open(newTables);
            String reason = loop(startedAt);
            writer.flush();
            syncMirrorAttributes();
            // Issue #8: the study's HTML report; a failure is logged as a warning and never fails the study.
            // ... and on the study's MLflow run (mirrors that show it get a local copy).
            Optional<java.nio.file.Path> report = config.output().reportPath().flatMap(p -> StudyReports.writeQuietly(
                    config, spark.sparkContext().hadoopConfiguration(), study, p));
            report.ifPresent(p -> mirrors.forEach(m -> quietly("giving the report to mirror " + m.name(),
                    () -> m.studyReport(p))));
            return summary(startedAt, reason, reason.startsWith("stopped:"));
        } catch (DriverAbort e) {
            aborted = true;
            throw e;
        } catch (StudyStopped e) {
            LOG.warn("Study {}: {} trial segment(s) in flight are cancelled; {}", name, inFlight.size(),
                    "rerun the same command to resume from their last checkpoints");
            throw e;
        } finally {
            release(aborted);
            ended.countDown();
            if (hooked) {
                removeShutdownHook(onShutdown);
            }
        }
    }

    /**
     * Releases what run() took, each step on its own so that one failing does not keep the others: the
     * Spark jobs in flight are cancelled first, then the writer records what it still holds, then the lease
     * is released and the mirrors closed. A driver that "dies" (the fault hook) writes and releases nothing
     * more, as a real one would not, but stops its threads.
     */
    private void release(boolean aborted) {
        quietly("cancelling the study's Spark jobs", () -> {
            if (executor != null) {
                executor.close();
            }
        });
        if (aborted) {
            quietly("stopping the results writer", () -> {
                if (writer != null) {
                    writer.abandon();
                }
            });
            if (lease != null) {
                lease.abandon();
            }
            return;
        }
        quietly("closing the results writer", () -> {
            if (writer != null) {
                writer.close();
            }
        });
        quietly("releasing the study's lease", () -> {
            if (lease != null) {
                lease.close();
            }
        });
        for (StudyMirror m : mirrors) {
            quietly("closing mirror " + m.name(), m::close);
        }
    }

    private static void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (Exception e) { // also a checked exception thrown through Scala code
            LOG.warn("{} failed: {}", what, e.toString());
        }
    }

    /**
     * SIGTERM: the driver stops before Spark's own shutdown hooks stop the SparkContext (the hook runs
     * first, by priority), so that it can still cancel its jobs and record what it holds. Training in this
     * JVM (local mode) stops at its next step boundary ({@link TrainingStop}).
     */
    private void stopForShutdown(CountDownLatch ended) {
        TrainingStop.request("the JVM is shutting down (SIGTERM, SIGINT or System.exit)");
        LOG.warn("Study {}: the JVM is shutting down; the driver stops (up to {} s)", name,
                TrainingStop.WAIT.toSeconds());
        long t0 = System.nanoTime();
        try {
            if (!ended.await(TrainingStop.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.error("Study {}: the driver did not stop within {} s; exiting anyway (a rerun resumes from "
                        + "what Delta holds)", name, TrainingStop.WAIT.toSeconds());
                return;
            }
            // A local-mode task trains in this JVM: Spark's hooks stop the SparkContext once it has left its step.
            TrainingStop.awaitIdle(TrainingStop.WAIT.minusNanos(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Before Spark's hooks (priority 40: SparkContext.stop) and the file systems' (10). */
    static final int SHUTDOWN_PRIORITY = 100;

    private static boolean addShutdownHook(Runnable hook) {
        try {
            org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(hook, SHUTDOWN_PRIORITY,
                    TrainingStop.WAIT.toSeconds() + 5, TimeUnit.SECONDS);
            return true;
        } catch (IllegalStateException e) {
            return false; // shutting down already
        }
    }

    private static void removeShutdownHook(Runnable hook) {
        try {
            org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running or has run
        }
    }

    /** Thrown by the fault-injection hook to simulate a driver that dies mid-study. */
    public static final class DriverAbort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DriverAbort(String message) {
            super(message);
        }
    }

    /** @param newTables whether this driver just created the study's tables (empty: nothing to read back or drop) */
    private void open(boolean newTables) {
        List<TrialRow> rows = newTables ? List.of() : store.trials(name);
        List<FrozenTrial> history = rows.stream().map(TrialCodec::fromRow).toList();
        // A rerun with another metric, search space, model, training or data would mix two studies: refused.
        StudyIdentity.Opened opened = StudyIdentity.check(store, config, spark.sparkContext().hadoopConfiguration(),
                !rows.isEmpty());
        java.util.Set<Integer> recordedBefore = java.util.Set.copyOf(rows.stream().map(TrialRow::number).toList());
        for (StudyMirror m : mirrors) {
            m.studyOpened(opened.studyId(), opened.olderThanId(), recordedBefore);
        }
        // A driver killed between a batch's appends and its trials MERGE left history the trials table does not
        // record (even for a trial it does not hold yet): drop it before anything is asked or continued.
        long orphans = newTables ? 0 : store.dropUnrecorded(name, history.stream().map(t -> new DeltaResultStore.Recorded(
                t.number(), TrialCodec.events(t), TrialCodec.epochsDone(t))).toList());
        String origin = "Delta";
        if (history.isEmpty()) {
            for (StudyMirror m : mirrors) {
                List<FrozenTrial> existing = m.existingTrials();
                if (!existing.isEmpty()) {
                    history = existing;
                    origin = "the " + m.name() + " mirror (not in Delta yet)";
                    break;
                }
            }
        }
        study = Study.resume(name, StudyFactory.direction(config.study()), StudyFactory.sampler(config.study().sampler()),
                StudyFactory.pruner(config.study().pruner(), maxEpochs), history, clock);
        if (history.isEmpty()) {
            LOG.info("Study {}: new ({} sampler, {} pruner, {} trials in flight, up to {} epochs a trial)", name,
                    config.study().sampler().type(), config.study().pruner().type(), config.execution().parallelism(),
                    maxEpochs);
            if (orphans > 0) {
                LOG.info("Study {}: {} rows an earlier driver wrote before it recorded its first trial were dropped",
                        name, orphans);
            }
            return;
        }
        List<Change> changes = new ArrayList<>();
        // Mirrors may be behind Delta (a driver that died between the two): bring them level first.
        writer.submit(new ResultWriter.Change(
                origin.equals("Delta") ? List.of() : history.stream().map(t -> TrialCodec.toRow(name, t,
                        clock.instant())).toList(), List.of(), List.of(), history, at -> { }));
        for (FrozenTrial t : history) {
            if (t.state() == TrialState.RUNNING) {
                toContinue.add(t.number());
                changes.add(event(t.number(), "RUNNING", "RUNNING", null, "resumed by a new driver at epoch "
                        + TrialCodec.epochsDone(t)));
            }
        }
        Map<TrialState, Long> counts = counts();
        LOG.info("Study {}: resumed from {} with {} trials {}; {} running trials continue from their checkpoints"
                + "{}", name, origin, history.size(), counts, toContinue.size(),
                orphans > 0 ? " (" + orphans + " rows written after the last recorded state were dropped)" : "");
        changes.forEach(this::record);
    }

    private String loop(Instant startedAt) {
        StopConditions stop = new StopConditions(OptionalInt.of(config.study().nTrials()), config.study().timeout(),
                config.study().targetValue(), OptionalInt.of(config.study().maxFailures()));
        Optional<String> stopReason = Optional.empty();
        // Trials in flight end at their next segment boundary after a timeout or once the target is reached
        // (training them on cannot change the result); after n_trials they train to the end.
        boolean targetStop = false;
        long lastProgress = 0;
        while (true) {
            writer.failure().ifPresent(e -> {
                throw e;
            });
            lease.check();
            if (TrainingStop.requested()) {
                throw new StudyStopped();
            }
            cancelOverdue();
            if (!targetStop) {
                Optional<String> reached = study.targetReached(config.study().targetValue());
                if (reached.isPresent()) {
                    stopReason = reached;
                    targetStop = true;
                    LOG.info("Study {}: {}; no new trials, and the {} trial(s) in flight or waiting end at their next "
                            + "segment boundary", name, reached.get(), inFlight.size() + toContinue.size());
                }
            }
            if (stopReason.isEmpty()) {
                stopReason = study.stopReason(stop, config.searchSpace(), startedAt);
                stopReason.ifPresent(r -> LOG.info("Study {}: no new trials ({}); {} in flight finish", name, r,
                        inFlight.size()));
            }
            while (inFlight.size() < config.execution().parallelism()) {
                if (!toContinue.isEmpty()) {
                    int n = toContinue.poll();
                    if (targetStop || stopReason.isPresent() && stopReason.get().startsWith("timeout")) {
                        endStopped(n, stopReason.orElseThrow());
                        continue;
                    }
                    submitNext(n);
                } else if (stopReason.isEmpty()) {
                    long askStart = System.nanoTime();
                    FrozenTrial t = study.ask(config.searchSpace());
                    if (watch != null) {
                        watch.asked(System.nanoTime() - askStart);
                    }
                    record(new Change(List.of(eventRow(t, null, "RUNNING", 0, "asked: " + t.params()))));
                    submitNext(t.number());
                    stopReason = study.stopReason(stop, config.searchSpace(), startedAt);
                } else {
                    break;
                }
            }
            if (inFlight.isEmpty()) {
                String r = stopReason.orElse("nothing left to run");
                return failuresStop(r) ? "stopped: " + r : r;
            }
            Done d;
            try {
                d = done.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the driver was interrupted", e);
            }
            if (d != null) {
                handle(d);
                if (abortAfterSegments >= 0 && segmentsRecorded >= abortAfterSegments) {
                    writer.flush();
                    for (InFlight f : inFlight.values()) {
                        executor.cancel(f.request());
                    }
                    throw new DriverAbort("driver stopped on purpose after " + segmentsRecorded + " segments");
                }
            }
            if (System.currentTimeMillis() - lastProgress > 30_000 || d != null) {
                lastProgress = System.currentTimeMillis();
                progress(startedAt);
            }
        }
    }

    private boolean failuresStop(String reason) {
        return reason.contains("failed in a row");
    }

    private void submitNext(int number) {
        FrozenTrial t = study.trial(number);
        int from = TrialCodec.epochsDone(t);
        OptionalInt next = study.nextDecisionStep(number, from);
        int to = next.isPresent() ? next.getAsInt() : from + config.execution().segmentEpochs();
        to = Math.min(Math.max(to, from + 1), maxEpochs);
        Object seg = t.systemAttrs().get("segments");
        int segment = seg instanceof Number sn ? sn.intValue() : 0;
        int lost = lostSegments.getOrDefault(number, 0);
        SegmentRequest req = new SegmentRequest(name, number, segment, lost, new LinkedHashMap<>(t.params()),
                config.model(t.params()), config.training(t.params()), config.data(), from, to,
                TrialCodec.checkpoint(t).orElse(null), config.execution().checkpointDir(),
                config.execution().gpusPerTrial(), config.execution().device(), target.orElse(null), rungArtifacts);
        long submitted = System.currentTimeMillis();
        inFlight.put(number, new InFlight(req, submitted));
        executor.submit(req).whenComplete((o, e) -> done.add(new Done(number, req, o, unwrap(e))));
    }

    /** A free-running metric for the metrics table: null where the epoch did not measure it. */
    private static Double measured(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable x = e;
        while ((x instanceof CompletionException || x instanceof java.util.concurrent.ExecutionException)
                && x.getCause() != null) {
            x = x.getCause();
        }
        return x;
    }

    private void handle(Done d) {
        InFlight f = inFlight.get(d.number());
        if (f == null || f.request() != d.request()) {
            return; // a timed-out segment the driver stopped waiting for, ending late: already counted as lost
        }
        inFlight.remove(d.number());
        int n = d.number();
        if (d.error() != null) {
            if (TrainingStop.requested()) {
                // the JVM is stopping: this segment ended because of it, not because its executor was lost
                throw new StudyStopped();
            }
            segmentLost(f, f.timedOut() ? new SegmentTimeout(timeoutMessage(f)) : d.error());
            return;
        }
        if (f.timedOut()) {
            LOG.info("trial {}: segment {} ended on its own while it was being cancelled for its timeout; its "
                    + "result is kept", n, f.request().segment());
        }
        SegmentOutcome o = d.outcome();
        FrozenTrial t = study.trial(n);
        List<MetricRow> metrics = new ArrayList<>();
        for (EpochStats e : o.epochs()) {
            double value = e.metric(metric);
            if (!Double.isNaN(value)) {
                // a free-running study metric is measured every free_run_every epochs and at segment ends only
                t = study.report(n, e.epoch(), value);
            }
            metrics.add(new MetricRow(name, n, f.request().segment(), e.epoch(), e.trainLoss(), e.valLoss(),
                    e.valMelLoss(), e.valGateLoss(), e.attentionSharpness(), measured(e.voice().mcd()),
                    measured(e.voice().mcdSl()), measured(e.voice().stopError()), measured(e.voice().stopRate()),
                    measured(e.voice().attention()),
                    e.framesPerSecond(), e.peakMemoryMb(),
                    e.seconds(), java.sql.Timestamp.from(clock.instant())));
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put(TrialCodec.EXECUTOR, o.executorId() + "@" + o.host());
        if (o.gpu() != null) {
            attrs.put(TrialCodec.GPU, o.gpu());
        }
        if (o.engine() != null) {
            attrs.put(TrialCodec.ENGINE, o.engine());
        }
        int epochsDone = o.epochs().isEmpty() ? TrialCodec.epochsDone(t) : o.epochs().get(o.epochs().size() - 1).epoch();
        attrs.put(TrialCodec.EPOCHS_DONE, epochsDone);
        attrs.put("segments", f.request().segment() + 1);
        String previousCheckpoint = TrialCodec.checkpoint(t).orElse(null);
        o.checkpointPath().ifPresent(c -> attrs.put(TrialCodec.CHECKPOINT, c));
        if (o.rungArtifacts().isPresent()) {
            // Written before the segment is recorded: a mirror that sees the epoch finds the files.
            try {
                o.rungArtifacts().get().write(TrialArtifacts.studyDir(config), n);
                attrs.put(TrialCodec.RUNG_ARTIFACTS, o.rungArtifacts().get().epoch());
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("trial {}: the rung artifacts of epoch {} could not be written under {}: {}", n,
                        o.rungArtifacts().get().epoch(), TrialArtifacts.studyDir(config), e.toString());
            }
        }
        t = t.withSystemAttrs(attrs);
        // The latest free-running voice metrics as user attributes: the study file's readers (Optuna,
        // optuna-dashboard) show them beside the value, and the end-of-study summary prints them.
        for (int i = o.epochs().size() - 1; i >= 0; i--) {
            VoiceMetrics v = o.epochs().get(i).voice();
            if (v.measured()) {
                t = t.withUserAttrs(VoiceAttributes.of(v, o.epochs().get(i).epoch()));
                break;
            }
        }
        study.put(t);
        lostSegments.remove(n);

        List<EventRow> events = new ArrayList<>();
        Times times = new Times(f.submitMillis(), o.taskStartMillis(), o.taskEndMillis());
        String detail = "epochs " + f.request().fromEpoch() + "->" + epochsDone + " on " + o.executorId()
                + (o.gpu() != null ? " gpu " + o.gpu() : "");
        if (o.damagedCheckpointPath().isPresent()) {
            // The checkpoint this trial would continue from fails its checksum: nothing was trained. Its recorded
            // epochs stay as they are (they were measured), and the trial ends as FAIL with the reason; the study
            // goes on. (Restarting it would mean withdrawing epochs already recorded and told to the pruner.)
            finish(n, TrialState.FAIL, Optional.empty(), o.errorMessage().orElse("damaged checkpoint "
                    + o.damagedCheckpointPath().get()), f, metrics, detail, times);
        } else if (o.errorMessage().isPresent()) {
            finish(n, TrialState.FAIL, Optional.empty(), o.errorMessage().get(), f, metrics, detail, times);
        } else if (o.failureReason().isPresent()) {
            finish(n, TrialState.PRUNED, Optional.empty(), o.failureReason().get(), f, metrics, detail, times);
        } else if (epochsDone >= maxEpochs) {
            double v = o.epochs().get(o.epochs().size() - 1).metric(metric);
            if (Double.isFinite(v)) {
                finish(n, TrialState.COMPLETE, Optional.of(v), "", f, metrics, detail, times);
            } else {
                finish(n, TrialState.FAIL, Optional.empty(), metric + " is " + v + " at the last epoch", f, metrics,
                        detail, times);
            }
        } else if (!o.epochs().isEmpty() && target.isPresent()
                && target.get().reachedBy(o.epochs().get(o.epochs().size() - 1).metric(metric))) {
            // The executor stopped at this epoch (see TargetStop): the trial is done with what it reached.
            double v = o.epochs().get(o.epochs().size() - 1).metric(metric);
            finish(n, TrialState.COMPLETE, Optional.of(v), "", f, metrics, detail + "; reached target_value "
                    + target.get().target() + " at epoch " + epochsDone + " of " + maxEpochs, times);
        } else {
            PruneDecision p = study.shouldPrune(n);
            if (p.prune()) {
                finish(n, TrialState.PRUNED, Optional.empty(), p.reason(), f, metrics, detail, times);
            } else {
                events.add(eventRow(study.trial(n), "RUNNING", "RUNNING", f.request().segment(), detail));
                Change c = new Change(events, metrics, f, previousCheckpoint);
                c.times = new Times(f.submitMillis(), o.taskStartMillis(), o.taskEndMillis());
                record(c);
                toContinue.add(n);
            }
        }
        segmentsRecorded++;
    }

    private void finish(int n, TrialState state, Optional<Double> value, String reason, InFlight f,
                        List<MetricRow> metrics, String detail, Times times) {
        if (!reason.isEmpty()) {
            study.put(study.trial(n).withSystemAttrs(Map.of(TrialCodec.REASON, reason)));
        }
        FrozenTrial t = study.tell(n, state, value);
        String what = state == TrialState.COMPLETE ? metric + " " + value.orElseThrow() : reason;
        LOG.info("trial {} {}: {} ({})", n, state, what, detail);
        EventRow e = eventRow(t, "RUNNING", state.name(), f.request().segment(), detail
                + (reason.isEmpty() ? "" : "; " + reason));
        Change c = new Change(List.of(e), metrics, f, null);
        c.times = times;
        record(c);
    }

    private void segmentLost(InFlight f, Throwable error) {
        int n = f.request().number();
        int lost = lostSegments.merge(n, 1, Integer::sum);
        String msg = error instanceof CancellationException ? "cancelled" : String.valueOf(error.getMessage());
        String what = error instanceof SegmentTimeout ? "segment timed out" : "segment lost";
        if (lost <= config.execution().trialRetries()) {
            LOG.warn("trial {}: {} ({}); running it again from epoch {} ({} of {} retries)", n,
                    what.replace("segment", "segment " + f.request().segment()), firstLine(msg),
                    f.request().fromEpoch(), lost, config.execution().trialRetries());
            record(new Change(List.of(eventRow(study.trial(n), "RUNNING", "RUNNING", f.request().segment(),
                    what + ", retried: " + firstLine(msg))), List.of(), null, null));
            toContinue.addFirst(n);
        } else {
            lostSegments.remove(n);
            finish(n, TrialState.FAIL, Optional.empty(), "segment lost " + lost + " times (trial_retries "
                    + config.execution().trialRetries() + "), the last: " + what + ": " + firstLine(msg), f,
                    List.of(), "epochs " + f.request().fromEpoch() + "->" + f.request().toEpoch(), null);
            segmentsRecorded++;
        }
    }

    private void endStopped(int n, String reason) {
        FrozenTrial t = study.trial(n);
        study.put(t.withSystemAttrs(Map.of(TrialCodec.REASON, "study stopped (" + reason + ") at epoch "
                + TrialCodec.epochsDone(t))));
        FrozenTrial ended = study.tell(n, TrialState.PRUNED, Optional.empty());
        LOG.info("trial {} PRUNED at its segment boundary, epoch {} of {}: study stopped ({})", n,
                TrialCodec.epochsDone(t), maxEpochs, reason);
        record(new Change(List.of(eventRow(ended, "RUNNING", "PRUNED", null, "study stopped: " + reason)),
                List.of(), null, null));
    }

    /** Why a segment was cancelled by the driver: it ran longer than execution.segment_timeout. */
    private static final class SegmentTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SegmentTimeout(String message) {
            super(message);
        }
    }

    /**
     * The JVM is shutting down (SIGTERM: preemption, Airflow, Ctrl-C): the driver stops at once; the
     * segments in flight are cancelled, what was recorded stays, and a rerun resumes the study.
     */
    public static final class StudyStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StudyStopped() {
            super("the driver stopped because the JVM is shutting down (SIGTERM or System.exit); the segments in "
                    + "flight were cancelled and what was recorded is kept: run the same command again to resume");
        }
    }

    private String timeoutMessage(InFlight f) {
        return "ran longer than execution.segment_timeout (" + StudySummary.formatDuration(
                config.execution().segmentTimeout().orElseThrow()) + ") and was cancelled";
    }

    /**
     * Cancels the segments in flight longer than execution.segment_timeout. A cancelled segment's job
     * ends at once and comes back as a lost segment (see handle); one whose job has not ended within
     * {@link #CANCEL_GRACE} is counted as lost without it, and its late end is ignored.
     */
    private void cancelOverdue() {
        if (config.execution().segmentTimeout().isEmpty()) {
            return;
        }
        long limit = config.execution().segmentTimeout().get().toMillis();
        long now = System.currentTimeMillis();
        for (InFlight f : List.copyOf(inFlight.values())) {
            if (!f.timedOut() && now - f.submitMillis() > limit) {
                f.cancelledAt = now;
                LOG.warn("trial {}: segment {} (epochs {}->{}) has run {} s, longer than execution.segment_timeout "
                        + "({}); cancelling it", f.request().number(), f.request().segment(), f.request().fromEpoch(),
                        f.request().toEpoch(), (now - f.submitMillis()) / 1000, StudySummary.formatDuration(
                                config.execution().segmentTimeout().get()));
                executor.cancel(f.request());
            } else if (f.timedOut() && now - f.cancelledAt > CANCEL_GRACE.toMillis()) {
                LOG.warn("trial {}: the cancelled job of segment {} has not ended after {} s; counting it as lost",
                        f.request().number(), f.request().segment(), CANCEL_GRACE.toSeconds());
                inFlight.remove(f.request().number());
                segmentLost(f, new SegmentTimeout(timeoutMessage(f)));
            }
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** A change for the writer: events and metrics of one trial, its latest row, bookkeeping on record. */
    private final class Change {
        int number = -1;
        final List<EventRow> events;
        final List<MetricRow> metrics;
        final InFlight segment;
        final String obsoleteCheckpoint;
        Times times;

        Change(List<EventRow> events) {
            this(events, List.of(), null, null);
        }

        Change(List<EventRow> events, List<MetricRow> metrics, InFlight segment, String obsoleteCheckpoint) {
            this.events = events;
            this.metrics = metrics;
            this.segment = segment;
            this.obsoleteCheckpoint = obsoleteCheckpoint;
        }
    }

    private Change event(int n, String from, String to, Integer segment, String detail) {
        return new Change(List.of(eventRow(study.trial(n), from, to, segment, detail)));
    }

    /** An event row numbered after the trial's recorded events; the trial's counter moves on. */
    private EventRow eventRow(FrozenTrial t, String from, String to, Integer segment, String detail) {
        int seq = TrialCodec.events(t);
        study.put(study.trial(t.number()).withSystemAttrs(Map.of(TrialCodec.EVENTS, seq + 1)));
        return new EventRow(name, t.number(), seq, java.sql.Timestamp.from(clock.instant()), from, to, segment,
                t.attempt(), (String) t.systemAttrs().get(TrialCodec.EXECUTOR), detail);
    }

    private void record(Change c) {
        int n = c.number >= 0 ? c.number : c.events.isEmpty() ? c.segment.request().number() : c.events.get(0).number();
        for (StudyMirror m : mirrors) {
            Map<String, Object> attrs = m.attributesFor(n);
            if (!attrs.isEmpty()) {
                study.put(study.trial(n).withSystemAttrs(attrs));
            }
        }
        FrozenTrial latest = study.trial(n);
        TrialRow row = TrialCodec.toRow(name, latest, clock.instant());
        Times times = c.times;
        String obsolete = c.obsoleteCheckpoint;
        boolean dropCheckpoints = latest.state() == TrialState.PRUNED || latest.state() == TrialState.FAIL;
        // One pruned trial keeps its checkpoint for the report's side-by-side (report.Showcase): when this
        // trial takes that place, the one that had it loses its checkpoint instead.
        Integer dropInstead = null;
        if (latest.state() == TrialState.PRUNED) {
            List<FrozenTrial> others = study.trials().stream().filter(x -> x.number() != latest.number()).toList();
            Optional<FrozenTrial> before = Showcase.pruned(others);
            if (Showcase.pruned(study.trials()).map(x -> x.number() == latest.number()).orElse(false)) {
                dropCheckpoints = false;
                dropInstead = before.map(FrozenTrial::number).orElse(null);
            }
        }
        Integer alsoDrop = dropInstead;
        boolean drop = dropCheckpoints;
        writer.submit(new ResultWriter.Change(List.of(row), c.events, c.metrics, List.of(latest), recordedAt -> {
            if (times != null) {
                overhead.add(times.submit(), times.taskStart(), times.taskEnd(), recordedAt);
                if (watch != null) {
                    watch.recorded(Math.max(0, times.taskStart() - times.submit()),
                            Math.max(0, recordedAt - times.taskEnd()));
                }
            }
            Checkpoints.deleteQuietly(spark, obsolete);
            if (drop) {
                Checkpoints.deleteTrialQuietly(spark, config.execution().checkpointDir(), name, n);
            }
            if (alsoDrop != null) {
                Checkpoints.deleteTrialQuietly(spark, config.execution().checkpointDir(), name, alsoDrop);
            }
        }, mirroredAt -> {
            if (times != null) {
                overhead.addMirrored(times.taskEnd(), mirroredAt);
                if (watch != null) {
                    watch.mirrored(Math.max(0, mirroredAt - times.taskEnd()));
                }
            }
        }));
    }

    /**
     * Mirrors learn some ids only after a trial's last change (an MLflow run id comes back from the
     * server): wait for them a bounded time and store them with their trials.
     */
    private void syncMirrorAttributes() {
        for (StudyMirror m : mirrors) {
            m.settle(Duration.ofSeconds(30));
        }
        boolean any = false;
        for (FrozenTrial t : study.trials()) {
            for (StudyMirror m : mirrors) {
                Map<String, Object> attrs = m.attributesFor(t.number());
                boolean changed = attrs.entrySet().stream()
                        .anyMatch(e -> !e.getValue().equals(t.systemAttrs().get(e.getKey())));
                if (changed) {
                    Change c = new Change(List.of());
                    c.number = t.number();
                    record(c);
                    any = true;
                    break;
                }
            }
        }
        if (any) {
            writer.flush();
        }
    }

    private void progress(Instant startedAt) {
        Map<TrialState, Long> c = counts();
        long finished = c.getOrDefault(TrialState.COMPLETE, 0L) + c.getOrDefault(TrialState.PRUNED, 0L)
                + c.getOrDefault(TrialState.FAIL, 0L);
        Duration spent = Duration.between(startedAt, clock.instant());
        String best = study.bestTrial().map(b -> "best #" + b.number() + " " + metric + " "
                + String.format("%.4f", b.value().orElseThrow())).orElse("no trial complete yet");
        String eta = "";
        if (finished > 0) {
            long remaining = config.study().nTrials() - finished;
            Duration byTrials = spent.multipliedBy(Math.max(0, remaining)).dividedBy(finished);
            Duration byTimeout = config.study().timeout().map(t -> t.minus(spent)).orElse(byTrials);
            Duration etaD = byTrials.compareTo(byTimeout) < 0 ? byTrials : byTimeout;
            eta = ", ETA " + StudySummary.formatDuration(etaD.isNegative() ? Duration.ZERO : etaD);
        }
        LOG.info("{}: {}/{} trials done ({} complete, {} pruned, {} failed), {} running; {}; {} elapsed{}", name,
                finished, config.study().nTrials(), c.getOrDefault(TrialState.COMPLETE, 0L),
                c.getOrDefault(TrialState.PRUNED, 0L), c.getOrDefault(TrialState.FAIL, 0L), inFlight.size(), best,
                StudySummary.formatDuration(spent), eta);
    }

    private Map<TrialState, Long> counts() {
        Map<TrialState, Long> c = new EnumMap<>(TrialState.class);
        for (FrozenTrial t : study.trials()) {
            c.merge(t.state(), 1L, Long::sum);
        }
        return c;
    }

    private StudySummary summary(Instant startedAt, String reason, boolean failedStop) {
        return new StudySummary(name, counts(), study.bestTrial(), reason,
                Duration.between(startedAt, clock.instant()), overhead.describe(), overhead.figures(),
                writer.mirrorBacklog(), failedStop);
    }

    /** The study as it stands (for the CLI's report and for tests). */
    public Study study() {
        return study;
    }
}
