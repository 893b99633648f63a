package org.smarttuner.tts.train;

/**
 * Derives every random stream of a trial from its seed: one per (epoch, purpose). Reseeding at each
 * epoch start is what makes a resumed run draw exactly what a straight run draws.
 */
public final class Seeds {
    public static final long INIT = -1;
    private static final long VALIDATION = 0x5641_4C00_0000_0000L;

    private Seeds() {
    }

    /** SplitMix64 of seed and salt. */
    public static long mix(long seed, long salt) {
        long z = seed + 0x9E3779B97F4A7C15L * (salt + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long training(long seed, int epoch) {
        return mix(seed, epoch);
    }

    public static long validation(long seed, int epoch) {
        return mix(seed ^ VALIDATION, epoch);
    }

    /** The engine takes an int seed. */
    public static int engine(long mixed) {
        return (int) (mixed >>> 33);
    }
}
