package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

    /**
     * @param alignments (B, S, T)
     *
     * <p>The penalty matrix is built where the alignments are (on the GPU there): only the 2B lengths
     * cross from the host, not the B x S x T matrix (about 46 MB a step at batch 64 on LJSpeech lengths).
     * It is computed in float64 and rounded once to float32, as the host-built matrix was, so a CPU
     * training is the same to the bit as before the move.
     */
    NDArray loss(NDArray alignments, long[] textLengths, long[] melLengths, int framesPerStep, NDManager scope) {
        Shape shape = alignments.getShape();
        long count = 0;
        for (int i = 0; i < shape.get(0); i++) {
            count += textLengths[i] * Math.min(shape.get(1), (melLengths[i] + framesPerStep - 1) / framesPerStep);
        }
        NDArray w = penalty(shape, textLengths, melLengths, framesPerStep, alignments.getDevice(), scope);
        return alignments.mul(w).sum().div(Math.max(1, count));
    }

    /** The (B, S, T) float32 penalty on {@code device}: zero on padded steps and tokens. */
    NDArray penalty(Shape shape, long[] textLengths, long[] melLengths, int framesPerStep, Device device,
                    NDManager scope) {
        int b = (int) shape.get(0);
        int steps = (int) shape.get(1);
        int t = (int) shape.get(2);
        double[] n = new double[b];
        double[] s = new double[b];
        for (int i = 0; i < b; i++) {
            n[i] = textLengths[i];
            s[i] = Math.min(steps, (melLengths[i] + framesPerStep - 1) / framesPerStep);
        }
        NDArray textLen = scope.create(n, new Shape(b, 1, 1)).toDevice(device, false);
        NDArray stepLen = scope.create(s, new Shape(b, 1, 1)).toDevice(device, false);
        NDArray k = scope.arange(0, t, 1, DataType.FLOAT64, device).reshape(1, 1, t);
        NDArray j = scope.arange(0, steps, 1, DataType.FLOAT64, device).reshape(1, steps, 1);
        NDArray d = k.div(textLen).sub(j.div(stepLen));
        NDArray penalty = d.mul(d).neg().div(2 * sigma * sigma).exp().neg().add(1.0);
        NDArray inside = k.lt(textLen).logicalAnd(j.lt(stepLen)).toType(DataType.FLOAT64, false);
        return penalty.mul(inside).toType(DataType.FLOAT32, false);
    }
}
