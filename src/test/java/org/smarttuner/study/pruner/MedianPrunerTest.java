package org.smarttuner.study.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.study.pruner.Histories.history;
import static org.smarttuner.study.pruner.Histories.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.TrialState;

class MedianPrunerTest {

    /** Five completed trials whose values at step 2 are 1..5 (median 3). */
    private static List<FrozenTrial> five() {
        List<FrozenTrial> l = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            l.add(trial(i, TrialState.COMPLETE, 9, 9, i + 1));
        }
        return l;
    }

    @Test
    void prunesAboveTheMedianOfCompletedTrialsAtTheSameStep() {
        MedianPruner p = new MedianPruner(5, 0, 1);
        FrozenTrial bad = trial(5, TrialState.RUNNING, 9, 8, 3.5);
        FrozenTrial good = trial(5, TrialState.RUNNING, 9, 8, 2.5);
        assertTrue(p.decide(history(StudyDirection.MINIMIZE, five(), bad), bad).prune());
        assertFalse(p.decide(history(StudyDirection.MINIMIZE, five(), good), good).prune());
        // The best value so far counts, not the last one.
        FrozenTrial wasGood = trial(5, TrialState.RUNNING, 9, 2.0, 4.0);
        assertFalse(p.decide(history(StudyDirection.MINIMIZE, five(), wasGood), wasGood).prune());
    }

    @Test
    void maximizeUsesTheMirroredPercentile() {
        MedianPruner p = new MedianPruner(5, 0, 1);
        FrozenTrial low = trial(5, TrialState.RUNNING, 0, 0, 2.5);
        FrozenTrial high = trial(5, TrialState.RUNNING, 0, 0, 3.5);
        assertTrue(p.decide(history(StudyDirection.MAXIMIZE, five(), low), low).prune());
        assertFalse(p.decide(history(StudyDirection.MAXIMIZE, five(), high), high).prune());
    }

    @Test
    void startupWarmupAndInterval() {
        FrozenTrial bad = trial(5, TrialState.RUNNING, 9, 8, 3.5);
        assertFalse(new MedianPruner(6, 0, 1).decide(history(StudyDirection.MINIMIZE, five(), bad), bad).prune(),
                "only 5 completed trials of 6 startup trials");
        assertFalse(new MedianPruner(5, 3, 1).decide(history(StudyDirection.MINIMIZE, five(), bad), bad).prune(),
                "step 2 is inside the 3 warm-up steps");
        // interval 2 from warm-up 0: decisions at steps 0, 2, 4; step 2 follows step 1, so it is the
        // first report in its interval and decides.
        assertTrue(new MedianPruner(5, 0, 2).decide(history(StudyDirection.MINIMIZE, five(), bad), bad).prune());
        // interval 2 from warm-up 1: decisions at 1, 3; step 2 is not a first report of its interval.
        assertFalse(new MedianPruner(5, 1, 2).decide(history(StudyDirection.MINIMIZE, five(), bad), bad).prune());
    }

    @Test
    void allNanPrunesAndNextDecisionSteps() {
        MedianPruner p = new MedianPruner(5, 0, 1);
        FrozenTrial nan = trial(5, TrialState.RUNNING, Double.NaN, Double.NaN, Double.NaN);
        assertTrue(p.decide(history(StudyDirection.MINIMIZE, five(), nan), nan).prune());
        MedianPruner w = new MedianPruner(5, 3, 4);
        assertEquals(OptionalInt.of(3), w.nextDecisionStep(null, nan, 0));
        assertEquals(OptionalInt.of(7), w.nextDecisionStep(null, nan, 3));
        assertEquals(OptionalInt.of(7), w.nextDecisionStep(null, nan, 5));
        assertEquals(OptionalInt.of(11), w.nextDecisionStep(null, nan, 7));
    }

    @Test
    void percentileIsNumpys() {
        assertEquals(2.5, MedianPruner.nanPercentile(List.of(1.0, 2.0, 3.0, 4.0), 50), 1e-12);
        assertEquals(1.75, MedianPruner.nanPercentile(List.of(4.0, 1.0, 2.0, Double.NaN, 3.0), 25), 1e-12);
        assertTrue(Double.isNaN(MedianPruner.nanPercentile(List.of(Double.NaN), 50)));
    }

    @Test
    void badSettingsAreRefused() {
        StudyException e = assertThrows(StudyException.class, () -> new MedianPruner(5, 0, 0));
        assertTrue(e.getMessage().contains("interval_steps"), e.getMessage());
        assertThrows(StudyException.class, () -> new MedianPruner(-1, 0, 1));
    }
}
