package org.smarttuner.study.pruner;

import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyHistory;

/** Decides from intermediate values whether a running trial should stop early. */
public interface Pruner {

    /** The decision at the trial's last reported step. {@code history} includes the trial itself. */
    PruneDecision decide(StudyHistory history, FrozenTrial trial);

    /**
     * The first step after {@code currentStep} at which {@link #decide} could prune, so a trial
     * can train in one segment up to there; empty when no later decision will come.
     */
    OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep);

    /**
     * The trials the sampler learns from when it samples trial {@code number}: all of them, except under
     * Hyperband, whose sampler sees only the trial's own bracket (as Optuna's bracket study).
     */
    default StudyHistory samplerView(StudyHistory history, int number) {
        return history;
    }

    String name();
}
