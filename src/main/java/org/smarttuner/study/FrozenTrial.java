package org.smarttuner.study;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.smarttuner.study.distribution.Distribution;

/**
 * One trial as the history holds it. Parameters are kept in their internal representation (as
 * Optuna stores them), with the distribution each was drawn from; {@link #params()} gives the
 * external values. Attribute values are JSON-like (String, Number, Boolean, List, Map, null).
 */
public record FrozenTrial(
        int number,
        TrialState state,
        Map<String, Double> internalParams,
        Map<String, Distribution> distributions,
        Optional<Double> value,
        SortedMap<Integer, Double> intermediateValues,
        Map<String, Object> userAttrs,
        Map<String, Object> systemAttrs,
        Optional<Instant> start,
        Optional<Instant> complete,
        int attempt) {

    public FrozenTrial {
        if (number < 0) {
            throw new StudyException("trial number must be >= 0, got " + number);
        }
        if (state == null) {
            throw new StudyException("trial " + number + " has no state");
        }
        internalParams = Collections.unmodifiableMap(new LinkedHashMap<>(internalParams));
        distributions = Collections.unmodifiableMap(new LinkedHashMap<>(distributions));
        if (!internalParams.keySet().equals(distributions.keySet())) {
            throw new StudyException("trial " + number + ": params " + internalParams.keySet()
                    + " and distributions " + distributions.keySet() + " differ");
        }
        for (Map.Entry<String, Double> e : internalParams.entrySet()) {
            if (!distributions.get(e.getKey()).contains(e.getValue())) {
                throw new StudyException("trial " + number + ": value " + e.getValue() + " of '" + e.getKey()
                        + "' is outside " + distributions.get(e.getKey()).toJson());
            }
        }
        value = value == null ? Optional.empty() : value;
        if (value.isPresent() && Double.isNaN(value.get())) {
            throw new StudyException("trial " + number + ": a value cannot be NaN (tell it as FAIL instead)");
        }
        if (state == TrialState.COMPLETE && value.isEmpty()) {
            throw new StudyException("trial " + number + " is COMPLETE but has no value");
        }
        intermediateValues = Collections.unmodifiableSortedMap(new TreeMap<>(intermediateValues));
        userAttrs = Collections.unmodifiableMap(new LinkedHashMap<>(userAttrs));
        systemAttrs = Collections.unmodifiableMap(new LinkedHashMap<>(systemAttrs));
        start = start == null ? Optional.empty() : start;
        complete = complete == null ? Optional.empty() : complete;
    }

    /** A new trial in the given state with nothing recorded yet. */
    public static FrozenTrial create(int number, TrialState state, Optional<Instant> start) {
        return new FrozenTrial(number, state, Map.of(), Map.of(), Optional.empty(), new TreeMap<>(), Map.of(),
                Map.of(), start, Optional.empty(), 0);
    }

    /** External parameter values (Double, Long or the categorical choice), in insertion order. */
    public Map<String, Object> params() {
        Map<String, Object> out = new LinkedHashMap<>();
        internalParams.forEach((k, v) -> out.put(k, distributions.get(k).toExternal(v)));
        return Collections.unmodifiableMap(out);
    }

    public OptionalInt lastStep() {
        return intermediateValues.isEmpty() ? OptionalInt.empty() : OptionalInt.of(intermediateValues.lastKey());
    }

    /**
     * True when this trial has every parameter of {@code space} from the same distribution, so its
     * internal values mean the same thing to a sampler.
     */
    public boolean hasParams(Map<String, Distribution> space) {
        for (Map.Entry<String, Distribution> e : space.entrySet()) {
            if (!e.getValue().equals(distributions.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public FrozenTrial withState(TrialState s, Optional<Double> v, Optional<Instant> end) {
        return new FrozenTrial(number, s, internalParams, distributions, v, intermediateValues, userAttrs,
                systemAttrs, start, end, attempt);
    }

    public FrozenTrial withParams(Map<String, Double> internal, Map<String, Distribution> dists) {
        return new FrozenTrial(number, state, internal, dists, value, intermediateValues, userAttrs, systemAttrs,
                start, complete, attempt);
    }

    public FrozenTrial withStart(Optional<Instant> s) {
        return new FrozenTrial(number, state, internalParams, distributions, value, intermediateValues, userAttrs,
                systemAttrs, s, complete, attempt);
    }

    public FrozenTrial withIntermediate(int step, double v) {
        TreeMap<Integer, Double> iv = new TreeMap<>(intermediateValues);
        iv.put(step, v);
        return new FrozenTrial(number, state, internalParams, distributions, value, iv, userAttrs, systemAttrs,
                start, complete, attempt);
    }

    public FrozenTrial withSystemAttrs(Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(systemAttrs);
        m.putAll(more);
        return new FrozenTrial(number, state, internalParams, distributions, value, intermediateValues, userAttrs,
                m, start, complete, attempt);
    }

    public FrozenTrial withUserAttrs(Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(userAttrs);
        m.putAll(more);
        return new FrozenTrial(number, state, internalParams, distributions, value, intermediateValues, m,
                systemAttrs, start, complete, attempt);
    }

    public FrozenTrial withAttempt(int a) {
        return new FrozenTrial(number, state, internalParams, distributions, value, intermediateValues, userAttrs,
                systemAttrs, start, complete, a);
    }
}
