package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.data.BatchIndices;
import org.smarttuner.tts.data.BatchLoader;
import org.smarttuner.tts.data.PreparedDataset;

/**
 * The data pipeline's {@link BatchLoader} as a {@link BatchSource}: training passes use the
 * loader's seeded, bucketed plan; validation uses its fixed length-sorted plan (seed ignored).
 */
public final class LoaderBatchSource implements BatchSource {
    private final BatchLoader loader;
    private final boolean shuffled;
    private long planSeed;
    private List<BatchIndices> plan;

    public LoaderBatchSource(BatchLoader loader, boolean shuffled) {
        this.loader = loader;
        this.shuffled = shuffled;
        this.plan = shuffled ? null : loader.orderedPlan();
    }

    /** Training and validation sources over a prepared dataset. */
    public static TrainingData of(PreparedDataset data, int batchSize, int framesPerStep) {
        return new TrainingData(
                new LoaderBatchSource(new BatchLoader(data.train(), batchSize, framesPerStep), true),
                new LoaderBatchSource(new BatchLoader(data.validation(), batchSize, framesPerStep), false),
                data.nSymbols(), data.nMels());
    }

    @Override
    public int batchCount() {
        return loader.batchesPerEpoch();
    }

    @Override
    public Batch batch(long passSeed, int index, NDManager manager, Device device) {
        if (shuffled && (plan == null || planSeed != passSeed)) {
            plan = loader.plan(passSeed);
            planSeed = passSeed;
        }
        return loader.assemble(plan.get(index), manager, device);
    }
}
