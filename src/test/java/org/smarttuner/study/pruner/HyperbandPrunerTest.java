package org.smarttuner.study.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.smarttuner.PythonEnv;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.TrialState;

class HyperbandPrunerTest {

    @Test
    void bracketsAndBudgetsAsPublished() {
        HyperbandPruner hb = new HyperbandPruner(1, 27, 3);
        assertEquals(4, hb.bracketCount());
        // ceil(n * eta^s / (s + 1)) for s = 3, 2, 1, 0 with n = 4 brackets.
        assertEquals(List.of(27, 12, 6, 4), hb.budgets());
        assertEquals(3, new HyperbandPruner(1, 9, 3).bracketCount());
        assertEquals(1, new HyperbandPruner(5, 5, 3).bracketCount());
        assertThrows(StudyException.class, () -> new HyperbandPruner(10, 5, 3));
    }

    @Test
    void trialsLandInTheSameBracketsAsInOptuna() {
        String out = PythonEnv.run("hyperband_brackets.py", 120, "tacotron-hb", "200", "1", "81", "3");
        String[] lines = out.strip().split("\n");
        HyperbandPruner hb = new HyperbandPruner(1, 81, 3);
        assertEquals("budgets " + String.join(" ", hb.budgets().stream().map(String::valueOf).toList()), lines[0]);
        for (int n = 0; n < 200; n++) {
            assertEquals(Integer.parseInt(lines[n + 1].strip()), hb.bracketOf("tacotron-hb", n), "trial " + n);
        }
    }

    @Test
    void trialsCompeteOnlyWithinTheirBracketWhoseRungsStartLater() {
        HyperbandPruner hb = new HyperbandPruner(1, 27, 3);
        String study = "hb";
        int target = -1;
        for (int n = 0; n < 100 && target < 0; n++) {
            if (hb.bracketOf(study, n) == 0) {
                target = n;
            }
        }
        int bracket0 = target;
        // Other trials: a strong value at rung 0 in another bracket, a weak one in bracket 0.
        List<FrozenTrial> trials = new ArrayList<>();
        for (int n = 0; n < bracket0; n++) {
            double rung = hb.bracketOf(study, n) == 0 ? 0.9 : 0.01;
            trials.add(FrozenTrial.create(n, TrialState.RUNNING, Optional.empty())
                    .withSystemAttrs(Map.of("completed_rung_0", rung))
                    .withState(TrialState.PRUNED, Optional.empty(), Optional.empty()));
        }
        FrozenTrial mine = FrozenTrial.create(bracket0, TrialState.RUNNING, Optional.empty()).withIntermediate(1, 0.5);
        trials.add(mine);
        StudyHistory h = new StudyHistory(study, StudyDirection.MINIMIZE, trials);
        PruneDecision d = hb.decide(h, mine);
        boolean anyStrongElsewhere = trials.stream().anyMatch(t -> t.number() != bracket0
                && hb.bracketOf(study, t.number()) != 0);
        assertTrue(anyStrongElsewhere || bracket0 == 0, "test setup needs trials in other brackets");
        assertFalse(d.prune(), "0.5 beats everything in its own bracket: " + d);
        // Bracket b's first rung is at min_resource * eta^b.
        int b2 = -1;
        for (int n = 0; n < 100 && b2 < 0; n++) {
            if (hb.bracketOf(study, n) == 2) {
                b2 = n;
            }
        }
        FrozenTrial t2 = FrozenTrial.create(b2, TrialState.RUNNING, Optional.empty()).withIntermediate(0, 1.0);
        assertEquals(OptionalInt.of(9), hb.nextDecisionStep(h, t2, 0));
    }
}
