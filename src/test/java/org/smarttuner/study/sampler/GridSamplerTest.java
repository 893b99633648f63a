package org.smarttuner.study.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StopConditions;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;
import org.smarttuner.study.pruner.NopPruner;

class GridSamplerTest {

    @Test
    void visitsEveryPointOnceThenReportsTheGridDone() {
        Map<String, Distribution> space = new LinkedHashMap<>();
        space.put("a", IntDistribution.of(1, 3));
        space.put("b", CategoricalDistribution.of("x", "y"));
        space.put("c", FloatDistribution.stepped(0.0, 0.2, 0.1));
        Study s = Study.create("g", StudyDirection.MINIMIZE, new GridSampler(1), new NopPruner());
        Set<Map<String, Object>> seen = new HashSet<>();
        for (int i = 0; i < 18; i++) {
            assertTrue(s.stopReason(StopConditions.none(), space, java.time.Instant.now()).isEmpty());
            FrozenTrial t = s.ask(space);
            assertTrue(seen.add(t.params()), "repeated " + t.params());
            s.tell(t.number(), i);
        }
        assertTrue(seen.contains(Map.of("a", 2L, "b", "y", "c", 0.1)));
        assertTrue(s.stopReason(StopConditions.none(), space, java.time.Instant.now()).orElseThrow()
                .contains("every point"));
    }

    @Test
    void floatWithoutStepIsAClearError() {
        Map<String, Distribution> space = Map.of("lr", FloatDistribution.logUniform(1e-4, 1e-2));
        Study s = Study.create("g", StudyDirection.MINIMIZE, new GridSampler(1), new NopPruner());
        StudyException e = assertThrows(StudyException.class, () -> s.ask(space));
        assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains("no step"), e.getMessage());
    }

    @Test
    void hugeGridIsRefused() {
        Map<String, Distribution> space = new LinkedHashMap<>();
        for (String p : List.of("a", "b", "c", "d")) {
            space.put(p, IntDistribution.of(0, 99));
        }
        StudyException e = assertThrows(StudyException.class, () -> GridSampler.axes(space));
        assertTrue(e.getMessage().contains("more than " + GridSampler.MAX_POINTS), e.getMessage());
    }

    @Test
    void failedPointsAreTriedAgain() {
        Map<String, Distribution> space = Map.of("a", IntDistribution.of(0, 1));
        Study s = Study.create("g", StudyDirection.MINIMIZE, new GridSampler(2), new NopPruner());
        FrozenTrial first = s.ask(space);
        s.tell(first.number(), org.smarttuner.study.TrialState.FAIL, java.util.Optional.empty());
        FrozenTrial second = s.ask(space);
        s.tell(second.number(), 1.0);
        FrozenTrial third = s.ask(space);
        assertEquals(first.params(), third.params().equals(second.params()) ? null : third.params());
    }
}
