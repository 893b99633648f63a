package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Map;

/**
 * One row of the {@code trials} table: the latest state of a trial. The JSON columns hold what
 * a resumed study needs to rebuild the trial exactly (internal parameter values and their
 * distributions, intermediate values, attributes); {@code params} is the same as a map of
 * strings for SQL.
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
        Timestamp updated) implements Serializable {
    private static final long serialVersionUID = 1L;
}
