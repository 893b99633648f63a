package org.smarttuner.study.sampler;

import java.util.SplittableRandom;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/** Uniform draws in a distribution's internal space, always inside the bounds and on the grid. */
final class Uniform {
    private Uniform() {
    }

    static double draw(Distribution d, SplittableRandom rng) {
        if (d instanceof CategoricalDistribution c) {
            return rng.nextInt(c.choices().size());
        }
        if (d instanceof IntDistribution i) {
            if (i.log()) {
                double lo = Math.log(i.low() - 0.5);
                double hi = Math.log(i.high() + 0.5);
                return Grid.snap(i, Math.exp(lo + (hi - lo) * rng.nextDouble()));
            }
            long n = (i.high() - i.low()) / i.step() + 1;
            return i.low() + i.step() * rng.nextLong(n);
        }
        FloatDistribution f = (FloatDistribution) d;
        if (f.log()) {
            double lo = Math.log(f.low());
            double hi = Math.log(f.high());
            return Grid.snap(f, Math.exp(lo + (hi - lo) * rng.nextDouble()));
        }
        if (f.step().isPresent()) {
            long n = Grid.points(f);
            return Grid.snap(f, f.low() + f.step().get() * rng.nextLong(n));
        }
        return Grid.snap(f, f.low() + (f.high() - f.low()) * rng.nextDouble());
    }
}
