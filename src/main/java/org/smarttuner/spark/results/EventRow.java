package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One row of the append-only {@code trial_events} table: a state change or a notable step of a
 * trial. (study, number, seq) is unique; seq counts the trial's events from 0.
 */
public record EventRow(
        String study,
        int number,
        int seq,
        Timestamp ts,
        String fromState,
        String toState,
        Integer segment,
        Integer attempt,
        String executor,
        String detail) implements Serializable {
    private static final long serialVersionUID = 1L;
}
