package org.smarttuner.tracking;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One thing the tracker could not send to MLflow, as data (the job keeps these in Delta so nothing
 * is lost).
 *
 * @param study       study name
 * @param trial       trial number; empty for the study's parent run
 * @param runId       the MLflow run id, when the run exists
 * @param kind        what it is
 * @param key         metric/param/tag key, artifact path, or run status for {@link Kind#RUN_STATUS}
 * @param value       the value as text (metric value, param/tag value, local file for artifacts)
 * @param step        metric step
 * @param timestampMs when it was recorded (epoch millis)
 * @param reason      why it was not sent (server down until the flush deadline, queue full, refused by
 *                    the server with its message, ...)
 */
public record UnsentItem(String study, OptionalInt trial, Optional<String> runId, Kind kind, String key,
                         String value, OptionalLong step, long timestampMs, String reason) {

    /** What an unsent item is. */
    public enum Kind { RUN, METRIC, PARAM, TAG, ARTIFACT, RUN_STATUS }

    UnsentItem withReason(String newReason) {
        return new UnsentItem(study, trial, runId, kind, key, value, step, timestampMs, newReason);
    }
}
