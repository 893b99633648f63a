package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/** A fully connected layer over the last axis (NVIDIA's LinearNorm: Xavier weight with a gain, PyTorch bias init). */
final class Dense {
    final NDArray weight;
    final NDArray bias;

    Dense(Params p, String name, int in, int out, boolean withBias, double gain) {
        weight = p.xavier(name + ".weight", new Shape(out, in), gain);
        bias = withBias ? p.uniform(name + ".bias", new Shape(out), 1.0 / Math.sqrt(in)) : null;
    }

    NDArray apply(NDArray x) {
        return bias == null ? Linear.linear(x, weight).singletonOrThrow()
                : Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
