package org.smarttuner.report;

/** A linear (or log10) map from data values to pixels, with a little padding around the data. */
record Scale(double lo, double hi, double from, double to, boolean log) {
    static Scale of(double min, double max, double from, double to, boolean log) {
        double lo = log ? Math.log10(min) : min;
        double hi = log ? Math.log10(max) : max;
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
            lo -= pad;
            hi += pad;
        } else {
            double pad = (hi - lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        return new Scale(lo, hi, from, to, log);
    }

    double at(double v) {
        double x = log ? Math.log10(v) : v;
        return from + (x - lo) / (hi - lo) * (to - from);
    }

    /** The value at a pixel (for axis labels). */
    double value(double px) {
        double x = lo + (px - from) / (to - from) * (hi - lo);
        return log ? Math.pow(10, x) : x;
    }
}
