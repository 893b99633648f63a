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

    /** Per-epoch metrics of a trial at {@code step}; a (key, step) already on the run is not sent twice. */
    void epochMetrics(int trial, long step, Map<String, Double> metrics);

    /**
     * Ends a trial's run: COMPLETE -> FINISHED, PRUNED -> KILLED, FAIL -> FAILED; {@code value} is the
     * objective (metric {@code value}), {@code reason} why it was pruned or failed (tag).
     */
    void trialFinished(int trial, TrialOutcome outcome, OptionalDouble value, Optional<String> reason);

    /**
     * Uploads a file into the trial's run under {@code artifactPath} (a folder, "" for the root). The
     * file is read later, on the tracker's thread: keep it in place until {@link #close}.
     */
    void artifact(int trial, Path file, String artifactPath);

    /** Records a new best trial on the parent run (metric {@code best_value}, tag) and uploads its checkpoint. */
    void bestTrial(int trial, double value, Optional<Path> checkpoint);

    /** Marks the parent run FINISHED (or FAILED). A study that is only interrupted need not call this. */
    void studyFinished(boolean failed);

    /**
     * Waits up to {@code flushTimeout} for the queue to drain, then stops and reports what was not
     * sent. Later calls to the other methods are refused.
     */
    TrackingReport close(Duration flushTimeout);

    /** {@link #close(Duration)} with the configured flush timeout (the report goes to the log only). */
    @Override
    void close();
}
