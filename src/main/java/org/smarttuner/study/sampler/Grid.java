package org.smarttuner.study.sampler;

import java.math.BigDecimal;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/** Rounding onto a distribution's grid and clipping into its bounds. */
public final class Grid {
    private Grid() {
    }

    /** The nearest valid internal value to {@code x}. */
    public static double snap(Distribution d, double x) {
        if (d instanceof CategoricalDistribution c) {
            return Math.max(0, Math.min(c.choices().size() - 1, Math.rint(x)));
        }
        if (d instanceof IntDistribution i) {
            double k = Math.rint((x - i.low()) / i.step());
            double v = i.low() + k * i.step();
            return Math.max(i.low(), Math.min(i.high(), v));
        }
        FloatDistribution f = (FloatDistribution) d;
        if (Double.isNaN(x)) {
            x = f.low();
        }
        double v = Math.max(f.low(), Math.min(f.high(), x));
        if (f.step().isPresent()) {
            double s = f.step().get();
            long k = Math.round((v - f.low()) / s);
            k = Math.max(0, Math.min(points(f) - 1, k));
            // Decimal arithmetic so that 0.1-steps land on 0.3, not 0.30000000000000004.
            v = new BigDecimal(Double.toString(f.low())).add(new BigDecimal(Double.toString(s))
                    .multiply(BigDecimal.valueOf(k))).doubleValue();
            v = Math.max(f.low(), Math.min(f.high(), v));
        }
        return v;
    }

    /** Number of grid points of a stepped float. */
    static long points(FloatDistribution f) {
        return Math.round((f.high() - f.low()) / f.step().get()) + 1;
    }
}
