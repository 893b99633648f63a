package org.smarttuner.tts.data;

import java.util.List;

/** The positions (in a {@link DatasetSplit}'s item list) that make up one batch. */
public record BatchIndices(List<Integer> items) {
    public BatchIndices {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one item");
        }
    }

    public int size() {
        return items.size();
    }
}
