package org.smarttuner.cli.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The median of per-seed results with a 95% percentile-bootstrap interval (2,000 resamples of the
 * seeds, a fixed resampling seed so a table is reproducible), and the quartiles.
 */
public record MedianInterval(int n, double median, double lo, double hi, double q1, double q3) {
    static final int RESAMPLES = 2000;

    public static MedianInterval of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        SplittableRandom rng = new SplittableRandom(0x5EEDL);
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[values.length];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = values[rng.nextInt(values.length)];
            }
            Arrays.sort(sample);
            medians[b] = percentile(sample, 50);
        }
        Arrays.sort(medians);
        return new MedianInterval(values.length, percentile(sorted, 50), percentile(medians, 2.5),
                percentile(medians, 97.5), percentile(sorted, 25), percentile(sorted, 75));
    }

    /** numpy's default (linear) percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
