package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Guided attention loss (Tachibana et al. 2017): attention weight far from the diagonal costs
 * {@code 1 - exp(-(n/N - s/S)^2 / (2 g^2))}, with N and S each utterance's own text length and
 * decoder steps; padded positions cost nothing and are not counted in the mean.
 */
public record GuidedAttention(double weight, double sigma) {
    public GuidedAttention {
        if (!(weight >= 0) || !(sigma > 0)) {
            throw new IllegalArgumentException("guided attention needs weight >= 0 and sigma > 0, got weight "
                    + weight + ", sigma " + sigma);
        }
    }

    public boolean enabled() {
        return weight > 0;
    }

    /** @param alignments (B, S, T) */
    NDArray loss(NDArray alignments, long[] textLengths, long[] melLengths, int framesPerStep, NDManager scope) {
        Shape shape = alignments.getShape();
        int b = (int) shape.get(0);
        int steps = (int) shape.get(1);
        int t = (int) shape.get(2);
        float[] penalty = new float[b * steps * t];
        long count = 0;
        double denom = 2 * sigma * sigma;
        for (int i = 0; i < b; i++) {
            int n = (int) textLengths[i];
            int s = (int) Math.min(steps, (melLengths[i] + framesPerStep - 1) / framesPerStep);
            for (int j = 0; j < s; j++) {
                for (int k = 0; k < n; k++) {
                    double d = (double) k / n - (double) j / s;
                    penalty[(i * steps + j) * t + k] = (float) (1 - Math.exp(-d * d / denom));
                }
            }
            count += (long) n * s;
        }
        NDArray w = scope.create(penalty, shape).toDevice(alignments.getDevice(), false);
        return alignments.mul(w).sum().div(Math.max(1, count));
    }
}
