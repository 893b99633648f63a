package org.smarttuner.study.distribution;

import java.math.BigDecimal;

/** Step-grid arithmetic that tolerates decimal steps such as 0.1 (which binary doubles cannot hold). */
final class Steps {
    private Steps() {
    }

    static boolean divides(double range, double step) {
        return onGrid(range, step);
    }

    static boolean onGrid(double offset, double step) {
        BigDecimal r = new BigDecimal(Double.toString(offset));
        BigDecimal s = new BigDecimal(Double.toString(step));
        BigDecimal q = r.divide(s, java.math.MathContext.DECIMAL64);
        double n = Math.rint(q.doubleValue());
        return Math.abs(q.doubleValue() - n) <= 1e-8 * Math.max(1.0, Math.abs(n));
    }

    static double lastOnGrid(double low, double high, double step) {
        double n = Math.floor((high - low) / step + 1e-9);
        return new BigDecimal(Double.toString(low)).add(new BigDecimal(Double.toString(step))
                .multiply(BigDecimal.valueOf((long) n))).doubleValue();
    }
}
