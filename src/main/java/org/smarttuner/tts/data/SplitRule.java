package org.smarttuner.tts.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Train/validation split by a seeded hash of each utterance id: an item's side depends only on
 * its id, the seed and the fraction, so it does not move when rows are added, removed or
 * reordered, and is the same on every machine and run. With two or more items each side gets at
 * least one (the item whose score is nearest the boundary moves).
 */
public final class SplitRule {
    private SplitRule() {
    }

    /** Where {@code id} falls in [0, 1) for {@code seed}. */
    public static double score(String id, long seed) {
        long h = 0xcbf29ce484222325L ^ mix(seed);
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** Items whose score is below the fraction go to validation. */
    public static <T> Sides<T> split(List<T> items, java.util.function.Function<T, String> id, long seed, double valFraction) {
        List<T> train = new ArrayList<>();
        List<T> val = new ArrayList<>();
        for (T t : items) {
            (score(id.apply(t), seed) < valFraction ? val : train).add(t);
        }
        Comparator<T> byScore = Comparator.comparingDouble(t -> score(id.apply(t), seed));
        if (items.size() >= 2 && val.isEmpty()) {
            T first = train.stream().min(byScore).orElseThrow();
            train.remove(first);
            val.add(first);
        } else if (items.size() >= 2 && train.isEmpty()) {
            T last = val.stream().max(byScore).orElseThrow();
            val.remove(last);
            train.add(last);
        } else if (items.size() == 1 && train.isEmpty()) {
            train.addAll(val);
            val.clear();
        }
        return new Sides<>(List.copyOf(train), List.copyOf(val));
    }

    public record Sides<T>(List<T> train, List<T> validation) {
    }

    // SplitMix64's finaliser: spreads the seed's and the hash's bits over the whole word
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
