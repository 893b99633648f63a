package org.smarttuner.study.distribution;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BadDistributionTest {

    private static void refused(Executable e, String... words) {
        DistributionException ex = assertThrows(DistributionException.class, e);
        for (String w : words) {
            assertTrue(ex.getMessage().contains(w), "'" + w + "' not in: " + ex.getMessage());
        }
    }

    @Test
    void badDistributionsSayWhatIsWrong() {
        refused(() -> FloatDistribution.of(2, 1), "low must be <= high", "low=2.0");
        refused(() -> FloatDistribution.logUniform(0, 1), "log-scale", "low > 0");
        refused(() -> new FloatDistribution(1e-3, 1, true, Optional.of(0.1)), "step and log");
        refused(() -> FloatDistribution.stepped(0, 1, 0.3), "does not divide", "0.9");
        refused(() -> FloatDistribution.of(0, Double.POSITIVE_INFINITY), "finite");
        refused(() -> new IntDistribution(1, 10, false, 0), "step must be >= 1");
        refused(() -> new IntDistribution(0, 10, true, 1), "log-scale", "low >= 1");
        refused(() -> new IntDistribution(1, 10, false, 4), "does not divide", "move high to 9");
        refused(() -> CategoricalDistribution.of(), "at least one choice");
        refused(() -> CategoricalDistribution.of("a", "a"), "more than once");
        refused(() -> CategoricalDistribution.of("a", Double.NaN), "finite");
        refused(() -> CategoricalDistribution.of("a").toInternal("b"), "not one of the choices");
    }
}
