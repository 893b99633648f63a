package org.smarttuner.study.pruner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.TrialState;

/** Hand-made trial histories for pruner tests. */
final class Histories {
    private Histories() {
    }

    /** A trial with intermediate values at steps 0, 1, 2, ... */
    static FrozenTrial trial(int number, TrialState state, double... values) {
        FrozenTrial t = FrozenTrial.create(number, TrialState.RUNNING, Optional.empty());
        for (int i = 0; i < values.length; i++) {
            t = t.withIntermediate(i, values[i]);
        }
        Optional<Double> v = state == TrialState.COMPLETE ? Optional.of(values[values.length - 1]) : Optional.empty();
        return state == TrialState.RUNNING ? t : t.withState(state, v, Optional.empty());
    }

    static FrozenTrial withRungs(int number, TrialState state, double... rungValues) {
        FrozenTrial t = trial(number, state, 0.0);
        for (int r = 0; r < rungValues.length; r++) {
            t = t.withSystemAttrs(Map.of(SuccessiveHalvingPruner.RUNG_PREFIX + r, rungValues[r]));
        }
        return t;
    }

    static StudyHistory history(StudyDirection d, List<FrozenTrial> others, FrozenTrial trial) {
        List<FrozenTrial> all = new ArrayList<>(others);
        all.add(trial);
        return new StudyHistory("study", d, all);
    }
}
