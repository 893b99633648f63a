package org.smarttuner.study.pruner;

import java.util.Map;

/**
 * Whether to prune now, why, and system attributes to record on the trial (ASHA's completed
 * rungs), so later decisions follow from the history alone.
 */
public record PruneDecision(boolean prune, String reason, Map<String, Object> systemAttrs) {
    public PruneDecision {
        systemAttrs = Map.copyOf(systemAttrs);
    }

    public static PruneDecision keep() {
        return new PruneDecision(false, "", Map.of());
    }

    public static PruneDecision keep(Map<String, Object> attrs) {
        return new PruneDecision(false, "", attrs);
    }

    public static PruneDecision prune(String reason) {
        return new PruneDecision(true, reason, Map.of());
    }
}
