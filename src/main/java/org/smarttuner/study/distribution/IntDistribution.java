package org.smarttuner.study.distribution;

/** An integer parameter in [low, high] on a step grid, optionally on a log scale (step 1 only). */
public record IntDistribution(long low, long high, boolean log, long step) implements Distribution {

    public IntDistribution {
        if (low > high) {
            throw new DistributionException("low must be <= high, got low=" + low + ", high=" + high);
        }
        if (step < 1) {
            throw new DistributionException("step must be >= 1, got " + step);
        }
        if (log && low < 1) {
            throw new DistributionException("a log-scale integer range needs low >= 1, got low=" + low);
        }
        if (log && step != 1) {
            throw new DistributionException("a log-scale integer range needs step 1, got step=" + step);
        }
        if ((high - low) % step != 0) {
            throw new DistributionException("step " + step + " does not divide the range " + low + ".." + high
                    + "; choose a step that does, or move high to " + (low + (high - low) / step * step));
        }
    }

    public static IntDistribution of(long low, long high) {
        return new IntDistribution(low, high, false, 1);
    }

    @Override
    public double toInternal(Object external) {
        if (external instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) {
                throw new DistributionException("an int parameter takes a whole number, got " + external);
            }
            return d;
        }
        throw new DistributionException("an int parameter takes a number, got " + external);
    }

    @Override
    public Object toExternal(double internal) {
        return Math.round(internal);
    }

    @Override
    public boolean contains(double v) {
        if (Double.isNaN(v) || v < low || v > high || v != Math.rint(v)) {
            return false;
        }
        return ((long) v - low) % step == 0;
    }

    @Override
    public boolean isSingle() {
        return low == high;
    }

    @Override
    public String toJson() {
        return "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": " + log + ", \"step\": " + step
                + ", \"low\": " + low + ", \"high\": " + high + "}}";
    }
}
