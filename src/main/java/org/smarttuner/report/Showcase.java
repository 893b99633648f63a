package org.smarttuner.report;

import java.util.List;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;

/**
 * The pruned trial the report speaks beside the best one: the pruned trial that trained the most
 * epochs (the closest call; ties go to the earlier trial). The study keeps this one trial's
 * checkpoint and deletes every other pruned trial's, so a long study keeps one spare checkpoint, not
 * hundreds.
 */
public final class Showcase {
    private Showcase() {
    }

    public static Optional<FrozenTrial> pruned(List<FrozenTrial> trials) {
        FrozenTrial pick = null;
        for (FrozenTrial t : trials) {
            if (t.state() != TrialState.PRUNED || t.lastStep().isEmpty()) {
                continue;
            }
            if (pick == null || t.lastStep().getAsInt() > pick.lastStep().getAsInt()) {
                pick = t;
            }
        }
        return Optional.ofNullable(pick);
    }
}
