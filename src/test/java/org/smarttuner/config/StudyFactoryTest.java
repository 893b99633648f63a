package org.smarttuner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.pruner.PruneDecision;
import org.smarttuner.study.pruner.Pruner;
import org.smarttuner.study.sampler.CmaEsSampler;
import org.smarttuner.study.sampler.GridSampler;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.study.sampler.TpeSampler;

class StudyFactoryTest {

    private static SamplerConfig sampler(String type, boolean multivariate) {
        return new SamplerConfig(type, Optional.of(7L), 10, 24, multivariate, true, false, Optional.empty(),
                Optional.empty(), "ipop", "tpe");
    }

    private static PrunerConfig pruner(String type, Optional<Integer> patience) {
        return new PrunerConfig(type, 5, 0, 1, Optional.of(1), Optional.empty(), 3, 0, 0, Optional.empty(),
                Optional.of(100.0),
                patience, 0.0);
    }

    @Test
    void samplersFromConfig() {
        assertInstanceOf(RandomSampler.class, StudyFactory.sampler(sampler("random", false)));
        assertInstanceOf(GridSampler.class, StudyFactory.sampler(sampler("grid", false)));
        assertInstanceOf(CmaEsSampler.class, StudyFactory.sampler(sampler("cmaes", false)));
        TpeSampler tpe = (TpeSampler) StudyFactory.sampler(sampler("tpe", true));
        assertTrue(tpe.options().multivariate());
        assertEquals("tpe-multivariate", tpe.name());
    }

    @Test
    void prunersFromConfigAllStopOnNan() {
        for (String type : PrunerConfig.TYPES) {
            Pruner p = StudyFactory.pruner(pruner(type, Optional.empty()), 27);
            Study s = Study.create("f", StudyDirection.MINIMIZE, new RandomSampler(0), p);
            Map<String, Distribution> space = Map.of("x", FloatDistribution.of(0, 1));
            FrozenTrial t = s.ask(space);
            s.report(t.number(), 0, Double.NaN);
            assertTrue(s.shouldPrune(t.number()).prune(), type);
        }
        assertEquals("hyperband", StudyFactory.pruner(pruner("hyperband", Optional.empty()), 27).name());
        assertTrue(StudyFactory.pruner(pruner("median", Optional.of(3)), 27).name().startsWith("patient"));
    }

    @Test
    void ashaFromConfigRecordsRungsOnTheTrialAndSaysWhereTheNextRungIs() {
        Pruner p = StudyFactory.pruner(pruner("asha", Optional.empty()), 27);
        Study s = Study.create("a", StudyDirection.MINIMIZE, new RandomSampler(0), p);
        Map<String, Distribution> space = Map.of("x", FloatDistribution.of(0, 1));
        FrozenTrial t = s.ask(space);
        assertEquals(OptionalInt.of(1), s.nextDecisionStep(t.number(), 0));
        s.report(t.number(), 1, 0.5);
        PruneDecision d = s.shouldPrune(t.number());
        assertFalse(d.prune());
        assertEquals(0.5, s.trial(t.number()).systemAttrs().get("completed_rung_0"));
        assertEquals(OptionalInt.of(3), s.nextDecisionStep(t.number(), 1));
    }

    @Test
    void direction() {
        StudyConfig max = new StudyConfig("s", "maximize", "attention_sharpness", 1, Optional.empty(), Optional.empty(),
                1, sampler("tpe", false), pruner("none", Optional.empty()));
        assertEquals(StudyDirection.MAXIMIZE, StudyFactory.direction(max));
    }
}
