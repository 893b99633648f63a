package org.smarttuner.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Optuna's {@code get_all_study_summaries} gives for a study: its directions (as stored,
 * several for a multi-objective study Optuna made), number of trials, the earliest trial start and
 * the study's user attributes.
 */
public record StudySummary(String name, List<String> directions, int nTrials, Optional<Instant> start,
                           Map<String, Object> userAttrs) {
    public StudySummary {
        directions = List.copyOf(directions);
        userAttrs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(userAttrs));
    }
}
