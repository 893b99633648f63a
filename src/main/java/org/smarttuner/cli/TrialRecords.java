package org.smarttuner.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/**
 * Trials as the records of Optuna's {@code trials}, {@code best-trial} and {@code best-trials}
 * verbs ({@code _create_records_and_aggregate_column}): number, value, datetime_start,
 * datetime_complete, duration, params, user_attrs, state, in that order, nested columns sorted
 * by key, and a nested column only where some trial has a key in it.
 */
record TrialRecords(List<Map<Column, Object>> records, List<Column> columns) {
    private static final List<String> ATTRS = List.of("number", "value", "datetime_start", "datetime_complete",
            "duration", "params", "user_attrs", "state");

    /** {@code metricName}: the study's first metric name, where Optuna's set_metric_names gave it one. */
    static TrialRecords of(List<FrozenTrial> trials, Optional<String> metricName) {
        Column value = new Column("value", metricName.orElse(""));
        Map<String, TreeSet<Column>> seen = new LinkedHashMap<>();
        ATTRS.forEach(a -> seen.put(a, new TreeSet<>()));
        List<Map<Column, Object>> records = new ArrayList<>();
        for (FrozenTrial t : trials) {
            Map<Column, Object> r = new LinkedHashMap<>();
            r.put(Column.of("number"), t.number());
            r.put(value, t.value().orElse(null));
            r.put(Column.of("datetime_start"), t.start().map(PythonText::datetime).orElse(null));
            r.put(Column.of("datetime_complete"), t.complete().map(PythonText::datetime).orElse(null));
            r.put(Column.of("duration"), t.start().flatMap(s -> t.complete().map(e -> PythonText.timedelta(
                    Duration.between(s, e)))).orElse(null));
            t.params().forEach((k, v) -> r.put(new Column("params", k), v));
            t.userAttrs().forEach((k, v) -> r.put(new Column("user_attrs", k), v));
            r.put(Column.of("state"), t.state().name());
            r.keySet().forEach(c -> seen.get(c.name()).add(c));
            records.add(r);
        }
        List<Column> columns = new ArrayList<>();
        seen.values().forEach(columns::addAll);
        return new TrialRecords(List.copyOf(records), List.copyOf(columns));
    }

    /** Optuna's {@code study.metric_names}: the study system attribute "study:metric_names", first name. */
    static Optional<String> metricName(org.smarttuner.storage.SqliteStudyStorage st, String study) {
        return st.studySystemAttr(study, "study:metric_names").flatMap(json -> {
            try {
                com.fasterxml.jackson.databind.JsonNode names = StudyJson.MAPPER.readTree(json);
                return names.isArray() && !names.isEmpty() ? Optional.of(names.get(0).asText()) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        });
    }

    /** The record of trial {@code number}. */
    Map<Column, Object> record(int number) {
        return records.stream().filter(r -> r.get(Column.of("number")).equals(number)).findFirst().orElseThrow();
    }

    /**
     * Optuna's {@code study.best_trials} for one objective: the complete trials (the feasible ones,
     * where trials carry constraints) whose value is the best.
     */
    static List<FrozenTrial> best(List<FrozenTrial> trials, StudyDirection direction) {
        boolean constrained = trials.stream().anyMatch(t -> !constraints(t).isEmpty());
        List<FrozenTrial> done = trials.stream().filter(t -> t.state() == TrialState.COMPLETE)
                .filter(t -> !constrained || constraints(t).stream().allMatch(c -> c <= 0.0)).toList();
        Optional<Double> best = done.stream().map(t -> t.value().orElseThrow())
                .reduce((a, b) -> direction.better(b, a) ? b : a);
        return done.stream().filter(t -> t.value().equals(best)).toList();
    }

    /** Optuna's trial.constraints: system attribute "constraints" (a list) and "constraints:NAME" keys. */
    private static List<Double> constraints(FrozenTrial t) {
        List<Double> out = new ArrayList<>();
        t.systemAttrs().forEach((k, v) -> {
            if (k.equals("constraints") && v instanceof List<?> l) {
                l.forEach(c -> out.add(((Number) c).doubleValue()));
            } else if (k.startsWith("constraints:") && v instanceof Number n) {
                out.add(n.doubleValue());
            }
        });
        return out;
    }
}
