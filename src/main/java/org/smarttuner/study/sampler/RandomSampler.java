package org.smarttuner.study.sampler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.smarttuner.study.Rng;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.distribution.Distribution;

/** Independent uniform draws (log-uniform on log scales). */
public final class RandomSampler implements Sampler {
    private final long seed;

    public RandomSampler(long seed) {
        this.seed = seed;
    }

    @Override
    public Sample sample(StudyHistory history, int number, int draw, Map<String, Distribution> space) {
        return Sample.of(draw(Rng.of(seed, number, draw, 0x52414e44L), space));
    }

    static Map<String, Double> draw(SplittableRandom rng, Map<String, Distribution> space) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Distribution> e : space.entrySet()) {
            out.put(e.getKey(), Uniform.draw(e.getValue(), rng));
        }
        return out;
    }

    @Override
    public String name() {
        return "random";
    }
}
