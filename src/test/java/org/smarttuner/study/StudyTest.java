package org.smarttuner.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.IntDistribution;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.study.sampler.TpeSampler;

class StudyTest {

    private static Study study(long seed) {
        return Study.create("s", StudyDirection.MINIMIZE, new TpeSampler(seed), new NopPruner());
    }

    @Test
    void askTellAndBestTrial() {
        Study s = study(1);
        Map<String, Distribution> space = Spaces.box(2, -1, 1);
        for (int i = 0; i < 5; i++) {
            FrozenTrial t = s.ask(space);
            assertEquals(TrialState.RUNNING, t.state());
            assertEquals(i, t.number());
            assertTrue(t.start().isPresent());
            s.tell(t.number(), 10 - i);
        }
        assertEquals(4, s.bestTrial().orElseThrow().number());
        assertEquals(6.0, s.bestTrial().orElseThrow().value().orElseThrow());
        FrozenTrial done = s.trial(2);
        assertEquals(TrialState.COMPLETE, done.state());
        assertTrue(done.complete().isPresent());
    }

    @Test
    void maximizeBestTrialAndEarliestOnTies() {
        Study s = Study.create("m", StudyDirection.MAXIMIZE, new RandomSampler(0), new NopPruner());
        Map<String, Distribution> space = Spaces.box(1, 0, 1);
        for (double v : new double[] {1, 3, 3, 2}) {
            s.tell(s.ask(space).number(), v);
        }
        assertEquals(1, s.bestTrial().orElseThrow().number());
    }

    @Test
    void tellRejectsWrongStatesAndValues() {
        Study s = study(1);
        FrozenTrial t = s.ask(Spaces.box(1, 0, 1));
        StudyException noValue = assertThrows(StudyException.class,
                () -> s.tell(t.number(), TrialState.COMPLETE, Optional.empty()));
        assertTrue(noValue.getMessage().contains("needs a value"), noValue.getMessage());
        s.tell(t.number(), 1.0);
        StudyException twice = assertThrows(StudyException.class, () -> s.tell(t.number(), 2.0));
        assertTrue(twice.getMessage().contains("is COMPLETE"), twice.getMessage());
        StudyException missing = assertThrows(StudyException.class, () -> s.tell(7, 2.0));
        assertTrue(missing.getMessage().contains("no trial 7"), missing.getMessage());
        assertThrows(StudyException.class, () -> s.ask(Map.of()));
        assertThrows(StudyException.class, () -> s.ask(0, Spaces.box(1, 0, 1)));
    }

    @Test
    void aNanValueMakesTheTrialFailAsInOptunaAndFreesItsPoint() {
        Study s = study(1);
        FrozenTrial t = s.ask(Spaces.box(1, 0, 1));
        FrozenTrial told = s.tell(t.number(), Double.NaN);
        assertEquals(TrialState.FAIL, told.state());
        assertTrue(told.value().isEmpty());
        assertTrue(s.trial(t.number()).state().isFinished(), "not left RUNNING");
        FrozenTrial p = s.ask(Spaces.box(1, 0, 1));
        s.report(p.number(), 0, 2.5);
        FrozenTrial pruned = s.tell(p.number(), TrialState.PRUNED, Optional.of(Double.NaN));
        assertEquals(TrialState.PRUNED, pruned.state());
        assertEquals(2.5, pruned.value().orElseThrow(), "a pruned trial takes its last reported value");
    }

    @Test
    void prunedTrialKeepsLastIntermediateValueAndFailHasNone() {
        Study s = study(1);
        FrozenTrial t = s.ask(Spaces.box(1, 0, 1));
        s.report(t.number(), 0, 5.0);
        s.report(t.number(), 1, 4.0);
        assertEquals(4.0, s.tell(t.number(), TrialState.PRUNED, Optional.empty()).value().orElseThrow());
        FrozenTrial f = s.ask(Spaces.box(1, 0, 1));
        assertTrue(s.tell(f.number(), TrialState.FAIL, Optional.of(3.0)).value().isEmpty());
    }

    @Test
    void enqueuedTrialIsAskedFirstWithItsFixedParams() {
        Study s = study(3);
        Map<String, Distribution> space = Spaces.everyKind();
        s.enqueue(Map.of("cat", "sgd", "i", 5, "fstep", 0.3));
        FrozenTrial t = s.ask(space);
        assertEquals(0, t.number());
        assertEquals("sgd", t.params().get("cat"));
        assertEquals(5L, t.params().get("i"));
        assertEquals(0.3, t.params().get("fstep"));
        assertEquals(space.keySet(), t.params().keySet());
        assertEquals(1, s.ask(space).number());
    }

    @Test
    void enqueuedValueOutsideTheSpaceIsAClearError() {
        Study s = study(3);
        s.enqueue(Map.of("cat", "rmsprop"));
        StudyException e = assertThrows(StudyException.class, () -> s.ask(Spaces.everyKind()));
        assertTrue(e.getMessage().contains("'cat'") && e.getMessage().contains("rmsprop"), e.getMessage());
    }

    @Test
    void askKGivesDistinctPointsEvenInATinySpace() {
        Map<String, Distribution> space = Map.of("a", IntDistribution.of(0, 2),
                "b", CategoricalDistribution.of("x", "y"));
        for (long seed = 0; seed < 5; seed++) {
            Study s = study(seed);
            List<FrozenTrial> batch = s.ask(6, space);
            Set<Map<String, Object>> points = new HashSet<>();
            batch.forEach(t -> points.add(t.params()));
            assertEquals(6, points.size(), "seed " + seed + ": " + points);
            // every point is running: Optuna allows a duplicate rather than failing the ask
            FrozenTrial seventh = s.ask(space);
            assertTrue(points.contains(seventh.params()), seventh.params().toString());
        }
    }

