package org.smarttuner.tts.data;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Cuts a prepared {@link DatasetSplit} into padded {@link Batch}es in the layout documented on
 * {@link Batch}. Planning (which items go together) is pure Java and seeded; assembly builds
 * every array on the host and creates it with one call on the requested device, in the
 * requested manager, so nothing is transferred per item.
 *
 * <p>Typical training loop, one NDManager scope per step so the batch and everything computed
 * from it is freed when the step ends:
 *
 * <pre>{@code
 * BatchLoader loader = new BatchLoader(prepared.train(), batchSize, nFramesPerStep);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     loader.forEachBatch(seed + epoch, trialManager, device, batch -> {
 *         // batch.text(), batch.mel(), ... live in a sub-manager of trialManager on device;
 *         // it is closed when this lambda returns: copy out what must be kept (loss as a float).
 *     });
 * }
 * // validation: fixed order, no shuffling
 * for (BatchIndices b : valLoader.orderedPlan()) {
 *     try (NDManager step = trialManager.newSubManager(device); Batch batch = valLoader.assemble(b, step, device)) {
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Bucketing: an epoch's plan shuffles the items with the seed, groups them in buckets of
 * {@value #BUCKET_BATCHES} batches, sorts each bucket by mel length so a batch holds items of
 * similar length (little padding), then shuffles the order of the batches. The same seed always
 * gives the same plan (java.util.Random's algorithm is fixed by its specification). The last
 * batch of an epoch may be smaller than the batch size; no item is dropped.
 *
 * <p>Thread-safe: the loader holds only immutable state.
 */
public final class BatchLoader {
    /** Batches per bucket: large enough to find similar lengths, small enough to keep epochs varied. */
    public static final int BUCKET_BATCHES = 8;

    private final DatasetSplit split;
    private final int batchSize;
    private final int reductionFactor;

    /**
     * @param split the items to batch (not empty)
     * @param batchSize items per batch, at least 1
     * @param reductionFactor Tacotron2's n_frames_per_step: mel arrays are padded to a multiple of it
     */
    public BatchLoader(DatasetSplit split, int batchSize, int reductionFactor) {
        this.split = Objects.requireNonNull(split, "split");
        if (split.isEmpty()) {
            throw new IllegalArgumentException("split " + split.name() + " has no items to batch");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (reductionFactor < 1) {
            throw new IllegalArgumentException("reduction factor (n_frames_per_step) must be at least 1, got "
                    + reductionFactor);
        }
        this.batchSize = batchSize;
        this.reductionFactor = reductionFactor;
    }

    public DatasetSplit split() {
        return split;
    }

    public int batchSize() {
        return batchSize;
    }

    public int reductionFactor() {
        return reductionFactor;
    }

    /** Number of batches in every epoch (the last one may be partial). */
    public int batchesPerEpoch() {
        return (split.size() + batchSize - 1) / batchSize;
    }

    /** The bucketed, shuffled batches of one epoch; the same seed gives the same plan. */
    public List<BatchIndices> plan(long epochSeed) {
        Random random = new Random(epochSeed);
        List<Integer> order = new ArrayList<>(split.size());
        for (int i = 0; i < split.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int bucket = batchSize * BUCKET_BATCHES;
        List<BatchIndices> batches = new ArrayList<>(batchesPerEpoch());
        for (int start = 0; start < order.size(); start += bucket) {
            List<Integer> items = new ArrayList<>(order.subList(start, Math.min(order.size(), start + bucket)));
            items.sort(byLength());
            cut(items, batches);
        }
        Collections.shuffle(batches, random);
        return List.copyOf(batches);
    }

    /** All items sorted by mel length (ties by position), cut in order: for validation, where order must not vary. */
    public List<BatchIndices> orderedPlan() {
        List<Integer> items = new ArrayList<>(split.size());
        for (int i = 0; i < split.size(); i++) {
            items.add(i);
        }
        items.sort(byLength());
        List<BatchIndices> batches = new ArrayList<>(batchesPerEpoch());
        cut(items, batches);
        return List.copyOf(batches);
    }

    /**
     * Runs {@code step} on every batch of the epoch's {@link #plan(long) plan}. Each batch lives in
     * a fresh {@code parent.newSubManager(device)} that is closed when {@code step} returns, together
     * with every array the step created from it.
     */
    public void forEachBatch(long epochSeed, NDManager parent, Device device, Consumer<Batch> step) {
        Objects.requireNonNull(step, "step");
        for (BatchIndices indices : plan(epochSeed)) {
            try (NDManager scope = parent.newSubManager(device)) {
                step.accept(assemble(indices, scope, device));
            }
        }
    }

    /**
     * Builds one padded batch. Every array is created directly in {@code manager}, which must be on
     * {@code device} (create it with {@code trialManager.newSubManager(device)}); the caller owns the
     * result (close the batch or the manager).
     *
     * @throws IllegalArgumentException if the manager is on another device or an index is out of range
     */
    public Batch assemble(BatchIndices indices, NDManager manager, Device device) {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(device, "device");
        if (!manager.getDevice().equals(device)) {
            throw new IllegalArgumentException("the batch manager is on " + manager.getDevice() + " but the batch "
                    + "was asked for on " + device + "; pass manager.newSubManager(" + device + ")");
        }
        List<Utterance> items = new ArrayList<>(indices.size());
        for (int i : indices.items()) {
            if (i < 0 || i >= split.size()) {
                throw new IllegalArgumentException("batch index " + i + " is outside split " + split.name()
                        + " of " + split.size() + " items");
            }
            items.add(split.items().get(i));
        }
        return BatchAssembler.assemble(items, split.nMels(), reductionFactor, manager);
    }

    private Comparator<Integer> byLength() {
        return Comparator.<Integer>comparingInt(i -> split.items().get(i).frames()).thenComparingInt(i -> i);
    }

    private void cut(List<Integer> sorted, List<BatchIndices> into) {
        for (int start = 0; start < sorted.size(); start += batchSize) {
            into.add(new BatchIndices(sorted.subList(start, Math.min(sorted.size(), start + batchSize))));
        }
    }
}
