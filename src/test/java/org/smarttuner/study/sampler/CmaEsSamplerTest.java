package org.smarttuner.study.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Spaces;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.pruner.NopPruner;

class CmaEsSamplerTest {

    /** A 4-D ellipsoid (condition 64) rotated by 30 degrees in two planes, optimum off-centre. */
    static double rotatedQuadratic(Map<String, Object> p) {
        double[] x = new double[4];
        for (int i = 0; i < 4; i++) {
            x[i] = ((Number) p.get("x" + i)).doubleValue() - 0.7;
        }
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        double[] y = {c * x[0] - s * x[1], s * x[0] + c * x[1], c * x[2] - s * x[3], s * x[2] + c * x[3]};
        double[] scale = {1, 4, 16, 64};
        double f = 0;
        for (int i = 0; i < 4; i++) {
            f += scale[i] * y[i] * y[i];
        }
        return f;
    }

    @Test
    void convergesOnARotatedQuadratic() {
        Map<String, Distribution> space = Spaces.box(4, -3, 3);
        CmaEsSampler cma = new CmaEsSampler(3, CmaEsSampler.Options.defaults(), new RandomSampler(3), m -> { });
        Study s = Study.create("rot", StudyDirection.MINIMIZE, cma, new NopPruner());
        double best = Double.POSITIVE_INFINITY;
        List<Double> firstGeneration = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            FrozenTrial t = s.ask(space);
            double v = rotatedQuadratic(t.params());
            s.tell(t.number(), v);
            best = Math.min(best, v);
            if (i < 10) {
                firstGeneration.add(v);
            }
        }
        assertTrue(best < 1e-4, "best after 500 trials: " + best);
        FrozenTrial last = s.trial(499);
        assertTrue(((Number) last.systemAttrs().get(CmaEsSampler.GENERATION)).intValue() > 40,
                "generation of the last trial: " + last.systemAttrs());
    }

    @Test
    void maximisesToo() {
        Map<String, Distribution> space = Spaces.box(3, -3, 3);
        CmaEsSampler cma = new CmaEsSampler(1, CmaEsSampler.Options.defaults(), new RandomSampler(1), m -> { });
        Study s = Study.create("max", StudyDirection.MAXIMIZE, cma, new NopPruner());
        for (int i = 0; i < 200; i++) {
            FrozenTrial t = s.ask(space);
            s.tell(t.number(), -Spaces.sphere(t.params()));
        }
        assertTrue(s.bestTrial().orElseThrow().value().orElseThrow() > -1e-3, s.bestTrial().toString());
    }

    @Test
    void categoricalFallbackIsAnnouncedOncePerStudy() {
        List<String> notices = new ArrayList<>();
        CmaEsSampler cma = new CmaEsSampler(2, CmaEsSampler.Options.defaults(), new TpeSampler(2), notices::add);
        Map<String, Distribution> space = new LinkedHashMap<>(Spaces.box(2, -1, 1));
        space.put("optimizer", CategoricalDistribution.of("adam", "sgd"));
        space.put("activation", CategoricalDistribution.of("relu", "tanh", "gelu"));
        space.put("fixed", CategoricalDistribution.of("only"));
        for (String name : List.of("first", "second")) {
            Study s = Study.create(name, StudyDirection.MINIMIZE, cma, new NopPruner());
            for (int i = 0; i < 40; i++) {
                FrozenTrial t = s.ask(space);
                s.tell(t.number(), Math.abs((Double) t.params().get("x0")) + (t.params().get("optimizer")
                        .equals("adam") ? 0 : 1));
            }
        }
        assertEquals(2, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("[activation, optimizer]") && notices.get(0).contains("'first'")
                && notices.get(0).contains("tpe"), notices.get(0));
        assertTrue(notices.get(1).contains("'second'"), notices.get(1));
    }

    @Test
    void resumedStudyContinuesExactly() {
        Map<String, Distribution> space = new LinkedHashMap<>(Spaces.box(3, -2, 2));
        space.put("lr", FloatDistribution.logUniform(1e-4, 1));
        CmaEsSampler cma = new CmaEsSampler(4, new CmaEsSampler.Options(1, Optional.empty(), Optional.of(4), true),
                new RandomSampler(4), m -> { });
        Study a = Study.create("r", StudyDirection.MINIMIZE, cma, new NopPruner());
        for (int i = 0; i < 40; i++) {
            FrozenTrial t = a.ask(space);
            a.tell(t.number(), Spaces.sphere(Map.of("x0", t.params().get("x0"), "x1", t.params().get("x1"))));
        }
        Study b = Study.resume("r", StudyDirection.MINIMIZE, cma, new NopPruner(), a.trials().subList(0, 25));
        for (int i = 25; i < 40; i++) {
            FrozenTrial t = b.ask(space);
            assertEquals(a.trial(i).params(), t.params(), "trial " + i);
            assertEquals(a.trial(i).systemAttrs(), t.systemAttrs(), "trial " + i);
            b.tell(t.number(), a.trial(i).value().orElseThrow());
        }
    }

    @Test
    void restartsWithALargerPopulationWhenStagnating() {
        // A flat objective stagnates at once (tolfun), so IPOP restarts with twice the population.
        Map<String, Distribution> space = Spaces.box(2, -1, 1);
        CmaEsSampler cma = new CmaEsSampler(5, CmaEsSampler.Options.defaults(), new RandomSampler(5), m -> { });
        Study s = Study.create("flat", StudyDirection.MINIMIZE, cma, new NopPruner());
        for (int i = 0; i < 300; i++) {
            s.tell(s.ask(space).number(), 1.0);
        }
        Map<Integer, Integer> perGeneration = new LinkedHashMap<>();
        for (FrozenTrial t : s.trials()) {
            if (t.systemAttrs().get(CmaEsSampler.GENERATION) instanceof Number g) {
                perGeneration.merge(g.intValue(), 1, Integer::sum);
            }
        }
        int first = perGeneration.values().iterator().next();
        assertTrue(perGeneration.values().stream().anyMatch(n -> n >= 2 * first),
                "trials per generation: " + perGeneration);
    }
}