    @Test
    void moreWorkersThanPointsGetDuplicatesNotAnError() {
        Map<String, Distribution> space = Map.of("c", CategoricalDistribution.of("a", "b"));
        for (long seed = 0; seed < 3; seed++) {
            Study s = study(seed);
            List<FrozenTrial> three = s.ask(3, space);
            assertEquals(3, three.size());
            assertEquals(2, three.stream().map(FrozenTrial::params).distinct().count(), "both choices, one twice");
        }
    }

    @Test
    void askKAfterStartupIsDistinctToo() {
        Study s = study(9);
        Map<String, Distribution> space = Map.of("a", IntDistribution.of(0, 9));
        for (int i = 0; i < 12; i++) {
            FrozenTrial t = s.ask(space);
            s.tell(t.number(), Math.abs(((Number) t.params().get("a")).doubleValue() - 4));
        }
        Set<Object> seen = new HashSet<>();
        for (FrozenTrial t : s.ask(8, space)) {
            assertTrue(seen.add(t.params().get("a")), "repeated " + t.params());
        }
    }

    @Test
    void stopConditions() {
        Map<String, Distribution> space = Spaces.box(1, 0, 1);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Clock late = Clock.fixed(t0.plusSeconds(61), ZoneOffset.UTC);
        Study s = Study.resume("s", StudyDirection.MINIMIZE, new RandomSampler(0), new NopPruner(), List.of(), late);
        assertEquals(Optional.empty(), s.stopReason(StopConditions.trials(2), space, late.instant()));
        s.tell(s.ask(space).number(), 5.0);
        s.tell(s.ask(space).number(), 0.5);
        assertTrue(s.stopReason(StopConditions.trials(2), space, t0).orElseThrow().contains("n_trials 2"));
        StopConditions timeout = new StopConditions(OptionalInt.empty(), Optional.of(Duration.ofMinutes(1)),
                Optional.empty(), OptionalInt.empty());
        assertTrue(s.stopReason(timeout, space, t0).orElseThrow().contains("timeout"));
        StopConditions target = new StopConditions(OptionalInt.empty(), Optional.empty(), Optional.of(1.0),
                OptionalInt.empty());
        assertTrue(s.stopReason(target, space, late.instant()).orElseThrow().contains("target value"));
        StopConditions failures = new StopConditions(OptionalInt.empty(), Optional.empty(), Optional.empty(),
                OptionalInt.of(2));
        s.tell(s.ask(space).number(), TrialState.FAIL, Optional.empty());
        assertEquals(Optional.empty(), s.stopReason(failures, space, late.instant()));
        s.tell(s.ask(space).number(), TrialState.FAIL, Optional.empty());
        assertTrue(s.stopReason(failures, space, late.instant()).orElseThrow().contains("2 trials failed"));
        assertThrows(StudyException.class, () -> StopConditions.trials(0));
    }

    @Test
    void resumedStudyContinuesExactly() {
        Map<String, Distribution> space = Spaces.everyKind();
        Study a = study(42);
        for (int i = 0; i < 30; i++) {
            FrozenTrial t = a.ask(space);
            a.tell(t.number(), objective(t));
        }
        Study b = Study.resume("s", StudyDirection.MINIMIZE, new TpeSampler(42), new NopPruner(),
                a.trials().subList(0, 20));
        for (int i = 20; i < 30; i++) {
            FrozenTrial t = b.ask(space);
            assertEquals(a.trial(i).params(), t.params(), "trial " + i);
            b.tell(t.number(), objective(t));
        }
    }

    static double objective(FrozenTrial t) {
        double s = 0;
        for (Object v : t.params().values()) {
            s += v instanceof Number n ? Math.abs(n.doubleValue()) : v.toString().length();
        }
        return s;
    }

    @Test
    void historyWithGapsIsRefused() {
        FrozenTrial t = FrozenTrial.create(1, TrialState.RUNNING, Optional.empty());
        StudyException e = assertThrows(StudyException.class,
                () -> Study.resume("s", StudyDirection.MINIMIZE, new RandomSampler(0), new NopPruner(), List.of(t)));
        assertTrue(e.getMessage().contains("without gaps"), e.getMessage());
    }

    @Test
    void failAndRetryEnqueuesTheSameParamsWithinTheBudget() {
        Study s = study(5);
        Map<String, Distribution> space = Spaces.everyKind();
        FrozenTrial t = s.ask(space);
        FrozenTrial retry = s.failAndRetry(t.number(), 2).orElseThrow();
        assertEquals(TrialState.FAIL, s.trial(t.number()).state());
        assertEquals(TrialState.WAITING, retry.state());
        assertEquals(1, retry.attempt());
        FrozenTrial again = s.ask(space);
        assertEquals(retry.number(), again.number());
        assertEquals(t.params(), again.params());
        assertEquals(0, ((Number) again.systemAttrs().get(Study.FAILED_TRIAL)).intValue());
        FrozenTrial second = s.failAndRetry(again.number(), 2).orElseThrow();
        assertEquals(2, second.attempt());
        assertEquals(List.of(0, 1), second.systemAttrs().get(Study.RETRY_HISTORY));
        FrozenTrial third = s.ask(space);
        assertFalse(s.failAndRetry(third.number(), 2).isPresent());
        assertNotEquals(TrialState.WAITING, s.trials().get(s.trials().size() - 1).state());
    }
}
