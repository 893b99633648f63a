package org.smarttuner.tts.data;

import java.util.List;

/**
 * The prepared items of one split (train or validation), all with the same number of mel bands.
 * Immutable; safe to share between threads and trials of one executor.
 */
public record DatasetSplit(String name, List<Utterance> items, int nMels) {
    public DatasetSplit {
        items = List.copyOf(items);
        for (Utterance u : items) {
            if (u.nMels() != nMels) {
                throw new IllegalArgumentException("split " + name + ": utterance " + u.id() + " has "
                        + u.nMels() + " mel bands, the split has " + nMels);
            }
        }
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Total mel frames, the unit the trainer's throughput (frames per second) is measured in. */
    public long totalFrames() {
        long n = 0;
        for (Utterance u : items) {
            n += u.frames();
        }
        return n;
    }
}
