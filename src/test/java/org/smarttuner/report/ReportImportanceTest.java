package org.smarttuner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;

class ReportImportanceTest {
    /** value = 10 * x + (opt == 1 ? 0.1 : 0) + tiny noise, with noise a parameter the value ignores. */
    private static List<FrozenTrial> trials(int n) {
        Random r = new Random(5);
        List<FrozenTrial> out = new ArrayList<>();
        Map<String, Distribution> d = new LinkedHashMap<>();
        d.put("x", FloatDistribution.of(0, 1));
        d.put("opt", CategoricalDistribution.of("adam", "sgd"));
        d.put("ignored", FloatDistribution.logUniform(1e-5, 1e-1));
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble();
            double opt = r.nextInt(2);
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("x", x);
            p.put("opt", opt);
            p.put("ignored", Math.pow(10, -5 + 4 * r.nextDouble()));
            out.add(new FrozenTrial(i, TrialState.COMPLETE, p, d, Optional.of(10 * x + 0.1 * opt
                    + 1e-3 * r.nextGaussian()), new TreeMap<>(), Map.of(), Map.of(), Optional.empty(), Optional.empty(),
                    0));
        }
        out.add(FrozenTrial.create(n, TrialState.PRUNED, Optional.empty()));
        return out;
    }

    @Test
    void theParameterThatDrivesTheValueComesFirst() {
        Importance.Result r = Importance.of(trials(40));
        assertTrue(r.notEnough().isEmpty());
        assertEquals(40, r.completedTrials(), "pruned trials do not count");
        assertEquals("x", r.entries().get(0).param(), r.entries().toString());
        assertTrue(r.entries().get(0).share() > 0.8, r.entries().toString());
        for (Importance.Entry e : r.entries().subList(1, 3)) {
            assertTrue(e.share() < 0.2, e.toString());
        }
        assertEquals(4, r.entries().get(0).groups(), "quantile bins");
        assertTrue(r.method().contains("one-way ANOVA"));
    }

    @Test
    void tooFewCompletedTrialsSayNothing() {
        Importance.Result r = Importance.of(trials(4));
        assertTrue(r.entries().isEmpty());
        assertEquals("too few completed trials to say anything (4 completed; at least 5 are needed)",
                r.notEnough().orElseThrow());
    }
}
