package org.smarttuner.spark;

import java.util.List;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.study.FrozenTrial;

/**
 * A copy of the study kept outside Delta (the SQLite study file, MLflow). The driver calls it
 * only after Delta holds the change. A mirror that throws is retried with the latest state of
 * the same trials on the next change and never stops the study; a mirror may instead keep what it
 * could not write and catch up by itself (it then reports those trials in {@link #trialsWaiting()}).
 */
public interface StudyMirror extends AutoCloseable {
    String name();

    /** Trials whose state changed (their latest state) and the epochs recorded with them. */
    void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) throws Exception;

    /** False for a mirror that ignores {@code newMetrics}: the writer then keeps none back for it. */
    default boolean wantsMetrics() {
        return true;
    }

    /** Attributes this mirror wants stored with a trial (e.g. its MLflow run id), merged in on the next record. */
    default java.util.Map<String, Object> attributesFor(int trial) {
        return java.util.Map.of();
    }

    /** Trials this mirror already holds for the study (a study file Optuna started), to continue them. */
    default List<FrozenTrial> existingTrials() {
        return List.of();
    }

    /**
     * Trials whose latest state this mirror holds but has not written yet (it writes them itself
     * when it can, so it does not throw for them); for the study's summary.
     */
    default int trialsWaiting() {
        return 0;
    }

    /** The driver that holds the study's lease starts: mirrors that others write too can say so. */
    default void driverStarted(StudyLease.Holder holder, String deltaPath) {
    }

    /**
     * The study is open: {@code studyId} is its own id (see {@link StudyIdentity#STUDY_ID}); {@code olderThanId}
     * when the study was started before ids existed; {@code recordedBefore} the trials earlier drivers recorded
     * in Delta. Called once, before the first {@link #trialsChanged}.
     */
    default void studyOpened(String studyId, boolean olderThanId, java.util.Set<Integer> recordedBefore) {
    }

    /** Whether this mirror shows each trial's rung artifacts (so executors should make them). */
    default boolean wantsRungArtifacts() {
        return false;
    }

    /** The study's HTML report was written to {@code html} (a local file) at the end of the run. */
    default void studyReport(java.nio.file.Path html) {
    }

    /** Waits up to {@code timeout} for answers still outstanding (ids the mirror will report). */
    default void settle(java.time.Duration timeout) {
    }

    /** Waits a bounded time for anything queued, and says what could not be sent. */
    @Override
    default void close() {
    }
}
