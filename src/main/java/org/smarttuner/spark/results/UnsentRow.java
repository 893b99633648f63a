package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One row of {@code tracking_unsent}: something MLflow did not receive before the study's flush
 * deadline (server down, refused), kept so nothing is lost and can be replayed.
 */
public record UnsentRow(
        String study,
        Integer trial,
        String runId,
        String kind,
        String key,
        String value,
        Long step,
        Timestamp ts,
        String reason) implements Serializable {
    private static final long serialVersionUID = 1L;
}
