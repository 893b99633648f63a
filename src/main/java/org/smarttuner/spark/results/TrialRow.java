package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Map;

/**
 * One row of the {@code trials} table: the latest state of a trial. The JSON columns hold what
 * a resumed study needs to rebuild the trial exactly (internal parameter values and their
 * distributions, intermediate values, attributes); {@code params} is the same as a map of
 * strings for SQL. {@code seq} orders a trial's states: the record sequence of the batch that wrote
 * this state to {@code trial_states} (null in rows written before that table existed).
 */
public record TrialRow(
        String study,
        int number,
        String state,
        Map<String, String> params,
        String paramsJson,
        String distributionsJson,
        Double value,
        String intermediateJson,
        String userAttrsJson,
        String systemAttrsJson,
        Timestamp startTime,
        Timestamp endTime,
        Double durationS,
        int attempts,
        String executor,
        String gpu,
        String error,
        String checkpoint,
        String mlflowRunId,
        Timestamp updated,
        Long seq) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** This state with its place in the study's record (see {@code trial_states}). */
    public TrialRow withSeq(long s) {
        return new TrialRow(study, number, state, params, paramsJson, distributionsJson, value, intermediateJson,
                userAttrsJson, systemAttrsJson, startTime, endTime, durationS, attempts, executor, gpu, error,
                checkpoint, mlflowRunId, updated, s);
    }
}
