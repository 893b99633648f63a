package org.smarttuner.study;

import java.util.SplittableRandom;

/**
 * Random streams derived from (seed, trial number, draw, purpose) alone, so a sampler draws the
 * same numbers for trial 17 whether the study ran without a break or was rebuilt from storage.
 */
public final class Rng {
    private Rng() {
    }

    public static SplittableRandom of(long seed, long... parts) {
        long h = mix(seed ^ 0x5DEECE66DL);
        for (long p : parts) {
            h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        }
        return new SplittableRandom(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for a sampler built without one: different on every run. */
    public static long freshSeed() {
        return new SplittableRandom().nextLong() ^ System.nanoTime();
    }
}
