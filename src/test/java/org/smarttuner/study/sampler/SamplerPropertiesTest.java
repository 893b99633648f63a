package org.smarttuner.study.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Spaces;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.pruner.NopPruner;

/** Bounds, steps and seeds hold for every sampler on a space with every kind of parameter. */
class SamplerPropertiesTest {

    static Stream<Arguments> samplers() {
        LongFunction<Sampler> random = RandomSampler::new;
        LongFunction<Sampler> tpe = TpeSampler::new;
        LongFunction<Sampler> tpeMulti = s -> new TpeSampler(s, new TpeSampler.Options(5, 24, true, true));
        LongFunction<Sampler> cmaes = s -> new CmaEsSampler(s, new CmaEsSampler.Options(1, Optional.empty(),
                Optional.of(4), true), new TpeSampler(s), m -> { });
        return Stream.of(Arguments.of("random", random), Arguments.of("tpe", tpe),
                Arguments.of("tpe-multivariate", tpeMulti), Arguments.of("cmaes", cmaes));
    }

    private static List<FrozenTrial> run(LongFunction<Sampler> factory, long seed, int n) {
        Map<String, Distribution> space = Spaces.everyKind();
        Study s = Study.create("props", StudyDirection.MINIMIZE, factory.apply(seed), new NopPruner());
        for (int i = 0; i < n; i++) {
            FrozenTrial t = s.ask(space);
            if (i % 7 == 3) {
                s.report(t.number(), 2, 1.0);
                s.tell(t.number(), TrialState.PRUNED, Optional.empty());
            } else if (i % 11 == 5) {
                s.tell(t.number(), TrialState.FAIL, Optional.empty());
            } else {
                s.tell(t.number(), score(t.params()));
            }
        }
        return s.trials();
    }

    private static double score(Map<String, Object> p) {
        double v = 0;
        for (Map.Entry<String, Object> e : p.entrySet()) {
            Object x = e.getValue();
            v += x instanceof Number n ? Math.abs(n.doubleValue() - 0.3) : x.toString().length();
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void valuesStayInsideBoundsAndOnTheGrid(String name, LongFunction<Sampler> factory) {
        Map<String, Distribution> space = Spaces.everyKind();
        for (FrozenTrial t : run(factory, 11, 60)) {
            for (Map.Entry<String, Distribution> e : space.entrySet()) {
                double v = t.internalParams().get(e.getKey());
                assertTrue(e.getValue().contains(v), name + " trial " + t.number() + ": " + e.getKey() + "=" + v
                        + " outside " + e.getValue().toJson());
            }
            double fstep = (Double) t.params().get("fstep");
            assertEquals(Math.round(fstep * 10) / 10.0, fstep, 0.0, "fstep not on the 0.1 grid: " + fstep);
            long istep = (Long) t.params().get("istep");
            assertEquals(0, istep % 8, "istep " + istep);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void sameSeedSameTrialsOtherSeedOtherTrials(String name, LongFunction<Sampler> factory) {
        List<Map<String, Object>> a = params(run(factory, 5, 30));
        List<Map<String, Object>> b = params(run(factory, 5, 30));
        List<Map<String, Object>> c = params(run(factory, 6, 30));
        assertEquals(a, b, name);
        assertNotEquals(a, c, name);
    }

    private static List<Map<String, Object>> params(List<FrozenTrial> trials) {
        List<Map<String, Object>> out = new ArrayList<>();
        trials.forEach(t -> out.add(t.params()));
        return out;
    }
}
