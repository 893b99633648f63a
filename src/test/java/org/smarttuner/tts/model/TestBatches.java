package org.smarttuner.tts.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.smarttuner.tts.data.Batch;

/** Builds padded batches exactly as the {@link Batch} contract says, for tests without the data pipeline. */
public final class TestBatches {
    private TestBatches() {
    }

    /** Small model sizes for fast tests. */
    public static ModelSettings tiny() {
        return new ModelSettings("small", 16, 2, 5, 16, 0.5, 32, 16, 4, 7, 32, 16, 0.5, 16, 5, 3, 0.5, 1, 0.1, 0.1,
                0.5, 50);
    }

    public static ModelSettings small() {
        return new ModelSettings("small", 128, 3, 5, 128, 0.5, 256, 64, 16, 15, 256, 64, 0.5, 128, 5, 5, 0.5, 1, 0.1,
                0.1, 0.5, 1000);
    }

    public static ModelSettings withFramesPerStep(ModelSettings s, int r) {
        return new ModelSettings(s.preset(), s.symbolsEmbeddingDim(), s.encoderNConvolutions(), s.encoderKernelSize(),
                s.encoderEmbeddingDim(), s.encoderDropout(), s.attentionRnnDim(), s.attentionDim(),
                s.attentionLocationNFilters(), s.attentionLocationKernelSize(), s.decoderRnnDim(), s.prenetDim(),
                s.prenetDropout(), s.postnetEmbeddingDim(), s.postnetKernelSize(), s.postnetNConvolutions(),
                s.postnetDropout(), r, s.pAttentionDropout(), s.pDecoderDropout(), s.gateThreshold(),
                s.maxDecoderSteps());
    }

    /**
     * Random batch: text ids in [1, nSymbols), mel values N(0,1) on real frames and 0 on padding; F is
     * the longest mel rounded up to a multiple of r.
     */
    public static Batch random(NDManager m, Device device, long seed, int nSymbols, int nMels, int[] textLengths,
            int[] melLengths, int r) {
        Random rnd = new Random(seed);
        int b = textLengths.length;
        int t = java.util.Arrays.stream(textLengths).max().orElseThrow();
        int f0 = java.util.Arrays.stream(melLengths).max().orElseThrow();
        int f = (f0 + r - 1) / r * r;
        long[] text = new long[b * t];
        float[] textMask = new float[b * t];
        float[] mel = new float[b * nMels * f];
        float[] gate = new float[b * f];
        float[] melMask = new float[b * f];
        float[] gateMask = new float[b * f];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < textLengths[i]; j++) {
                text[i * t + j] = 1 + rnd.nextInt(nSymbols - 1);
                textMask[i * t + j] = 1;
            }
            for (int k = 0; k < f; k++) {
                boolean real = k < melLengths[i];
                melMask[i * f + k] = real ? 1 : 0;
                int lastStep = (melLengths[i] - 1) / r * r;
                gate[i * f + k] = k >= lastStep ? 1 : 0;
                gateMask[i * f + k] = k < lastStep + r ? 1 : 0;
                for (int c = 0; c < nMels; c++) {
                    mel[(i * nMels + c) * f + k] = real ? (float) rnd.nextGaussian() : 0f;
                }
            }
        }
        long[] tl = java.util.Arrays.stream(textLengths).asLongStream().toArray();
        long[] ml = java.util.Arrays.stream(melLengths).asLongStream().toArray();
        NDList list = new NDList(
                on(m.create(text, new Shape(b, t)), device),
                on(m.create(tl), device),
                on(m.create(mel, new Shape(b, nMels, f)), device),
                on(m.create(gate, new Shape(b, f)), device),
                on(m.create(ml), device),
                on(m.create(textMask, new Shape(b, t)), device),
                on(m.create(melMask, new Shape(b, f)), device),
                on(m.create(gateMask, new Shape(b, f)), device));
        return new Batch(list);
    }

    private static NDArray on(NDArray a, Device d) {
        return a.toDevice(d, false);
    }

    /**
     * Every parameter's gradient in {@code b} equals the one in {@code a} within {@code relative} of the
     * largest entry of {@code a}'s (not per entry: a near-zero entry may differ by rounding alone).
     */
    public static void assertGradientsClose(java.util.Map<String, float[]> a, java.util.Map<String, float[]> b,
                                            double relative, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(a.keySet(), b.keySet(), what + ": the same parameters");
        for (String name : a.keySet()) {
            float[] x = a.get(name);
            float[] y = b.get(name);
            double scale = 1e-6;
            double diff = 0;
            for (int i = 0; i < x.length; i++) {
                scale = Math.max(scale, Math.abs(x[i]));
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
            }
            org.junit.jupiter.api.Assertions.assertTrue(diff <= relative * scale, what + ": " + name + " differs by "
                    + diff + " (largest entry " + scale + ")");
        }
    }
}
