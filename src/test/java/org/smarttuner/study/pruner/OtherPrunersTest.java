package org.smarttuner.study.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.study.pruner.Histories.history;
import static org.smarttuner.study.pruner.Histories.trial;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.TrialState;

class OtherPrunersTest {

    private static boolean prunes(Pruner p, StudyDirection d, double... values) {
        FrozenTrial t = trial(0, TrialState.RUNNING, values);
        return p.decide(history(d, List.of(), t), t).prune();
    }

    @Test
    void thresholdPrunesNanInfinityAndValuesPastTheBounds() {
        ThresholdPruner p = new ThresholdPruner(Optional.of(0.0), Optional.of(10.0), 0, 1);
        assertTrue(prunes(p, StudyDirection.MINIMIZE, 1, Double.NaN));
        assertTrue(prunes(p, StudyDirection.MINIMIZE, 1, Double.POSITIVE_INFINITY));
        assertTrue(prunes(p, StudyDirection.MINIMIZE, 1, 10.5));
        assertTrue(prunes(p, StudyDirection.MINIMIZE, 1, -0.5));
        assertFalse(prunes(p, StudyDirection.MINIMIZE, 1, 5));
        ThresholdPruner warm = new ThresholdPruner(Optional.empty(), Optional.of(10.0), 3, 1);
        assertFalse(prunes(warm, StudyDirection.MINIMIZE, 11, 11), "inside warm-up");
        assertTrue(prunes(warm, StudyDirection.MINIMIZE, 11, 11, Double.NaN), "NaN prunes even in warm-up");
        assertTrue(prunes(warm, StudyDirection.MINIMIZE, 11, 11, 11, 11));
        assertThrows(StudyException.class, () -> new ThresholdPruner(Optional.of(2.0), Optional.of(1.0), 0, 1));
    }

    @Test
    void nanGuardPrunesWhateverItWrapsAndLeavesInfinitiesToIt() {
        Pruner p = new NonFinitePruner(new NopPruner());
        assertTrue(prunes(p, StudyDirection.MAXIMIZE, Double.NaN));
        assertTrue(prunes(p, StudyDirection.MINIMIZE, 1, Double.NaN));
        assertFalse(prunes(p, StudyDirection.MINIMIZE, 1, 1e300));
        // As Optuna's pruners: an infinity is a value, ranked by the wrapped pruner, not pruned for being one.
        assertFalse(prunes(p, StudyDirection.MINIMIZE, 1, Double.NEGATIVE_INFINITY));
        assertFalse(prunes(p, StudyDirection.MAXIMIZE, 1, Double.POSITIVE_INFINITY));
        assertFalse(prunes(p, StudyDirection.MINIMIZE, 1, Double.POSITIVE_INFINITY), "Nop keeps even a worst value");
        assertEquals(OptionalInt.empty(), p.nextDecisionStep(null, trial(0, TrialState.RUNNING, 1), 0));
    }

    @Test
    void patienceWaitsForNoImprovement() {
        PatientPruner alone = new PatientPruner(Optional.empty(), 2, 0.0);
        assertTrue(prunes(alone, StudyDirection.MINIMIZE, 1, 2, 3, 4), "best 1 before, nothing better since");
        assertFalse(prunes(alone, StudyDirection.MINIMIZE, 3, 2, 1, 0.5));
        assertFalse(prunes(alone, StudyDirection.MINIMIZE, 1, 2, 3), "needs patience + 2 values");
        assertTrue(prunes(alone, StudyDirection.MAXIMIZE, 4, 3, 2, 1));
        PatientPruner delta = new PatientPruner(Optional.empty(), 1, 0.5);
        assertFalse(prunes(delta, StudyDirection.MINIMIZE, 1.0, 1.2, 1.4), "within min_delta");
        assertTrue(prunes(delta, StudyDirection.MINIMIZE, 1.0, 1.6, 1.7));
        PatientPruner wrapped = new PatientPruner(Optional.of(new NopPruner()), 1, 0.0);
        assertFalse(prunes(wrapped, StudyDirection.MINIMIZE, 1, 2, 3), "the wrapped pruner has the last word");
        assertThrows(StudyException.class, () -> new PatientPruner(Optional.empty(), -1, 0));
    }
}
