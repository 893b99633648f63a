package org.smarttuner.study.pruner;

import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyHistory;

/**
 * Prunes at once on a NaN latest value, otherwise asks the wrapped pruner. An infinity is a value
 * like any other, ranked by the wrapped pruner (as Optuna's pruners do: they stop on NaN alone), so
 * a maximised metric that reaches +inf is not pruned for it; a diverging loss stops its trial in the
 * trainer anyway.
 */
public final class NonFinitePruner implements Pruner {
    private final Pruner inner;

    public NonFinitePruner(Pruner inner) {
        this.inner = inner;
    }

    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        if (trial.lastStep().isPresent()) {
            int step = trial.lastStep().getAsInt();
            double v = trial.intermediateValues().get(step);
            if (Double.isNaN(v)) {
                return PruneDecision.prune("value " + v + " at step " + step);
            }
        }
        return inner.decide(history, trial);
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        return inner.nextDecisionStep(history, trial, currentStep);
    }

    @Override
    public StudyHistory samplerView(StudyHistory history, int number) {
        return inner.samplerView(history, number);
    }

    @Override
    public String name() {
        return inner.name();
    }
}
