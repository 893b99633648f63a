package org.smarttuner.tracking;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;

/**
 * What the driver tells the experiment tracker about a study: one parent run per study, one nested
 * run per trial. Every method returns at once (it only queues); nothing here throws because a
 * tracking server is slow or down, so the study never waits on it. Safe to call from
 * several driver threads (e.g. Spark job callbacks); the calls for one trial must come in order
 * (started, metrics, finished).
 *
 * <p>Run ids arrive through the returned futures once the run exists on the server; keep them with
 * the study/trial and pass them back on resume so the same runs are reused. A future completes with
 * an empty value when tracking is off or when the run could not be made before {@link #close}.
 */
public interface StudyTracker extends AutoCloseable {

    /** Opens (or, on resume, reuses) the study's parent run. Call once, before any trial. */
    CompletableFuture<Optional<String>> studyStarted(StudyInfo study);

    /**
     * Opens (or reuses) the nested run of a trial and logs its params once. On resume pass the run id
     * kept for this trial; params already on the run are not logged again.
     */
    CompletableFuture<Optional<String>> trialStarted(int trial, Map<String, ?> params, Optional<String> runId);

    /**
     * A trial an earlier driver finished whose run's end MLflow never confirmed (that driver was killed):
     * the run kept for it (or found by its tags) is looked at once; if it has ended, nothing more is sent
     * to it (what follows for it counts as delivered); if it is still RUNNING it is reused, and if there is
     * none it is made. Then send its metrics and {@link #trialFinished} as for a trial of this run.
     * (A finished trial whose end was confirmed needs no call at all.)
     */
    CompletableFuture<Optional<String>> trialEndedBefore(int trial, Map<String, ?> params, Optional<String> runId);

    /** Per-epoch metrics of a trial at {@code step}; a (key, step) already on the run is not sent twice. */
    void epochMetrics(int trial, long step, Map<String, Double> metrics);

    /**
     * Ends a trial's run: COMPLETE -> FINISHED, PRUNED -> KILLED, FAIL -> FAILED; {@code value} is the
     * objective (metric {@code value}), {@code reason} why it was pruned or failed (tag).
     */
    CompletableFuture<Boolean> trialFinished(int trial, TrialOutcome outcome, OptionalDouble value,
                                             Optional<String> reason);

    /**
     * Uploads a file into the trial's run under {@code artifactPath} (a folder, "" for the root). The
     * file is read later, on the tracker's thread: keep it in place until {@link #close}. The future
     * completes true once uploaded, false when it went to the unsent records instead (never, if the
     * process dies first).
     */
    CompletableFuture<Boolean> artifact(int trial, Path file, String artifactPath);

    /** Uploads a file into the study's parent run (e.g. the HTML report), as {@link #artifact} does. */
    CompletableFuture<Boolean> studyArtifact(Path file, String artifactPath);

    /**
     * Sends again what an earlier run of the study could not (its unsent records): metrics, params and
     * tags, run ends and uploads, each to the run it was meant for (found by the run id kept with it or
     * by its tags; never made anew). Call after the trials of this run were started. Whatever is still
     * not delivered comes back in {@link #close}'s report.
     */
    void resend(java.util.List<UnsentItem> items);

    /** Records a new best trial on the parent run (metric {@code best_value}, tag) and uploads its checkpoint. */
    void bestTrial(int trial, double value, Optional<Path> checkpoint);

    /** Marks the parent run FINISHED (or FAILED). A study that is only interrupted need not call this. */
    void studyFinished(boolean failed);

    /**
     * Waits up to {@code flushTimeout} for the queue to drain, then stops and reports what was not
     * sent. Later calls to the other methods are refused.
     */
    TrackingReport close(Duration flushTimeout);

    /** HTTP requests made to the tracking server so far (0 when tracking is off). */
    default long requests() {
        return 0;
    }

    /** {@link #close(Duration)} with the configured flush timeout (the report goes to the log only). */
    @Override
    void close();
}
