package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;

/** Conv1d with "same" padding followed by BatchNorm1d, over (B, C, T). */
final class ConvBatchNorm {
    /** DJL's momentum convention (PyTorch's 0.1 is DJL's 0.9). */
    private static final float MOMENTUM = 0.9f;
    private static final float EPS = 1e-5f;

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray gamma;
    private final NDArray beta;
    private final NDArray runningMean;
    private final NDArray runningVar;

    ConvBatchNorm(Params p, String name, int in, int out, int kernel, double gain) {
        weight = p.xavier(name + ".conv.weight", new Shape(out, in, kernel), gain);
        bias = p.uniform(name + ".conv.bias", new Shape(out), 1.0 / Math.sqrt((double) in * kernel));
        gamma = p.constant(name + ".bn.gamma", new Shape(out), 1f, true);
        beta = p.constant(name + ".bn.beta", new Shape(out), 0f, true);
        runningMean = p.constant(name + ".bn.running_mean", new Shape(out), 0f, false);
        runningVar = p.constant(name + ".bn.running_var", new Shape(out), 1f, false);
    }

    NDArray apply(NDArray x, boolean training, ai.djl.ndarray.NDManager scope) {
        NDArray y = SameConv.apply(x, weight, bias, scope);
        // axis -1 selects PyTorch's own channel axis (1) without DJL's swapAxes detour
        return BatchNorm.batchNorm(y, runningMean, runningVar, gamma, beta, -1, MOMENTUM, EPS, training)
                .singletonOrThrow();
    }
}
