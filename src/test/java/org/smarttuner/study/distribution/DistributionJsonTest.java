package org.smarttuner.study.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionJsonTest {
    @Test
    void roundTripsOptunasExactJson() {
        for (Distribution d : List.<Distribution>of(FloatDistribution.logUniform(1e-5, 0.01),
                FloatDistribution.stepped(0.0, 0.3, 0.05), FloatDistribution.of(-1.5, 2.0),
                new IntDistribution(8, 64, false, 8), new IntDistribution(1, 1024, true, 1),
                CategoricalDistribution.of("adam", "sgd"), CategoricalDistribution.of(1L, 2.5, true, null, "x"))) {
            assertEquals(d, DistributionJson.parse(d.toJson()), d.toJson());
            assertEquals(d.toJson(), DistributionJson.parse(d.toJson()).toJson());
        }
        assertEquals("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 1e-05, "
                + "\"high\": 0.01, \"log\": true}}", FloatDistribution.logUniform(1e-5, 0.01).toJson());
    }

    @Test
    void readsPre30Names() {
        assertEquals(FloatDistribution.logUniform(0.1, 1.0), DistributionJson.parse(
                "{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.1, \"high\": 1.0}}"));
        assertEquals(new IntDistribution(0, 10, false, 2), DistributionJson.parse(
                "{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}"));
    }

    @Test
    void badJsonIsAClearError() {
        assertTrue(assertThrows(DistributionException.class, () -> DistributionJson.parse("{nope"))
                .getMessage().contains("not a distribution JSON"));
        assertTrue(assertThrows(DistributionException.class, () -> DistributionJson.parse(
                "{\"name\": \"BetaDistribution\", \"attributes\": {}}")).getMessage().contains("unknown distribution"));
        assertTrue(assertThrows(DistributionException.class, () -> DistributionJson.parse(
                "{\"name\": \"FloatDistribution\", \"attributes\": {\"low\": 1}}")).getMessage().contains("'high'"));
    }
}
