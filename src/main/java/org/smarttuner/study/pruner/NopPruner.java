package org.smarttuner.study.pruner;

import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyHistory;

/** Never prunes. */
public final class NopPruner implements Pruner {
    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        return PruneDecision.keep();
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        return OptionalInt.empty();
    }

    @Override
    public String name() {
        return "none";
    }
}
