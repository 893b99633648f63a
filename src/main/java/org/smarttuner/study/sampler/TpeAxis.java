package org.smarttuner.study.sampler;

import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/**
 * One parameter as TPE models it: log scales become linear, steps become a discrete kernel
 * over [low - step/2, high + step/2], categoricals stay indices.
 */
record TpeAxis(Distribution dist, boolean categorical, int nChoices, double low, double high, double step,
               boolean log) {

    static TpeAxis of(Distribution d) {
        if (d instanceof CategoricalDistribution c) {
            return new TpeAxis(d, true, c.choices().size(), 0, c.choices().size() - 1, 0, false);
        }
        if (d instanceof IntDistribution i) {
            if (i.log()) {
                return new TpeAxis(d, false, 0, Math.log(i.low() - 0.5), Math.log(i.high() + 0.5), 0, true);
            }
            return new TpeAxis(d, false, 0, i.low(), i.high(), i.step(), false);
        }
        FloatDistribution f = (FloatDistribution) d;
        if (f.log()) {
            return new TpeAxis(d, false, 0, Math.log(f.low()), Math.log(f.high()), 0, true);
        }
        return new TpeAxis(d, false, 0, f.low(), f.high(), f.step().orElse(0.0), false);
    }

    double toModel(double internal) {
        return log ? Math.log(internal) : internal;
    }

    /** The valid internal value nearest to a model-space point. */
    double toInternal(double model) {
        return Grid.snap(dist, log ? Math.exp(model) : model);
    }
}
