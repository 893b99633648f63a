package org.smarttuner.config;

/** Allowed numeric interval of a key, with the wording used in error messages. */
public record Range(double min, boolean minInclusive, double max, boolean maxInclusive) {

    public static final Range ANY = new Range(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, true);

    public static Range atLeast(double min) {
        return new Range(min, true, Double.POSITIVE_INFINITY, true);
    }

    public static Range greaterThan(double min) {
        return new Range(min, false, Double.POSITIVE_INFINITY, true);
    }

    public static Range closed(double min, double max) {
        return new Range(min, true, max, true);
    }

    public static Range closedOpen(double min, double max) {
        return new Range(min, true, max, false);
    }

    public static Range openClosed(double min, double max) {
        return new Range(min, false, max, true);
    }

    public static Range open(double min, double max) {
        return new Range(min, false, max, false);
    }

    public boolean contains(double v) {
        if (Double.isNaN(v)) {
            return false;
        }
        boolean lo = minInclusive ? v >= min : v > min;
        boolean hi = maxInclusive ? v <= max : v < max;
        return lo && hi;
    }

    /** "0 <= x < 1", "x > 0", "any number". */
    public String describe(String noun) {
        boolean hasMin = min != Double.NEGATIVE_INFINITY;
        boolean hasMax = max != Double.POSITIVE_INFINITY;
        if (!hasMin && !hasMax) {
            return noun;
        }
        if (hasMin && !hasMax) {
            return noun + (minInclusive ? " >= " : " > ") + fmt(min);
        }
        if (!hasMin) {
            return noun + (maxInclusive ? " <= " : " < ") + fmt(max);
        }
        return noun + " from " + fmt(min) + (minInclusive ? "" : " (exclusive)") + " to " + fmt(max)
                + (maxInclusive ? "" : " (exclusive)");
    }

    static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
