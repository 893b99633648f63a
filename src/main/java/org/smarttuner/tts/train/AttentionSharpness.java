package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The alignment diagonal score: for each utterance, the mean over its real decoder steps of the
 * largest attention weight of that step. A focused alignment scores near 1; uniform attention
 * scores 1 / text length.
 */
public final class AttentionSharpness {
    private AttentionSharpness() {
    }

    /** Per-utterance scores of a batch; alignments (B, S, T). */
    public static double[] perUtterance(NDArray alignments, long[] melLengths, int framesPerStep, NDManager scope) {
        int b = (int) alignments.getShape().get(0);
        int steps = (int) alignments.getShape().get(1);
        float[] stepMask = new float[b * steps];
        long[] counts = new long[b];
        for (int i = 0; i < b; i++) {
            counts[i] = Math.min(steps, (melLengths[i] + framesPerStep - 1) / framesPerStep);
            for (int j = 0; j < counts[i]; j++) {
                stepMask[i * steps + j] = 1;
            }
        }
        NDArray mask = scope.create(stepMask, new ai.djl.ndarray.types.Shape(b, steps))
                .toDevice(alignments.getDevice(), false);
        float[] sums = alignments.max(new int[] {2}).mul(mask).sum(new int[] {1}).toFloatArray();
        double[] scores = new double[b];
        for (int i = 0; i < b; i++) {
            scores[i] = counts[i] == 0 ? 0 : sums[i] / counts[i];
        }
        return scores;
    }
}
