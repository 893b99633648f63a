package org.smarttuner.study.distribution;

import java.util.Optional;

/**
 * A real-valued parameter in [low, high], optionally on a log scale or on a step grid
 * (low, low + step, ...). Log and step cannot be combined, as in Optuna.
 */
public record FloatDistribution(double low, double high, boolean log, Optional<Double> step)
        implements Distribution {

    public FloatDistribution {
        step = step == null ? Optional.empty() : step;
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw new DistributionException("low and high must be finite numbers, got low=" + low + ", high=" + high);
        }
        if (low > high) {
            throw new DistributionException("low must be <= high, got low=" + low + ", high=" + high);
        }
        if (log && low <= 0) {
            throw new DistributionException("a log-scale range needs low > 0, got low=" + low);
        }
        if (log && step.isPresent()) {
            throw new DistributionException("step and log cannot be used together");
        }
        if (step.isPresent()) {
            double s = step.get();
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new DistributionException("step must be > 0, got " + s);
            }
            if (!Steps.divides(high - low, s)) {
                throw new DistributionException("step " + s + " does not divide the range " + low + ".." + high
                        + " (high - low = " + (high - low) + "); choose a step that does, or move high to "
                        + Steps.lastOnGrid(low, high, s));
            }
        }
    }

    public static FloatDistribution of(double low, double high) {
        return new FloatDistribution(low, high, false, Optional.empty());
    }

    public static FloatDistribution logUniform(double low, double high) {
        return new FloatDistribution(low, high, true, Optional.empty());
    }

    public static FloatDistribution stepped(double low, double high, double step) {
        return new FloatDistribution(low, high, false, Optional.of(step));
    }

    @Override
    public double toInternal(Object external) {
        if (external instanceof Number n) {
            return n.doubleValue();
        }
        throw new DistributionException("a float parameter takes a number, got " + external);
    }

    @Override
    public Object toExternal(double internal) {
        return internal;
    }

    @Override
    public boolean contains(double v) {
        if (Double.isNaN(v) || v < low || v > high) {
            return false;
        }
        return step.isEmpty() || Steps.onGrid(v - low, step.get());
    }

    @Override
    public boolean isSingle() {
        if (low == high) {
            return true;
        }
        return step.isPresent() && high - low < step.get();
    }

    @Override
    public String toJson() {
        return "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": "
                + step.map(Json::number).orElse("null") + ", \"low\": " + Json.number(low)
                + ", \"high\": " + Json.number(high) + ", \"log\": " + log + "}}";
    }
}
