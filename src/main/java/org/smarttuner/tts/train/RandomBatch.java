package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.smarttuner.tts.data.Batch;

/**
 * A full-length random batch in the {@link Batch} layout (every utterance T tokens and F frames,
 * smooth random mels), for throughput benchmarks where only shapes matter.
 */
public final class RandomBatch {
    private RandomBatch() {
    }

    public static Batch create(NDManager m, Device device, long seed, int batchSize, int tokens, int frames,
            int nSymbols, int nMels) {
        Random rnd = new Random(seed);
        long[] text = new long[batchSize * tokens];
        for (int i = 0; i < text.length; i++) {
            text[i] = 1 + rnd.nextInt(nSymbols - 1);
        }
        float[] mel = new float[batchSize * nMels * frames];
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) (Math.sin(i * 0.01) - 4 + 0.1 * rnd.nextGaussian());
        }
        float[] gate = new float[batchSize * frames];
        for (int b = 0; b < batchSize; b++) {
            gate[b * frames + frames - 1] = 1;
        }
        long[] textLengths = new long[batchSize];
        long[] melLengths = new long[batchSize];
        java.util.Arrays.fill(textLengths, tokens);
        java.util.Arrays.fill(melLengths, frames);
        float[] ones = new float[batchSize * Math.max(tokens, frames)];
        java.util.Arrays.fill(ones, 1f);
        NDList list = new NDList(
                m.create(text, new Shape(batchSize, tokens)).toDevice(device, false),
                m.create(textLengths).toDevice(device, false),
                m.create(mel, new Shape(batchSize, nMels, frames)).toDevice(device, false),
                m.create(gate, new Shape(batchSize, frames)).toDevice(device, false),
                m.create(melLengths).toDevice(device, false),
                m.create(java.util.Arrays.copyOf(ones, batchSize * tokens), new Shape(batchSize, tokens))
                        .toDevice(device, false),
                m.create(java.util.Arrays.copyOf(ones, batchSize * frames), new Shape(batchSize, frames))
                        .toDevice(device, false),
                // gate_mask: every frame of a full-length utterance belongs to one of its decoder steps
                m.create(java.util.Arrays.copyOf(ones, batchSize * frames), new Shape(batchSize, frames))
                        .toDevice(device, false));
        return new Batch(list);
    }
}
