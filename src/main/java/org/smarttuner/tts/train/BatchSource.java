package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.smarttuner.tts.data.Batch;

/** Where the trainer gets its batches: one pass is {@link #batchCount()} batches in an order fixed by a seed. */
public interface BatchSource {
    int batchCount();

    /**
     * Builds batch {@code index} of the pass ordered by {@code passSeed}, its arrays created in
     * {@code manager} on {@code device}. The same seed must give the same batches.
     */
    Batch batch(long passSeed, int index, NDManager manager, Device device);
}
