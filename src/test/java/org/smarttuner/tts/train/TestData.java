package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.TestBatches;

/** In-memory batch sources for trainer tests (random content, fixed by a seed). */
final class TestData {
    private TestData() {
    }

    static TrainingSettings training(long seed) {
        return new TrainingSettings(2, 4, "adam", 1e-3, 1e-6, 0.9, 0.999, 1e-6, 1.0, "constant", 0.5, 10, 4000, 0.0,
                0.2, 5.0, seed, 1, 0, 2.0, 4);
    }

    static TrainingSettings withOptimizer(TrainingSettings t, String opt, double lr, double wd, double ga) {
        return new TrainingSettings(t.epochs(), t.batchSize(), opt, lr, wd, t.adamBeta1(), t.adamBeta2(),
                t.adamEpsilon(), t.gradClipNorm(), t.lrSchedule(), t.lrDecayRate(), t.lrDecayEpochs(),
                t.warmupSteps(), ga, t.guidedAttentionSigma(), t.gatePositiveWeight(), t.seed(), t.freeRunEvery(),
                t.freeRunUtterances(), t.freeRunMaxLength(), t.mcdCoefficients());
    }

    /** batches of random batches: each batch is (seed, text lengths, mel lengths). */
    static BatchSource random(int batches, int batchSize, int nSymbols, int nMels, int r, long seed) {
        Random rnd = new Random(seed);
        List<int[][]> specs = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            int[] tl = new int[batchSize];
            int[] ml = new int[batchSize];
            for (int j = 0; j < batchSize; j++) {
                tl[j] = 3 + rnd.nextInt(6);
                ml[j] = 5 + rnd.nextInt(10);
            }
            specs.add(new int[][] {tl, ml});
        }
        return new BatchSource() {
            @Override
            public int batchCount() {
                return specs.size();
            }

            @Override
            public Batch batch(long passSeed, int index, NDManager manager, Device device) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < specs.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(passSeed));
                int k = order.get(index);
                int[][] s = specs.get(k);
                return TestBatches.random(manager, device, seed * 1000 + k, nSymbols, nMels, s[0], s[1], r);
            }
        };
    }
}
