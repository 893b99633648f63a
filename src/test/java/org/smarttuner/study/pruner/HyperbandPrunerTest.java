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

    /**
     * Optuna computes the bracket count in floating point, floor(log(max / min) / log(eta)) + 1, which
     * rounds some exact powers down: 1..243 with eta 3 is 5 brackets there (6 by exact counting, as
     * here before). Every (min, max, eta) on a grid, against Optuna's own pruner.
     */
    @Test
    void bracketCountsAndBudgetsAsOptunasOnAGrid() throws Exception {
        StringBuilder in = new StringBuilder();
        List<HyperbandPruner> ours = new ArrayList<>();
        for (int min = 1; min <= 4; min++) {
            for (int eta = 2; eta <= 5; eta++) {
                for (int max = min; max <= 1000; max += max < 300 ? 1 : 7) {
                    in.append(min).append(' ').append(max).append(' ').append(eta).append('\n');
                    ours.add(new HyperbandPruner(min, max, eta));
                }
            }
        }
        for (int[] c : new int[][] {{1, 243, 3}, {2, 486, 3}, {3, 729, 3}, {4, 972, 3}, {1, 1000, 10}}) {
            in.append(c[0]).append(' ').append(c[1]).append(' ').append(c[2]).append('\n');
            ours.add(new HyperbandPruner(c[0], c[1], c[2]));
        }
        Process p = new ProcessBuilder(PythonEnv.python().toString(),
                PythonEnv.script("hyperband_bracket_counts.py").toString()).start();
        p.getOutputStream().write(in.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String[] lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .strip().split("\n");
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));
        assertEquals(ours.size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].strip().split(" ");
            String what = "min " + f[0] + ", max " + f[1] + ", eta " + f[2];
            assertEquals(Integer.parseInt(f[3]), ours.get(i).bracketCount(), what);
            List<Integer> budgets = new ArrayList<>();
            for (int j = 4; j < f.length; j++) {
                budgets.add(Integer.parseInt(f[j]));
            }
            assertEquals(budgets, ours.get(i).budgets(), what);
        }
        assertEquals(5, new HyperbandPruner(1, 243, 3).bracketCount());
    }

    /** As Optuna's bracket study: the sampler learns only from the trials of the new trial's own bracket. */
    @Test
    void theSamplerSeesOnlyTheNewTrialsBracket() {
        HyperbandPruner hb = new HyperbandPruner(1, 27, 3);
        List<List<Integer>> seen = new ArrayList<>();
        org.smarttuner.study.sampler.Sampler recording = new org.smarttuner.study.sampler.Sampler() {
            @Override
            public org.smarttuner.study.sampler.Sample sample(StudyHistory history, int number, int draw,
                    Map<String, org.smarttuner.study.distribution.Distribution> space) {
                seen.add(history.trials().stream().map(FrozenTrial::number).toList());
                return org.smarttuner.study.sampler.Sample.of(Map.of("x", 0.1 * number));
            }

            @Override
            public String name() {
                return "recording";
            }
        };
        org.smarttuner.study.Study study = org.smarttuner.study.Study.create("hb-view", StudyDirection.MINIMIZE,
                recording, new NonFinitePruner(hb));
        Map<String, org.smarttuner.study.distribution.Distribution> space =
                Map.of("x", org.smarttuner.study.distribution.FloatDistribution.of(0, 100));
        for (int i = 0; i < 40; i++) {
            FrozenTrial t = study.ask(space);
            study.tell(t.number(), 1.0);
        }
        int others = 0;
        for (int n = 0; n < 40; n++) {
            int bracket = hb.bracketOf("hb-view", n);
            for (int m : seen.get(n)) {
                assertEquals(bracket, hb.bracketOf("hb-view", m), "trial " + n + " saw trial " + m);
            }
            others += n - seen.get(n).size();
        }
        assertTrue(others > 0, "some earlier trials were in other brackets and hidden");
    }
}
