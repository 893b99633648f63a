package org.smarttuner.study.pruner;

import java.util.OptionalInt;
import java.util.SortedMap;

/** Warm-up and interval arithmetic shared by the median and threshold pruners (as Optuna's). */
final class Steps {
    private Steps() {
    }

    /** True when {@code step} is the first reported step of its interval after warm-up. */
    static boolean firstInInterval(int step, SortedMap<Integer, Double> values, int warmup, int interval) {
        int nearestLower = ((step - warmup) / interval) * interval + warmup;
        int secondLast = -1;
        for (int s : values.keySet()) {
            if (s > secondLast && s != step) {
                secondLast = s;
            }
        }
        return secondLast < nearestLower;
    }

    /** The first decision step after {@code current}: warm-up, then every {@code interval} steps. */
    static OptionalInt next(int current, int warmup, int interval) {
        int s = current + 1;
        if (s <= warmup) {
            return OptionalInt.of(warmup);
        }
        int k = (s - warmup + interval - 1) / interval;
        return OptionalInt.of(warmup + k * interval);
    }
}
