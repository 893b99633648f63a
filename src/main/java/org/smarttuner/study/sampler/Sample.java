package org.smarttuner.study.sampler;

import java.util.Map;

/**
 * A sampler's answer: internal parameter values, and system attributes to store on the trial
 * (for example CMA-ES's generation) so the next ask can be computed from the history alone.
 */
public record Sample(Map<String, Double> params, Map<String, Object> systemAttrs) {
    public Sample {
        params = Map.copyOf(params);
        systemAttrs = Map.copyOf(systemAttrs);
    }

    public static Sample of(Map<String, Double> params) {
        return new Sample(params, Map.of());
    }
}
