package org.smarttuner.study.pruner;

import org.smarttuner.study.StudyHistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.study.pruner.Histories.history;
import static org.smarttuner.study.pruner.Histories.withRungs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.TrialState;

class SuccessiveHalvingPrunerTest {
    private final SuccessiveHalvingPruner asha = new SuccessiveHalvingPruner(1, 3, 0);

    private static FrozenTrial at(int number, int step, double value, double... rungs) {
        FrozenTrial t = withRungs(number, TrialState.RUNNING, rungs);
        return FrozenTrial.create(number, TrialState.RUNNING, Optional.empty()).withSystemAttrs(t.systemAttrs())
                .withIntermediate(step, value);
    }

    /** Five trials finished rung 0 with 0.1, 0.5, 0.9, 0.3, 0.7. */
    private static List<FrozenTrial> rung0() {
        return List.of(withRungs(0, TrialState.COMPLETE, 0.1), withRungs(1, TrialState.PRUNED, 0.5),
                withRungs(2, TrialState.PRUNED, 0.9), withRungs(3, TrialState.COMPLETE, 0.3),
                withRungs(4, TrialState.PRUNED, 0.7));
    }

    @Test
    void promotesTheTopThirdOfARung() {
        // Six values at rung 0 with this one: the top 6 / 3 = 2 are promoted: 0.1 and 0.2.
        FrozenTrial good = at(5, 1, 0.2);
        PruneDecision d = asha.decide(history(StudyDirection.MINIMIZE, rung0(), good), good);
        assertFalse(d.prune());
        assertEquals(Map.of("completed_rung_0", 0.2), d.systemAttrs());
        FrozenTrial bad = at(5, 1, 0.35);
        PruneDecision b = asha.decide(history(StudyDirection.MINIMIZE, rung0(), bad), bad);
        assertTrue(b.prune());
        assertEquals(Map.of("completed_rung_0", 0.35), b.systemAttrs(), "the rung value is kept even when pruned");
    }

    @Test
    void firstTrialsGoOnOnlyWhenBestSoFar() {
        List<FrozenTrial> one = List.of(withRungs(0, TrialState.COMPLETE, 0.5));
        FrozenTrial better = at(1, 1, 0.4);
        FrozenTrial worse = at(1, 1, 0.6);
        assertFalse(asha.decide(history(StudyDirection.MINIMIZE, one, better), better).prune());
        assertTrue(asha.decide(history(StudyDirection.MINIMIZE, one, worse), worse).prune());
        assertFalse(asha.decide(history(StudyDirection.MAXIMIZE, one, worse), worse).prune());
    }

    @Test
    void rungStepsAndNextDecisionStep() {
        assertEquals(1, asha.rungStep(0));
        assertEquals(3, asha.rungStep(1));
        assertEquals(9, asha.rungStep(2));
        FrozenTrial fresh = at(0, 0, 1.0);
        assertEquals(OptionalInt.of(1), asha.nextDecisionStep(null, fresh, 0));
        FrozenTrial afterRung0 = at(0, 1, 1.0, 1.0);
        assertEquals(OptionalInt.of(3), asha.nextDecisionStep(null, afterRung0, 1));
        FrozenTrial afterRung1 = at(0, 3, 1.0, 1.0, 1.0);
        assertEquals(OptionalInt.of(9), asha.nextDecisionStep(null, afterRung1, 3));
        SuccessiveHalvingPruner rate1 = new SuccessiveHalvingPruner(2, 2, 1);
        assertEquals(OptionalInt.of(4), rate1.nextDecisionStep(null, fresh, 0));
        assertEquals(OptionalInt.of(8), rate1.nextDecisionStep(null, at(0, 4, 1.0, 1.0), 4));
    }

    @Test
    void aLateFirstReportPassesSeveralRungsAtOnce() {
        // Reporting first at step 5 decides rung 0 (step 1) and rung 1 (step 3) in one go.
        FrozenTrial late = at(0, 5, 0.3);
        PruneDecision d = asha.decide(history(StudyDirection.MINIMIZE, List.of(), late), late);
        assertFalse(d.prune());
        assertEquals(Map.of("completed_rung_0", 0.3, "completed_rung_1", 0.3), d.systemAttrs());
        FrozenTrial notYet = at(0, 0, 0.3);
        assertEquals(Map.of(), asha.decide(history(StudyDirection.MINIMIZE, List.of(), notYet), notYet)
                .systemAttrs());
    }

    @Test
    void nanAtARungPrunes() {
        FrozenTrial nan = at(5, 1, Double.NaN);
        assertTrue(asha.decide(history(StudyDirection.MINIMIZE, rung0(), nan), nan).prune());
    }

    @Test
    void badSettingsAreRefused() {
        assertTrue(assertThrows(StudyException.class, () -> new SuccessiveHalvingPruner(1, 1, 0)).getMessage()
                .contains("reduction_factor"));
        assertThrows(StudyException.class, () -> new SuccessiveHalvingPruner(0, 3, 0));
    }

    /** min_resource: auto, as Optuna: nothing pruned before a trial completes, then its last step / 100. */
    @Test
    void autoMinResourceComesFromTheFirstCompletedTrial() {
        SuccessiveHalvingPruner auto = new SuccessiveHalvingPruner(OptionalInt.empty(), 3, 0, 0);
        FrozenTrial bad = Histories.trial(1, TrialState.RUNNING, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
        FrozenTrial good = Histories.trial(2, TrialState.PRUNED, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
                .withSystemAttrs(Map.of("completed_rung_0", 1.0));
        StudyHistory none = Histories.history(StudyDirection.MINIMIZE, List.of(good), bad);
        assertFalse(auto.decide(none, bad).prune(), "no completed trial: no minimum resource yet");
        assertEquals(OptionalInt.empty(), auto.nextDecisionStep(none, bad, 0), "train to the end");
        double[] long450 = new double[451];
        FrozenTrial done = Histories.trial(0, TrialState.COMPLETE, long450);
        StudyHistory h = Histories.history(StudyDirection.MINIMIZE, List.of(done, good), bad);
        assertEquals(OptionalInt.of(4), auto.minResource(h), "450 / 100");
        assertEquals(OptionalInt.of(12), auto.nextDecisionStep(h, bad, 4));
        assertTrue(auto.decide(h, bad).prune(), "9 against 1 at rung 0 (step 4)");
        assertThrows(StudyException.class, () -> new SuccessiveHalvingPruner(OptionalInt.empty(), 3, 0, 2),
                "bootstrap_count needs a numeric min_resource, as in Optuna");
    }

    @Test
    void bootstrapCountPrunesUntilEnoughTrialsReachedTheRung() {
        SuccessiveHalvingPruner boot = new SuccessiveHalvingPruner(OptionalInt.of(1), 3, 0, 2);
        FrozenTrial first = Histories.trial(0, TrialState.RUNNING, 0.5, 0.5);
        assertTrue(boot.decide(Histories.history(StudyDirection.MINIMIZE, List.of(), first), first).prune(),
                "1 trial at the rung <= bootstrap_count 2");
        FrozenTrial a = Histories.withRungs(1, TrialState.PRUNED, 0.9);
        FrozenTrial b = Histories.withRungs(2, TrialState.PRUNED, 0.8);
        assertFalse(boot.decide(Histories.history(StudyDirection.MINIMIZE, List.of(a, b), first), first).prune(),
                "3 at the rung, and the best");
    }
}
