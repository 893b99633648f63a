package org.smarttuner.study.sampler;

import java.util.Map;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.distribution.Distribution;

/**
 * Proposes parameters for a new trial. Implementations are pure functions of (seed, history,
 * trial number, draw, space): no hidden state decides what they return, only caches.
 */
public interface Sampler {

    /**
     * Internal values for every parameter of {@code space}, always inside its bounds and on its
     * step grid. {@code history} does not contain the trial being sampled; {@code draw} is 0 for
     * the first attempt and counts up when the study asks again to avoid a duplicate.
     */
    Sample sample(StudyHistory history, int number, int draw, Map<String, Distribution> space);

    /** True when the sampler has nothing new to offer (a grid fully visited). */
    default boolean exhausted(StudyHistory history, Map<String, Distribution> space) {
        return false;
    }

    /** Short name for logs and benchmarks. */
    String name();
}
