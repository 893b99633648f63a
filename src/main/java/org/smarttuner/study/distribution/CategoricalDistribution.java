package org.smarttuner.study.distribution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A choice among strings, numbers (Long or Double) and booleans, and null. The internal value is the index
 * of the choice, as in Optuna.
 */
public record CategoricalDistribution(List<Object> choices) implements Distribution {

    public CategoricalDistribution {
        if (choices == null || choices.isEmpty()) {
            throw new DistributionException("a categorical parameter needs at least one choice");
        }
        List<Object> copy = new ArrayList<>(choices.size());
        Set<Object> seen = new HashSet<>();
        for (Object c : choices) {
            Object normal = normalise(c);
            if (!seen.add(normal == null ? NullChoice.NULL : normal)) {
                throw new DistributionException("choice " + c + " appears more than once in " + choices);
            }
            copy.add(normal);
        }
        choices = java.util.Collections.unmodifiableList(copy);
    }

    private enum NullChoice { NULL }

    private static Object normalise(Object c) {
        if (c == null || c instanceof String || c instanceof Boolean) {
            return c;
        }
        if (c instanceof Integer || c instanceof Long || c instanceof Short || c instanceof Byte) {
            return ((Number) c).longValue();
        }
        if (c instanceof Float || c instanceof Double) {
            double d = ((Number) c).doubleValue();
            if (!Double.isFinite(d)) {
                throw new DistributionException("a categorical choice must be finite, got " + c);
            }
            return d;
        }
        throw new DistributionException("a categorical choice must be a string, number, boolean or null, got "
                + c.getClass().getSimpleName() + " " + c);
    }

    public static CategoricalDistribution of(Object... choices) {
        return new CategoricalDistribution(java.util.Arrays.asList(choices));
    }

    /** Index of a choice, or -1. Numbers compare by value (7 and 7.0 are different choices only if both are listed). */
    public int indexOf(Object external) {
        Object normal = normalise(external);
        for (int i = 0; i < choices.size(); i++) {
            if (Objects.equals(choices.get(i), normal)) {
                return i;
            }
        }
        if (normal instanceof Number n) {
            for (int i = 0; i < choices.size(); i++) {
                if (choices.get(i) instanceof Number c && c.doubleValue() == n.doubleValue()) {
                    return i;
                }
            }
        }
        return -1;
    }

    @Override
    public double toInternal(Object external) {
        int i = indexOf(external);
        if (i < 0) {
            throw new DistributionException("value " + external + " is not one of the choices " + choices);
        }
        return i;
    }

    @Override
    public Object toExternal(double internal) {
        int i = (int) internal;
        if (i != internal || i < 0 || i >= choices.size()) {
            throw new DistributionException("index " + internal + " is outside the " + choices.size() + " choices");
        }
        return choices.get(i);
    }

    @Override
    public boolean contains(double v) {
        return v == Math.rint(v) && v >= 0 && v < choices.size();
    }

    @Override
    public boolean isSingle() {
        return choices.size() == 1;
    }

    @Override
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [");
        for (int i = 0; i < choices.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object c = choices.get(i);
            if (c == null) {
                sb.append("null");
            } else if (c instanceof String s) {
                sb.append(Json.string(s));
            } else if (c instanceof Double d) {
                sb.append(Json.number(d));
            } else {
                sb.append(c);
            }
        }
        return sb.append("]}}").toString();
    }
}
