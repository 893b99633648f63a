package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Map;

/**
 * One row of {@code studies}: what defines a study (its metric, direction, search space, model,
 * training and data by content, as dotted keys), written by the driver that started it, so that a
 * rerun with a different definition is refused instead of mixing two studies' results.
 */
public record StudyRow(
        String study,
        Map<String, String> definition,
        Timestamp created) implements Serializable {
    private static final long serialVersionUID = 1L;
}
